package io.tributary.job;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Settings of the Flink job itself (the source and sink have their own options classes). */
public final class TributaryJobOptions {
    private TributaryJobOptions() {}

    public static final ConfigOption<String> ENRICHMENTS_DIR = ConfigOptions.key("pipeline.enrichments-dir")
            .stringType().noDefaultValue()
            .withDescription("Directory of enrichments (<name>.sql: SELECT fact.*, lookup columns FROM fact LEFT JOIN "
                    + "lookups on their primary keys); each becomes the ClickHouse table <name>, kept in Flink state.");
}
