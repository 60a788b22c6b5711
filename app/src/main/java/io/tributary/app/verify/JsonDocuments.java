package io.tributary.app.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON documents in one spelling for comparison: object members sorted by name, numbers by value
 * ({@code 2.50} and {@code 2.5} are one number), strings and literals as JSON. Verification's own
 * parser (Jackson), not the pipeline's JSON conversion, so a document the pipeline changed is seen.
 */
final class JsonDocuments {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private JsonDocuments() {}

    static String canonical(String text) {
        try {
            StringBuilder out = new StringBuilder();
            write(JSON.readTree(text), out);
            return out.toString();
        } catch (java.io.IOException e) {
            return "not JSON: " + text;
        }
    }

    private static void write(JsonNode node, StringBuilder out) throws java.io.IOException {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                out.append(i > 0 ? "," : "").append(JSON.writeValueAsString(names.get(i))).append(':');
                write(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                out.append(i > 0 ? "," : "");
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isNumber()) {
            java.math.BigDecimal value = node.decimalValue();
            out.append(value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString());
        } else {
            out.append(JSON.writeValueAsString(node));
        }
    }
}
