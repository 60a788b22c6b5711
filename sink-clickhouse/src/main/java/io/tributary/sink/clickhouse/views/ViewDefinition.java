package io.tributary.sink.clickhouse.views;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One analytics view declared in {@code sql/views/<name>.sql}: a header of {@code --} lines
 * (free text is the description; {@code -- key: a, b} names the grouping columns) and one
 * ClickHouse {@code SELECT} over a changelog table {@code <source>__changes}, where every
 * non-key column is a sum of signed changes ({@code sum(x * _sign)}, {@code sum(_sign)}).
 *
 * @param source the captured (or enriched) table whose changelog the view reads
 * @param select the SELECT as written, reading {@code <source>__changes} without a database
 * @param digest SHA-256 of the definition: a different digest means the view is rebuilt
 */
public record ViewDefinition(String name, String description, String source, List<String> keys, String select,
                             String digest) implements Serializable {
    public static final String CHANGES_SUFFIX = "__changes";
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern CHANGES_TABLE = Pattern.compile(
            "(?i)\\b(FROM|JOIN)\\s+((?:`?[A-Za-z0-9_]+`?\\.)?)`?([A-Za-z0-9_]+)" + CHANGES_SUFFIX + "`?");
    private static final Pattern SIGN = Pattern.compile("\\b_sign\\b");

    public ViewDefinition {
        keys = List.copyOf(keys);
    }

    /** Parses one file's text; {@code file} names it in errors. */
    public static ViewDefinition parse(String file, String name, String text) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(file + ": the view name '" + name + "' (the file name) must be lower-case "
                    + "letters, digits and _ , starting with a letter or _");
        }
        StringBuilder description = new StringBuilder();
        List<String> keys = null;
        StringBuilder select = new StringBuilder();
        String[] lines = text.split("\n", -1);
        boolean header = true;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (header && line.startsWith("--")) {
                String comment = line.substring(2).strip();
                if (comment.toLowerCase(java.util.Locale.ROOT).startsWith("key:")) {
                    keys = keyList(file, i + 1, comment.substring(4));
                } else if (!comment.isEmpty()) {
                    description.append(description.length() == 0 ? "" : " ").append(comment);
                }
                continue;
            }
            if (header && line.isEmpty()) {
                continue;
            }
            header = false;
            select.append(lines[i]).append('\n');
        }
        String sql = select.toString().strip();
        while (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1).strip();
        }
        if (keys == null) {
            throw new IllegalArgumentException(file + ": missing the header line '-- key: col1, col2' naming the "
                    + "grouping columns of the view (the columns its GROUP BY produces)");
        }
        if (!sql.regionMatches(true, 0, "SELECT", 0, 6) && !sql.regionMatches(true, 0, "WITH", 0, 4)) {
            throw new IllegalArgumentException(file + ": after the header comes one SELECT statement");
        }
        if (sql.contains(";")) {
            throw new IllegalArgumentException(file + ": only one statement is allowed (found ';')");
        }
        Matcher m = CHANGES_TABLE.matcher(sql);
        List<String> sources = new ArrayList<>();
        while (m.find()) {
            if (!m.group(2).isEmpty()) {
                throw new IllegalArgumentException(file + ": write " + m.group(3) + CHANGES_SUFFIX
                        + " without a database; the view lives in the database of its source table");
            }
            sources.add(m.group(3));
        }
        if (sources.size() != 1) {
            throw new IllegalArgumentException(file + ": the SELECT must read exactly one changelog table "
                    + "(FROM <table>" + CHANGES_SUFFIX + "), found " + (sources.isEmpty() ? "none" : sources)
                    + ". A materialized view only sees inserts into its first table; join dimensions in an "
                    + "enrichment (sql/enrichments) instead");
        }
        if (!SIGN.matcher(sql).find()) {
            throw new IllegalArgumentException(file + ": the SELECT never uses _sign. Every change arrives as the "
                    + "retraction of the old row (_sign = -1) and the new row (_sign = +1): aggregate with "
                    + "sum(x * _sign) and sum(_sign), or updates count twice and deletes never subtract");
        }
        return new ViewDefinition(name, description.toString(), sources.get(0), keys, sql,
                digest(String.join(",", keys) + "\n" + sql));
    }

    private static List<String> keyList(String file, int line, String text) {
        List<String> keys = new ArrayList<>();
        for (String part : text.split(",")) {
            String key = part.strip();
            if (!IDENTIFIER.matcher(key).matches()) {
                throw new IllegalArgumentException(file + ": line " + line + ": key column '" + key
                        + "' is not a plain column name");
            }
            keys.add(key);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(file + ": line " + line + ": key: lists no column");
        }
        return keys;
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SELECT with its changelog table qualified by {@code quotedDatabase}, as the materialized view stores it. */
    public String selectIn(String quotedDatabase) {
        Matcher m = CHANGES_TABLE.matcher(select);
        if (!m.find()) {
            throw new IllegalStateException("view " + name + " lost its changelog table");
        }
        return select.substring(0, m.start()) + m.group(1) + " " + quotedDatabase + ".`" + source + CHANGES_SUFFIX
                + "`" + select.substring(m.end());
    }
}
