package io.tributary.cdc.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One text for one MySQL JSON value. The snapshot reads MySQL's display text
 * ({@code {"a": [1, 2.5]}}) and the binlog carries the binary form, which Debezium prints
 * compactly ({@code {"a":[1,2.5]}}); both become the compact form of the same parsed value, keys in
 * MySQL's order, so a row reads the same whichever way it arrived.
 */
public final class JsonText {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonText() {}

    public static String canonical(String json) {
        try {
            return JSON.writeValueAsString(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON document: " + (json.length() > 200 ? json.substring(0, 200) + "..." : json), e);
        }
    }
}
