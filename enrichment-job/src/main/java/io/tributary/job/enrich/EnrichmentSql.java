package io.tributary.job.enrich;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses an enrichment file ({@code sql/enrichments/<name>.sql}): leading {@code --} lines describe
 * it, then one MySQL query of this shape, which is also exactly what the enriched table holds:
 *
 * <pre>
 * SELECT rental.*, film.title AS film_title, country.country AS customer_country
 * FROM rental
 * LEFT JOIN inventory ON inventory.inventory_id = rental.inventory_id
 * LEFT JOIN film ON film.film_id = inventory.film_id
 * </pre>
 *
 * Every join is a LEFT JOIN on the joined table's single-column primary key (checked against
 * MySQL by {@link EnrichmentResolver}), from the fact or a table joined before it.
 */
public final class EnrichmentSql {
    private static final Pattern TOKEN = Pattern.compile("\\s*(`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_$]*|\\.|,|\\*|=|\\S)");
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");

    private final String file;
    private final List<String> tokens = new ArrayList<>();
    private int next;

    private EnrichmentSql(String file, String sql) {
        this.file = file;
        Matcher m = TOKEN.matcher(sql);
        int at = 0;
        while (at < sql.length() && m.find(at) && m.start() == at) {
            tokens.add(m.group(1));
            at = m.end();
            while (at < sql.length() && Character.isWhitespace(sql.charAt(at))) {
                at++;
            }
        }
    }

    /** A parsed file, not yet checked against MySQL's tables. */
    public record Parsed(String name, String description, String factTable, String factAlias, List<Join> joins,
                         List<Output> outputs) {}

    /** {@code LEFT JOIN table AS alias ON alias.keyColumn = parentAlias.parentColumn}. */
    public record Join(String table, String alias, String keyColumn, String parentAlias, String parentColumn) {}

    /** {@code alias.column AS name} in the SELECT list. */
    public record Output(String alias, String column, String name) {}

