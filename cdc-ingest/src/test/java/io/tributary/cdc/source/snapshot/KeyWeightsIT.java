package io.tributary.cdc.source.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chunk engine places a change of a character key among chunk bounds by MySQL's weights of the
 * values ({@link KeyWeights}). For each collation family (UCA 9.0 NO PAD, the older PAD SPACE UCA and
 * general collations, binary, language-specific ones, single-byte character sets) and for CHAR and
 * VARCHAR keys: the weights order the stored keys exactly as MySQL's {@code ORDER BY} does, and a value
 * equal to a stored key under the collation ({@code 'STRASSE'} for {@code 'Straße'}, {@code 'a '} for
 * {@code 'a'} under PAD SPACE) weighs the same as that key. Weights taken without padding would fail
 * here on PAD SPACE collations ({@code 'a\t'} sorts before {@code 'a'} there).
 */
class KeyWeightsIT {
    private static final List<String> CANDIDATES = List.of("", " ", "\t", "a", "A", "a ", "a\t", "a\t ", "ab", "aB", "Ab",
            "a b", "a-b", "ab-", "á", "à", "ä", "Ä", "ae", "æ", "aa", "å", "Å", "Straße", "strasse", "STRASSE", "strasze",
            "ss", "ß", "ı", "i", "I", "İ", "z", "Z", "ź", "z ", "zz\t", "ö", "oe", "ø", "1", "10", "9", "ǅ", "ﬁ", "fi", "Ω",
            "ω", "ё", "е", "😀", "😁", "ZZ", "ch", "cz", "ll", "lz", "ñ", "n");

    private static final Map<String, String> COLLATIONS = new LinkedHashMap<>();

    static {
        for (String c : List.of("utf8mb4_0900_ai_ci", "utf8mb4_0900_as_cs", "utf8mb4_0900_bin", "utf8mb4_general_ci",
                "utf8mb4_unicode_ci", "utf8mb4_unicode_520_ci", "utf8mb4_bin", "utf8mb4_de_pb_0900_ai_ci",
                "utf8mb4_tr_0900_ai_ci", "utf8mb4_es_trad_0900_ai_ci")) {
            COLLATIONS.put(c, "utf8mb4");
        }
        COLLATIONS.put("utf8mb3_general_ci", "utf8mb3");
        COLLATIONS.put("latin1_swedish_ci", "latin1");
        COLLATIONS.put("latin1_german2_ci", "latin1");
        COLLATIONS.put("latin1_bin", "latin1");
        COLLATIONS.put("ascii_general_ci", "ascii");
    }

    @Test
    void weightsOrderKeysAsMySqlDoesInEveryCollation() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        try (Connection admin = DriverManager.getConnection(mysql.jdbcUrl(""), mysql.admin().user(), mysql.admin().password());
             Statement st = admin.createStatement();
             KeyWeights weights = new KeyWeights(() -> DriverManager.getConnection(mysql.jdbcUrl(""), mysql.cdc().user(),
                     mysql.cdc().password()))) {
            st.execute("DROP DATABASE IF EXISTS key_weights_it");
            st.execute("CREATE DATABASE key_weights_it");
            int checked = 0;
            for (Map.Entry<String, String> e : COLLATIONS.entrySet()) {
                for (String type : List.of("VARCHAR(12)", "CHAR(6)")) {
                    checkCollation(admin, weights, e.getValue(), e.getKey(), type, "t" + checked++);
                }
            }
            st.execute("DROP DATABASE key_weights_it");
        }
    }

    private static void checkCollation(Connection admin, KeyWeights weights, String charset, String collation, String type,
                                       String table) throws Exception {
        String what = type + " " + collation;
        try (Statement st = admin.createStatement()) {
            st.execute("CREATE TABLE key_weights_it." + table + " (k " + type + " CHARACTER SET " + charset + " COLLATE "
                    + collation + " PRIMARY KEY)");
        }
        // CHAR(6) keeps six characters and drops trailing spaces: such values would be other keys than the ones written.
        boolean fixed = type.startsWith("CHAR");
        List<String> candidates = CANDIDATES.stream().filter(v -> encodable(charset, v))
                .filter(v -> !fixed || v.codePointCount(0, v.length()) <= 6 && !v.endsWith(" ")).toList();
        try (PreparedStatement insert = admin.prepareStatement("INSERT IGNORE INTO key_weights_it." + table + " VALUES (?)")) {
            for (String v : candidates) {
                insert.setString(1, v);
                insert.executeUpdate();
            }
        }
        Map<String, KeyCollation> collations = KeyCollation.read(admin, "key_weights_it", table, List.of("k"));
        assertThat(collations).as(what).containsKey("k");
        assertThat(collations.get("k").padSpace()).as(what + ": pad attribute")
                .isEqualTo(!collation.contains("_0900_"));
        KeyOrder order = KeyOrder.ofKindNames(List.of("COLLATED:" + collations.get("k").spec()), List.of("k"));

        List<String> ordered = new ArrayList<>();
        try (Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT k FROM key_weights_it." + table + " ORDER BY k")) {
            while (rs.next()) {
                ordered.add(rs.getString(1));
            }
        }
        assertThat(ordered.size()).as(what + ": distinct keys stored").isGreaterThan(10);
        List<String> byWeight = new ArrayList<>(ordered);
        byWeight.sort(Comparator.comparing(v -> weights.placementKey(order, new String[] {v}), order::compare));
        assertThat(byWeight).as(what + ": keys ordered by their weights").containsExactlyElementsOf(ordered);
        for (int i = 1; i < ordered.size(); i++) {
            assertThat(order.compare(weights.placementKey(order, new String[] {ordered.get(i - 1)}),
                    weights.placementKey(order, new String[] {ordered.get(i)})))
                    .as(what + ": '" + ordered.get(i - 1) + "' before '" + ordered.get(i) + "'").isNegative();
        }
        // Every candidate weighs what the stored key equal to it under the collation weighs.
        try (PreparedStatement find = admin.prepareStatement("SELECT k FROM key_weights_it." + table + " WHERE k = ?")) {
            for (String v : candidates) {
                find.setString(1, v);
                try (ResultSet rs = find.executeQuery()) {
                    assertThat(rs.next()).as(what + ": '" + v + "' is stored or equal to a stored key").isTrue();
                    assertThat(weights.placementKey(order, new String[] {v}))
                            .as(what + ": '" + v + "' weighs as the stored '" + rs.getString(1) + "'")
                            .containsExactly(weights.placementKey(order, new String[] {rs.getString(1)}));
                }
            }
        }
    }

    private static boolean encodable(String charset, String value) {
        Charset java = switch (charset) {
            case "latin1" -> StandardCharsets.ISO_8859_1;
            case "ascii" -> StandardCharsets.US_ASCII;
            default -> StandardCharsets.UTF_8;
        };
        if (charset.equals("utf8mb3") && value.codePoints().anyMatch(c -> c > 0xFFFF)) {
            return false;
        }
        return java.newEncoder().canEncode(value);
    }
}
