package io.tributary.api.query;

import io.javalin.http.BadRequestResponse;
import java.util.Locale;

/** The answer formats: chosen by {@code ?format=}, else by the Accept header, else JSON. */
public enum OutputFormat {
    JSON("JSON", "application/json"),
    CSV("CSVWithNames", "text/csv; charset=utf-8"),
    NDJSON("JSONEachRow", "application/x-ndjson");

    private final String clickhouseFormat;
    private final String contentType;

    OutputFormat(String clickhouseFormat, String contentType) {
        this.clickhouseFormat = clickhouseFormat;
        this.contentType = contentType;
    }

    public String clickhouseFormat() {
        return clickhouseFormat;
    }

    public String contentType() {
        return contentType;
    }

    public static OutputFormat choose(String formatParameter, String accept) {
        if (formatParameter != null) {
            try {
                return valueOf(formatParameter.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadRequestResponse("format must be json, csv or ndjson, not '" + formatParameter + "'");
            }
        }
        if (accept != null) {
            if (accept.contains("text/csv")) {
                return CSV;
            }
            if (accept.contains("application/x-ndjson") || accept.contains("application/jsonl")) {
                return NDJSON;
            }
        }
        return JSON;
    }
}