    public static Parsed parse(String file, String name, String text) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(file + ": the enrichment name '" + name + "' (the file name) must be "
                    + "lower-case letters, digits and _");
        }
        StringBuilder description = new StringBuilder();
        StringBuilder sql = new StringBuilder();
        boolean header = true;
        for (String line : text.split("\n", -1)) {
            String stripped = line.strip();
            if (header && stripped.startsWith("--")) {
                description.append(description.length() == 0 ? "" : " ").append(stripped.substring(2).strip());
                continue;
            }
            header = header && stripped.isEmpty();
            int comment = line.indexOf("--");
            sql.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        String body = sql.toString().strip();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).strip();
        }
        return new EnrichmentSql(file, body).parse(name, description.toString().strip());
    }

    private Parsed parse(String name, String description) {
        expect("SELECT");
        List<String[]> selectList = new ArrayList<>();
        do {
            String alias = identifier("a table alias in the SELECT list");
            expect(".");
            if (peek("*")) {
                next++;
                selectList.add(new String[] {alias, "*", null});
            } else {
                String column = identifier("a column name");
                String as = column;
                if (peekKeyword("AS")) {
                    next++;
                    as = identifier("the output column name after AS");
                }
                selectList.add(new String[] {alias, column, as});
            }
        } while (accept(","));
        expect("FROM");
        String factTable = tableName();
        String factAlias = optionalAlias(factTable);
        List<Join> joins = new ArrayList<>();
        List<String> aliases = new ArrayList<>(List.of(factAlias));
        while (peekKeyword("LEFT")) {
            next++;
            accept("OUTER");
            expect("JOIN");
            String table = tableName();
            String alias = optionalAlias(table);
            if (aliases.contains(alias)) {
                throw error("the alias '" + alias + "' is used twice; give the second one its own alias (AS ...)");
            }
            expect("ON");
            String[] left = qualifiedColumn();
            expect("=");
            String[] right = qualifiedColumn();
            String[] own = left[0].equals(alias) ? left : right;
            String[] parent = own == left ? right : left;
            if (!own[0].equals(alias) || parent[0].equals(alias) || !aliases.contains(parent[0])) {
                throw error("LEFT JOIN " + table + " must join '" + alias + ".<its primary key> = <fact or earlier join>"
                        + ".<column>', not " + left[0] + "." + left[1] + " = " + right[0] + "." + right[1]);
            }
            if (peekKeyword("AND")) {
                throw error("a join has exactly one condition: the joined table's primary key");
            }
            joins.add(new Join(table, alias, own[1], parent[0], parent[1]));
            aliases.add(alias);
        }
        if (next < tokens.size()) {
            throw error("unexpected '" + tokens.get(next) + "': after FROM only LEFT JOINs are allowed "
                    + "(no WHERE, GROUP BY or INNER JOIN: the enriched table holds every fact row)");
        }
        if (selectList.isEmpty() || !selectList.get(0)[0].equals(factAlias) || !"*".equals(selectList.get(0)[1])) {
            throw error("the SELECT list must start with " + factAlias + ".* (every column of the fact table, "
                    + "including its primary key)");
        }
        List<Output> outputs = new ArrayList<>();
        for (String[] item : selectList.subList(1, selectList.size())) {
            if ("*".equals(item[1])) {
                throw error(item[0] + ".* : only the fact table's columns come with *; name the columns of " + item[0]);
            }
            if (!aliases.contains(item[0]) || item[0].equals(factAlias)) {
                throw error("'" + item[0] + "." + item[1] + "' must come from a joined table ("
                        + String.join(", ", aliases.subList(1, aliases.size())) + ")");
            }
            if (outputs.stream().anyMatch(o -> o.name().equals(item[2]))) {
                throw error("the output column '" + item[2] + "' appears twice");
            }
            outputs.add(new Output(item[0], item[1], item[2]));
        }
        if (outputs.isEmpty()) {
            throw error("the SELECT list adds no column from a joined table");
        }
        return new Parsed(name, description, factTable, factAlias, joins, outputs);
    }

    private String tableName() {
        String first = identifier("a table name");
        if (accept(".")) {
            return first + "." + identifier("a table name after the database");
        }
        return first;
    }

    private String optionalAlias(String table) {
        if (peekKeyword("AS")) {
            next++;
            return identifier("an alias after AS");
        }
        if (next < tokens.size() && isIdentifier(tokens.get(next)) && !isKeyword(tokens.get(next))) {
            return identifier("an alias");
        }
        return table.substring(table.indexOf('.') + 1);
    }

    private String[] qualifiedColumn() {
        String alias = identifier("alias.column");
        expect(".");
        return new String[] {alias, identifier("a column name")};
    }

    private static final List<String> KEYWORDS = List.of("LEFT", "OUTER", "JOIN", "ON", "AS", "AND", "WHERE", "GROUP",
            "ORDER", "INNER", "RIGHT", "CROSS", "LIMIT", "FROM", "SELECT", "UNION");

    private static boolean isKeyword(String token) {
        return KEYWORDS.contains(token.toUpperCase(Locale.ROOT));
    }

    private static boolean isIdentifier(String token) {
        return token.startsWith("`") || Character.isLetter(token.charAt(0)) || token.charAt(0) == '_';
    }

    private String identifier(String what) {
        if (next >= tokens.size() || !isIdentifier(tokens.get(next))
                || (!tokens.get(next).startsWith("`") && isKeyword(tokens.get(next)))) {
            throw error("expected " + what + (next < tokens.size() ? ", found '" + tokens.get(next) + "'" : " at the end"));
        }
        String token = tokens.get(next++);
        return token.startsWith("`") ? token.substring(1, token.length() - 1).replace("``", "`") : token;
    }

    private boolean peek(String token) {
        return next < tokens.size() && tokens.get(next).equals(token);
    }

    private boolean peekKeyword(String keyword) {
        return next < tokens.size() && tokens.get(next).equalsIgnoreCase(keyword);
    }

    private boolean accept(String token) {
        if (peek(token) || peekKeyword(token)) {
            next++;
            return true;
        }
        return false;
    }

    private void expect(String token) {
        if (!accept(token)) {
            throw error("expected " + token + (next < tokens.size() ? ", found '" + tokens.get(next) + "'" : " at the end"));
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(file + ": " + message);
    }
}
