package io.tributary.cdc.source.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A MySQL GTID set as {@code @@global.gtid_executed} prints it ({@code uuid:1-5:7,uuid2:1-3}, and
 * from MySQL 8.3 tagged {@code uuid:tag:1-4}), for one question: is a transaction in it?
 *
 * <p>The chunk engine's low watermark. MySQL adds a transaction's GTID to {@code gtid_executed}
 * only after the storage engine committed it, so every transaction in a set read before a read view
 * opens is visible in that view; a transaction not in the set may or may not be.
 */
public final class GtidSet {
    public static final GtidSet EMPTY = new GtidSet(Map.of(), 0);

    /** Per {@code uuid} or {@code uuid:tag}: sorted, disjoint closed intervals as {@code [from, to]} pairs. */
    private final Map<String, long[]> intervals;
    private final long transactions;

    private GtidSet(Map<String, long[]> intervals, long transactions) {
        this.intervals = intervals;
        this.transactions = transactions;
    }

    /** The union of two sets as MySQL prints them (e.g. {@code gtid_owned}, whose {@code #thread} marks are dropped). */
    public static GtidSet union(String... texts) {
        StringBuilder all = new StringBuilder();
        for (String t : texts) {
            if (t != null && !t.isBlank()) {
                all.append(all.length() == 0 ? "" : ",").append(t.replaceAll("#\\d+", ""));
            }
        }
        return parse(all.toString());
    }

    public static GtidSet parse(String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        Map<String, List<long[]>> parsed = new HashMap<>();
        for (String member : text.split(",")) {
            String trimmed = member.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split(":");
            String uuid = parts[0].toLowerCase(Locale.ROOT);
            String source = uuid;
            for (int i = 1; i < parts.length; i++) {
                String part = parts[i].trim();
                if (part.isEmpty() || !Character.isDigit(part.charAt(0))) {
                    source = uuid + ":" + part.toLowerCase(Locale.ROOT); // a tag: the intervals after it are tagged
                    continue;
                }
                int dash = part.indexOf('-');
                try {
                    long from = Long.parseLong(dash < 0 ? part : part.substring(0, dash));
                    long to = dash < 0 ? from : Long.parseLong(part.substring(dash + 1));
                    parsed.computeIfAbsent(source, k -> new ArrayList<>()).add(new long[] {from, to});
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a GTID set: '" + text + "' (at '" + part + "')", e);
                }
            }
        }
        Map<String, long[]> sorted = new HashMap<>();
        long count = 0;
        for (Map.Entry<String, List<long[]>> e : parsed.entrySet()) {
            List<long[]> list = e.getValue();
            list.sort((a, b) -> Long.compare(a[0], b[0]));
            long[] flat = new long[list.size() * 2];
            for (int i = 0; i < list.size(); i++) {
                flat[2 * i] = list.get(i)[0];
                flat[2 * i + 1] = list.get(i)[1];
                count += list.get(i)[1] - list.get(i)[0] + 1;
            }
            sorted.put(e.getKey(), flat);
        }
        return new GtidSet(Map.copyOf(sorted), count);
    }

    /** Whether the transaction {@code uuid:n} (or {@code uuid:tag:n}) is in this set. */
    public boolean contains(String gtid) {
        if (gtid == null) {
            return false;
        }
        int last = gtid.lastIndexOf(':');
        if (last < 0) {
            return false;
        }
        long n;
        try {
            n = Long.parseLong(gtid.substring(last + 1).trim());
        } catch (NumberFormatException e) {
            return false;
        }
        long[] ranges = intervals.get(gtid.substring(0, last).trim().toLowerCase(Locale.ROOT));
        if (ranges == null) {
            return false;
        }
        int lo = 0;
        int hi = ranges.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (n < ranges[2 * mid]) {
                hi = mid - 1;
            } else if (n > ranges[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** How many transactions the set holds: of two {@code gtid_executed} reads, the later holds at least as many. */
    public long transactions() {
        return transactions;
    }

    public boolean isEmpty() {
        return transactions == 0;
    }

    @Override
    public String toString() {
        return transactions + " transaction(s) in " + intervals.size() + " source(s)";
    }
}
