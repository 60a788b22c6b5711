package io.tributary.api.endpoint;

import java.util.List;

/**
 * One declared parameter of an endpoint. {@code defaultValue} is canonical text or null; an
 * optional parameter without a default is bound as NULL (its placeholder must be Nullable).
 */
public record EndpointParameter(String name, ParameterType type, boolean required, String defaultValue,
                                String min, String max, List<String> allowedValues, String description) {
    public EndpointParameter {
        allowedValues = List.copyOf(allowedValues);
    }

    /** The canonical value to bind for a request value, or {@link IllegalArgumentException} saying why not. */
    public String bind(String raw) {
        String value = type.canonical(raw);
        if (!allowedValues.isEmpty() && !allowedValues.contains(value)) {
            throw new IllegalArgumentException("is not one of " + String.join(", ", allowedValues));
        }
        if (min != null && type.compare(value, min) < 0) {
            throw new IllegalArgumentException("is below the minimum " + min);
        }
        if (max != null && type.compare(value, max) > 0) {
            throw new IllegalArgumentException("is above the maximum " + max);
        }
        return value;
    }

    /** What a user reads in errors and in the OpenAPI document. */
    public String expectation() {
        StringBuilder b = new StringBuilder(type.clickhouseName());
        if (!allowedValues.isEmpty()) {
            b.append(" (one of ").append(String.join(", ", allowedValues)).append(')');
        }
        if (min != null || max != null) {
            b.append(" from ").append(min == null ? "its type's minimum" : min)
                    .append(" to ").append(max == null ? "its type's maximum" : max);
        }
        return b.toString();
    }
}
