package io.tributary.cdc.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies the JSON diffs of a partial update ({@code binlog_row_value_options = PARTIAL_JSON}) to the
 * whole document of the row's before image, as a replica does. The binlog form of a column's diffs
 * (MySQL's {@code Json_diff_vector::write_binary}) is a sequence of: operation (one byte: 0 REPLACE,
 * 1 INSERT, 2 REMOVE), the path's length (packed integer) and text, then for all but REMOVE the new
 * value's length (packed integer) and binary JSON.
 *
 * <p>The result is JSON text with object members in MySQL's storage order (shorter keys first, then
 * by bytes): the pipeline's {@code JsonText} keeps the order it is given, so a row patched here reads
 * the same as one MySQL logged whole.
 */
final class JsonDiffs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonDiffs() {}

    /** A diff that does not fit the document (a path that is not there): the row cannot be rebuilt. */
    static final class NotApplicable extends Exception {
        NotApplicable(String message) {
            super(message);
        }
    }

    enum Operation { REPLACE, INSERT, REMOVE }

    record Diff(Operation operation, String path, JsonNode value) {}

    /** The diffs of one column, in the order MySQL applied them. */
    static List<Diff> read(byte[] diffs) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(diffs);
        List<Diff> result = new ArrayList<>();
        while (in.available() > 0) {
            int code = in.read();
            if (code < 0 || code > 2) {
                throw new IOException("unknown JSON diff operation " + code);
            }
            Operation operation = Operation.values()[code];
            String path = new String(in.read(in.readPackedInteger()), StandardCharsets.UTF_8);
            JsonNode value = null;
            if (operation != Operation.REMOVE) {
                value = JSON.readTree(JsonBinary.parseAsString(in.read(in.readPackedInteger())));
            }
            result.add(new Diff(operation, path, value));
        }
        return result;
    }

    /** {@code before} (binary JSON) with {@code diffs} applied, as JSON text. */
    static String apply(byte[] before, List<Diff> diffs) throws IOException, NotApplicable {
        JsonNode document = JSON.readTree(JsonBinary.parseAsString(before));
        for (Diff diff : diffs) {
            document = apply(document, diff);
        }
        return JSON.writeValueAsString(inStorageOrder(document));
    }

    private static JsonNode apply(JsonNode document, Diff diff) throws NotApplicable {
        List<Object> steps = path(diff.path());
        if (steps.isEmpty()) {
            if (diff.operation() != Operation.REPLACE) {
                throw new NotApplicable(diff.operation() + " of the whole document");
            }
            return diff.value();
        }
        JsonNode parent = document;
        for (Object step : steps.subList(0, steps.size() - 1)) {
            parent = step instanceof String key ? parent.get(key) : parent instanceof ArrayNode a ? a.get((Integer) step) : null;
            if (parent == null) {
                throw new NotApplicable("no value at " + diff.path());
            }
        }
        Object last = steps.get(steps.size() - 1);
        if (last instanceof String key && parent instanceof ObjectNode object) {
            boolean present = object.has(key);
            switch (diff.operation()) {
                case REPLACE -> requirePresent(present, diff);
                case INSERT -> {
                    if (present) {
                        throw new NotApplicable(diff.path() + " is there already");
                    }
                }
                case REMOVE -> requirePresent(present, diff);
            }
            if (diff.operation() == Operation.REMOVE) {
                object.remove(key);
            } else {
                object.set(key, diff.value());
            }
        } else if (last instanceof Integer index && parent instanceof ArrayNode array) {
            switch (diff.operation()) {
                case REPLACE -> {
                    requirePresent(index < array.size(), diff);
                    array.set(index, diff.value());
                }
                case INSERT -> array.insert(Math.min(index, array.size()), diff.value()); // past the end: appended
                case REMOVE -> {
                    requirePresent(index < array.size(), diff);
                    array.remove((int) index);
                }
            }
        } else {
            throw new NotApplicable(diff.path() + " does not fit the document's shape");
        }
        return document;
    }

    private static void requirePresent(boolean present, Diff diff) throws NotApplicable {
        if (!present) {
            throw new NotApplicable("no value at " + diff.path());
        }
    }

    /**
     * The steps of a diff's path as MySQL writes it ({@code Json_path::to_string}): {@code $}, then
     * {@code .key}, {@code ."quoted key"} (a JSON string) or {@code [index]}; member names as Strings,
     * array indexes as Integers.
     */
    static List<Object> path(String path) throws NotApplicable {
        if (!path.startsWith("$")) {
            throw new NotApplicable("not a JSON path: " + path);
        }
        List<Object> steps = new ArrayList<>();
        int i = 1;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.' && i + 1 < path.length() && path.charAt(i + 1) == '"') {
                int end = i + 2;
                while (end < path.length() && path.charAt(end) != '"') {
                    end += path.charAt(end) == '\\' ? 2 : 1;
                }
                if (end >= path.length()) {
                    throw new NotApplicable("unterminated member name in " + path);
                }
                try {
                    steps.add(JSON.readValue(path.substring(i + 1, end + 1), String.class));
                } catch (IOException e) {
                    throw new NotApplicable("bad member name in " + path);
                }
                i = end + 1;
            } else if (c == '.') {
                int end = i + 1;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                steps.add(path.substring(i + 1, end));
                i = end;
            } else if (c == '[') {
                int end = path.indexOf(']', i);
                if (end < 0) {
                    throw new NotApplicable("unterminated index in " + path);
                }
                try {
                    steps.add(Integer.parseInt(path.substring(i + 1, end).trim()));
                } catch (NumberFormatException e) {
                    throw new NotApplicable("not an array index in " + path); // e.g. [last]: not written in diffs
                }
                i = end + 1;
            } else {
                throw new NotApplicable("cannot read " + path + " at " + i);
            }
        }
        return steps;
    }

    /** Object members as MySQL stores them: by key length in bytes, then by the keys' bytes. */
    private static JsonNode inStorageOrder(JsonNode node) {
        if (node instanceof ObjectNode object) {
            TreeMap<byte[], Map.Entry<String, JsonNode>> sorted = new TreeMap<>((a, b) ->
                    a.length != b.length ? Integer.compare(a.length, b.length) : java.util.Arrays.compareUnsigned(a, b));
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                sorted.put(member.getKey().getBytes(StandardCharsets.UTF_8), Map.entry(member.getKey(),
                        inStorageOrder(member.getValue())));
            }
            ObjectNode ordered = JSON.createObjectNode();
            sorted.values().forEach(e -> ordered.set(e.getKey(), e.getValue()));
            return ordered;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode ordered = JSON.createArrayNode();
            array.forEach(element -> ordered.add(inStorageOrder(element)));
            return ordered;
        }
        return node;
    }
}
