package io.tributary.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonDiffsTest {
    @Test
    void replacesInsertsAndRemovesMembersKeepingMySqlsKeyOrder() throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("k", 1);
        doc.put("pad", "x");
        byte[] before = BinaryJson.object(doc);
        assertThat(apply(before, replace("$.k", BinaryJson.int16(500)))).isEqualTo("{\"k\":500,\"pad\":\"x\"}");
        // a new key goes where MySQL stores it: by length, then by bytes ("new" < "pad")
        assertThat(apply(before, insert("$.new", BinaryJson.string("v")))).isEqualTo("{\"k\":1,\"new\":\"v\",\"pad\":\"x\"}");
        assertThat(apply(before, remove("$.pad"))).isEqualTo("{\"k\":1}");
        assertThat(apply(before, replace("$.k", BinaryJson.int16(2)), remove("$.k"), insert("$.a", BinaryJson.TRUE)))
                .as("in order").isEqualTo("{\"a\":true,\"pad\":\"x\"}");
    }

    @Test
    void arraysInsertShiftAndAppendPastTheEnd() throws Exception {
        byte[] before = BinaryJson.array(1, 2);
        assertThat(apply(before, insert("$[1]", BinaryJson.int16(9)))).isEqualTo("[1,9,2]");
        assertThat(apply(before, insert("$[5]", BinaryJson.int16(9)))).isEqualTo("[1,2,9]");
        assertThat(apply(before, replace("$[1]", BinaryJson.string("two")))).isEqualTo("[1,\"two\"]");
        assertThat(apply(before, remove("$[0]"))).isEqualTo("[2]");
    }

    @Test
    void quotedMemberNames() throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("a b", 1);
        assertThat(apply(BinaryJson.object(doc), replace("$.\"a b\"", BinaryJson.int16(3)))).isEqualTo("{\"a b\":3}");
        assertThat(JsonDiffs.path("$.a[3].\"x.\\\"y\"[0]")).containsExactly("a", 3, "x.\"y", 0);
        assertThat(JsonDiffs.path("$")).isEmpty();
    }

    @Test
    void aDiffThatDoesNotFitIsRefused() throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("k", 1);
        byte[] before = BinaryJson.object(doc);
        assertThatThrownBy(() -> apply(before, replace("$.missing", BinaryJson.int16(1))))
                .isInstanceOf(JsonDiffs.NotApplicable.class).hasMessageContaining("no value at $.missing");
        assertThatThrownBy(() -> apply(before, insert("$.k", BinaryJson.int16(1))))
                .isInstanceOf(JsonDiffs.NotApplicable.class).hasMessageContaining("is there already");
        assertThatThrownBy(() -> apply(before, replace("$.k.deeper", BinaryJson.int16(1))))
                .isInstanceOf(JsonDiffs.NotApplicable.class);
        assertThatThrownBy(() -> apply(before, remove("$[0]"))).isInstanceOf(JsonDiffs.NotApplicable.class);
    }

    private static String apply(byte[] before, byte[]... diffs) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] d : diffs) {
            all.writeBytes(d);
        }
        List<JsonDiffs.Diff> read = JsonDiffs.read(all.toByteArray());
        assertThat(read).hasSize(diffs.length);
        return JsonDiffs.apply(before, read);
    }

    static byte[] replace(String path, byte[] value) {
        return diff(0, path, value);
    }

    static byte[] insert(String path, byte[] value) {
        return diff(1, path, value);
    }

    static byte[] remove(String path) {
        return diff(2, path, null);
    }

    /** One diff as MySQL writes it: operation, path length and text, value length and binary JSON. */
    private static byte[] diff(int operation, String path, byte[] value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(operation);
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        b.write(p.length); // packed integer: one byte below 251
        b.writeBytes(p);
        if (value != null) {
            b.write(value.length);
            b.writeBytes(value);
        }
        return b.toByteArray();
    }

    /** MySQL's binary JSON (json_binary.h) for small documents: int16 and literals inlined, strings out of line. */
    static final class BinaryJson {
        static final byte[] TRUE = {0x04, 0x01};

        static byte[] int16(int v) {
            return new byte[] {0x05, (byte) v, (byte) (v >> 8)};
        }

        static byte[] string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(0x0c);
            b.write(bytes.length); // variable length: one byte below 128
            b.writeBytes(bytes);
            return b.toByteArray();
        }

        static byte[] object(Map<String, Object> members) {
            return container(0x00, List.copyOf(members.keySet()), List.copyOf(members.values()));
        }

        static byte[] array(Object... values) {
            return container(0x02, List.of(), List.of(values));
        }

        /** Small object (0x00) or array (0x02): count, size, key entries, value entries, keys, values. */
        private static byte[] container(int type, List<String> keys, List<Object> values) {
            int n = values.size();
            int header = 4 + keys.size() * 4 + n * 3;
            ByteArrayOutputStream tail = new ByteArrayOutputStream();
            ByteArrayOutputStream keyEntries = new ByteArrayOutputStream();
            for (String k : keys) {
                byte[] kb = k.getBytes(StandardCharsets.UTF_8);
                le(keyEntries, header + tail.size(), 2);
                le(keyEntries, kb.length, 2);
                tail.writeBytes(kb);
            }
            ByteArrayOutputStream valueEntries = new ByteArrayOutputStream();
            for (Object v : values) {
                if (v instanceof Integer i) {
                    valueEntries.write(0x05);
                    le(valueEntries, i, 2);
                } else if (v instanceof Boolean bool) {
                    valueEntries.write(0x04);
                    le(valueEntries, bool ? 1 : 2, 2);
                } else {
                    byte[] s = string((String) v);
                    valueEntries.write(0x0c);
                    le(valueEntries, header + tail.size(), 2);
                    tail.write(s, 1, s.length - 1);
                }
            }
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(type);
            le(b, n, 2);
            le(b, header + tail.size(), 2);
            b.writeBytes(keyEntries.toByteArray());
            b.writeBytes(valueEntries.toByteArray());
            b.writeBytes(tail.toByteArray());
            return b.toByteArray();
        }

        private static void le(ByteArrayOutputStream b, int v, int bytes) {
            for (int i = 0; i < bytes; i++) {
                b.write((v >>> (8 * i)) & 0xFF);
            }
        }
    }
}
