package io.tributary.sink.clickhouse.views;

import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.TableNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, migrates and rebuilds analytics views in ClickHouse. A view {@code v} over
 * {@code s__changes} is three objects: {@code v__totals} (SummingMergeTree keyed by the view's
 * keys), {@code v__mv} (materialized view feeding it from every insert into the changelog) and
 * {@code v} (a plain view that finishes the sums and hides groups that summed to zero). Callers
 * make sure nothing inserts into the changelog meanwhile, so a backfill never counts a row twice.
 */
public final class ViewInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(ViewInstaller.class);
    private static final Pattern NUMERIC = Pattern.compile("(Nullable\\()?(U?Int\\d+|Float\\d+|Decimal.*)\\)?");
    private static final String MARK = "tributary view ";

    private final ClickHouseHttp client;

    public ViewInstaller(ClickHouseHttp client) {
        this.client = client;
    }

    /** Start-up: every view whose changelog already exists in {@code database} is brought up to date. */
    public void installExisting(List<ViewDefinition> views, String database) {
        for (ViewDefinition view : views) {
            if (exists(database, view.source() + ViewDefinition.CHANGES_SUFFIX)) {
                install(view, database);
            }
        }
    }

    /** Creates the view, or rebuilds it from the changelog when its definition changed. */
    public void install(ViewDefinition view, String database) {
        String db = TableNames.quote(database);
        String totals = db + "." + TableNames.quote(view.name() + "__totals");
        String comment = client.query("SELECT comment FROM system.tables WHERE database = " + TableNames.literal(database)
                + " AND name = " + TableNames.literal(view.name() + "__totals") + " FORMAT TSVRaw").trim();
        if (comment.contains(MARK + view.digest())) {
            client.query(userView(view, db, columns(view, db)));
            return;
        }
        LOG.info("{} view {}.{} from {}{}", comment.isEmpty() ? "Creating" : "Rebuilding (definition changed)",
                database, view.name(), view.source(), ViewDefinition.CHANGES_SUFFIX);
        Map<String, String> columns = columns(view, db);
        client.query("DROP VIEW IF EXISTS " + db + "." + TableNames.quote(view.name() + "__mv"));
        client.query("DROP TABLE IF EXISTS " + totals);
        String definitions = columns.entrySet().stream().map(e -> TableNames.quote(e.getKey()) + " " + e.getValue())
                .collect(Collectors.joining(", "));
        client.query("CREATE TABLE " + totals + " (" + definitions + ") ENGINE = SummingMergeTree ORDER BY ("
                + view.keys().stream().map(TableNames::quote).collect(Collectors.joining(", ")) + ")"
                + " SETTINGS allow_nullable_key = 1 COMMENT " + TableNames.literal(MARK + view.digest()
                + ": partial sums of " + view.name() + "; query the view " + view.name() + " instead"));
        client.query("CREATE MATERIALIZED VIEW " + db + "." + TableNames.quote(view.name() + "__mv") + " TO " + totals
                + " AS " + view.selectIn(db));
        backfill(view, db, totals, columns);
        client.query(userView(view, db, columns));
    }

    /** After the changelog lost rows (snapshot restarted, TRUNCATE): the sums are computed again from it. */
    public void rebuild(ViewDefinition view, String database) {
        String db = TableNames.quote(database);
        String totals = db + "." + TableNames.quote(view.name() + "__totals");
        if (!exists(database, view.name() + "__totals")) {
            install(view, database);
            return;
        }
        client.query("TRUNCATE TABLE " + totals);
        backfill(view, db, totals, columns(view, db));
    }

    private void backfill(ViewDefinition view, String db, String totals, Map<String, String> columns) {
        client.query("INSERT INTO " + totals + " (" + columns.keySet().stream().map(TableNames::quote)
                .collect(Collectors.joining(", ")) + ") " + view.selectIn(db));
    }

    /** The SELECT's result columns, checked: keys present, everything else a number to sum. */
    private Map<String, String> columns(ViewDefinition view, String db) {
        Map<String, String> columns = new LinkedHashMap<>();
        for (String line : client.query("DESCRIBE (" + view.selectIn(db) + ") FORMAT TSVRaw").split("\n")) {
            String[] f = line.split("\t");
            if (f.length >= 2) {
                columns.put(f[0], f[1]);
            }
        }
        List<String> problems = new ArrayList<>();
        for (String key : view.keys()) {
            if (!columns.containsKey(key)) {
                problems.add("key column " + key + " is not in the SELECT's result " + columns.keySet());
            }
        }
        columns.forEach((name, type) -> {
            if (!view.keys().contains(name) && !NUMERIC.matcher(type).matches()) {
                problems.add("column " + name + " (" + type + ") is neither a key nor a number: list it in '-- key:'"
                        + " or make it a sum of signed changes");
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("view " + view.name() + ": " + String.join("; ", problems));
        }
        return columns;
    }

    private static String userView(ViewDefinition view, String db, Map<String, String> columns) {
        String keys = view.keys().stream().map(TableNames::quote).collect(Collectors.joining(", "));
        List<String> sums = columns.keySet().stream().filter(c -> !view.keys().contains(c)).toList();
        String select = columns.keySet().stream().map(c -> view.keys().contains(c) ? TableNames.quote(c)
                : "sum(totals." + TableNames.quote(c) + ") AS " + TableNames.quote(c)).collect(Collectors.joining(", "));
        String having = sums.isEmpty() ? "" : " HAVING NOT (" + sums.stream().map(c -> TableNames.quote(c) + " = 0")
                .collect(Collectors.joining(" AND ")) + ")";
        return "CREATE OR REPLACE VIEW " + db + "." + TableNames.quote(view.name()) + " AS SELECT " + select + " FROM "
                + db + "." + TableNames.quote(view.name() + "__totals") + " AS totals GROUP BY " + keys + having
                + " COMMENT " + TableNames.literal((view.description().isEmpty() ? view.name() : view.description())
                + " (kept exact by Tributary from " + view.source() + ViewDefinition.CHANGES_SUFFIX + ")");
    }

    private boolean exists(String database, String table) {
        return !"0".equals(client.query("SELECT count() FROM system.tables WHERE database = " + TableNames.literal(database)
                + " AND name = " + TableNames.literal(table)).trim());
    }
}
