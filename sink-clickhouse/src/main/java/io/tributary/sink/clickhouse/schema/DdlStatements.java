package io.tributary.sink.clickhouse.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MySQL DDL statements that need more than the next rows' schema to follow: a renamed column
 * (it would otherwise look like a new, empty column), a dropped table, a renamed table and a
 * primary key added or dropped (the rows move between storage forms). Other
 * statements (ADD, MODIFY, DROP COLUMN, CREATE, TRUNCATE) are followed from the change events.
 */
public final class DdlStatements {
    /** What to do in ClickHouse; tables are {@code database.table} as MySQL names them. */
    public sealed interface Action permits RenameColumn, DropTable, RenameTable, KeyChange {}

    public record RenameColumn(String table, String from, String to) implements Action {}

    public record DropTable(String table) implements Action {}

    public record RenameTable(String from, String to) implements Action {}

    /** ADD PRIMARY KEY and/or DROP PRIMARY KEY: the table moves between versions per key and a multiset. */
    public record KeyChange(String table, boolean dropped, boolean added) implements Action {}

    private static final String IDENT = "(?:`((?:[^`]|``)+)`|([A-Za-z0-9_$]+))";
    private static final String QUALIFIED = IDENT + "(?:\\s*\\.\\s*" + IDENT + ")?";
    private static final Pattern ALTER = Pattern.compile("(?is)^\\s*ALTER\\s+(?:ONLINE\\s+|IGNORE\\s+)?TABLE\\s+" + QUALIFIED + "\\s+(.*)$");
    private static final Pattern RENAME_COLUMN = Pattern.compile("(?is)^\\s*RENAME\\s+COLUMN\\s+" + IDENT + "\\s+TO\\s+" + IDENT + "\\s*$");
    private static final Pattern CHANGE_COLUMN = Pattern.compile("(?is)^\\s*CHANGE\\s+(?:COLUMN\\s+)?" + IDENT + "\\s+" + IDENT + "\\s+.*$");
    /** ADD PRIMARY KEY (...), ADD CONSTRAINT c PRIMARY KEY, or a column added/modified with PRIMARY KEY. */
    private static final Pattern ADD_KEY = Pattern.compile("(?is)^\\s*(?:ADD|MODIFY|CHANGE)\\s+.*\\bPRIMARY\\s+KEY\\b.*$");
    private static final Pattern DROP_KEY = Pattern.compile("(?is)^\\s*DROP\\s+PRIMARY\\s+KEY\\s*$");
    private static final Pattern RENAME_TO = Pattern.compile("(?is)^\\s*RENAME\\s+(?:TO\\s+|AS\\s+)?" + QUALIFIED + "\\s*$");
    private static final Pattern DROP = Pattern.compile("(?is)^\\s*DROP\\s+(?:TEMPORARY\\s+)?TABLE\\s+(?:IF\\s+EXISTS\\s+)?(.*?)\\s*(?:RESTRICT|CASCADE)?\\s*$");
    private static final Pattern RENAME_TABLE = Pattern.compile("(?is)^\\s*RENAME\\s+TABLES?\\s+(.*)$");
    private static final Pattern PAIR = Pattern.compile("(?is)^\\s*" + QUALIFIED + "\\s+TO\\s+" + QUALIFIED + "\\s*$");
    private static final Pattern ONE = Pattern.compile("(?is)^\\s*" + QUALIFIED + "\\s*$");

    private DdlStatements() {}

    /**
     * Whether a statement's actions change a table's key or drop it: the columns it leaves then do not take
     * effect at the statement (key changes follow the rows of the new shape; a dropped table has none).
     */
    public static boolean changesKeyOrDropsTable(List<Action> actions) {
        return actions.stream().anyMatch(a -> a instanceof KeyChange || a instanceof DropTable);
    }

    /** The actions of one statement run with {@code database} as the current database; empty when none apply. */
    public static List<Action> parse(String database, String statement) {
        String sql = statement.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)--\\s.*$", " ").trim();
        if (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1);
        }
        List<Action> actions = new ArrayList<>();
        Matcher alter = ALTER.matcher(sql);
        if (alter.matches()) {
            String table = qualified(database, alter, 1);
            boolean keyDropped = false;
            boolean keyAdded = false;
            for (String clause : splitTopLevel(alter.group(5))) {
                Matcher m;
                keyDropped |= DROP_KEY.matcher(clause).matches();
                keyAdded |= ADD_KEY.matcher(clause.replaceAll("'(?:[^'\\\\]|\\\\.|'')*'", "''")).matches();
                if ((m = RENAME_COLUMN.matcher(clause)).matches()) {
                    actions.add(new RenameColumn(table, ident(m, 1), ident(m, 3)));
                } else if ((m = CHANGE_COLUMN.matcher(clause)).matches() && !ident(m, 1).equals(ident(m, 3))) {
                    actions.add(new RenameColumn(table, ident(m, 1), ident(m, 3)));
                } else if ((m = RENAME_TO.matcher(clause)).matches()) {
                    actions.add(new RenameTable(table, qualified(database, m, 1)));
                }
            }
            if (keyDropped || keyAdded) {
                actions.add(new KeyChange(table, keyDropped, keyAdded));
            }
            return actions;
        }
        Matcher drop = DROP.matcher(sql);
        if (drop.matches()) {
            for (String name : splitTopLevel(drop.group(1))) {
                Matcher m = ONE.matcher(name);
                if (m.matches()) {
                    actions.add(new DropTable(qualified(database, m, 1)));
                }
            }
            return actions;
        }
        Matcher rename = RENAME_TABLE.matcher(sql);
        if (rename.matches()) {
            for (String pair : splitTopLevel(rename.group(1))) {
                Matcher m = PAIR.matcher(pair);
                if (m.matches()) {
                    actions.add(new RenameTable(qualified(database, m, 1), qualified(database, m, 5)));
                }
            }
        }
        return actions;
    }

    /** Groups {@code first}..{@code first+3} of a QUALIFIED match as {@code db.table}. */
    private static String qualified(String database, Matcher m, int first) {
        String a = ident(m, first);
        String b = ident(m, first + 2);
        return b == null ? database + "." + a : a + "." + b;
    }

    private static String ident(Matcher m, int group) {
        String quoted = m.group(group);
        return quoted != null ? quoted.replace("``", "`") : m.group(group + 1);
    }

    /** Splits on commas outside parentheses, quotes and backticks. */
    static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }
}
