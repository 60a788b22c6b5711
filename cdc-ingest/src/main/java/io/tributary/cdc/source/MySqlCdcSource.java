package io.tributary.cdc.source;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.ChangeEventTypeInfo;
import io.tributary.cdc.source.enumerator.BinlogEnumeratorState;
import io.tributary.cdc.source.enumerator.BinlogEnumeratorStateSerializer;
import io.tributary.cdc.source.enumerator.BinlogSplitEnumerator;
import io.tributary.cdc.source.reader.BinlogSourceReader;
import io.tributary.cdc.source.split.BinlogSplit;
import io.tributary.cdc.source.split.BinlogSplitSerializer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * MySQL change data capture as a Flink source: a snapshot of the captured tables, then the
 * binlog, read by embedded Debezium. Offsets and schema history live in Flink checkpoints.
 * Run it with parallelism 1 (the binlog is one ordered stream).
 */
public final class MySqlCdcSource implements Source<ChangeEvent, BinlogSplit, BinlogEnumeratorState>,
        ResultTypeQueryable<ChangeEvent> {
    private final MySqlSourceConfig config;
    private final java.util.Set<String> replacedImageTables;
    private final TableControl tableControl;
    private final boolean ddlBarrier;
    private final int startEpoch;
    private final boolean resumableSnapshot;
    private final io.tributary.cdc.source.verify.ClickHouseChecksums checksums;
    private final io.tributary.cdc.source.verify.ChunkVerifier.Settings verify;

    private MySqlCdcSource(MySqlSourceConfig config, java.util.Set<String> replacedImageTables,
                           TableControl tableControl, boolean ddlBarrier, int startEpoch, boolean resumableSnapshot,
                           io.tributary.cdc.source.verify.ClickHouseChecksums checksums,
                           io.tributary.cdc.source.verify.ChunkVerifier.Settings verify) {
        this.checksums = checksums;
        this.verify = verify;
        this.resumableSnapshot = resumableSnapshot;
        this.config = config;
        this.replacedImageTables = replacedImageTables;
        this.tableControl = tableControl;
        this.ddlBarrier = ddlBarrier;
        this.startEpoch = startEpoch;
    }

    public static Builder builder() {
        return new Builder();
    }

    public MySqlSourceConfig config() {
        return config;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<ChangeEvent, BinlogSplit> createReader(SourceReaderContext readerContext) {
        return new BinlogSourceReader(config, readerContext, replacedImageTables, tableControl, ddlBarrier,
                resumableSnapshot, checksums, verify);
    }

    @Override
    public SplitEnumerator<BinlogSplit, BinlogEnumeratorState> createEnumerator(
            SplitEnumeratorContext<BinlogSplit> enumContext) {
        return new BinlogSplitEnumerator(enumContext, BinlogEnumeratorState.initial(startEpoch));
    }

    @Override
    public SplitEnumerator<BinlogSplit, BinlogEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<BinlogSplit> enumContext, BinlogEnumeratorState checkpoint) {
        return new BinlogSplitEnumerator(enumContext, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<BinlogSplit> getSplitSerializer() {
        return BinlogSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<BinlogEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new BinlogEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<ChangeEvent> getProducedType() {
        return ChangeEventTypeInfo.INSTANCE;
    }

    /** Builds a source from {@link MySqlSourceOptions}. */
    public static final class Builder {
        private final Configuration options = new Configuration();
        private java.util.Set<String> replacedImageTables;
        private TableControl tableControl = TableControl.NONE;
        private boolean ddlBarrier;
        private java.util.function.IntSupplier startEpoch = () -> 0;
        private boolean resumableSnapshot = true;
        private io.tributary.cdc.source.verify.ClickHouseChecksums checksums =
                io.tributary.cdc.source.verify.ClickHouseChecksums.NONE;

        /**
         * The target's side of continuous verification ({@code source.mysql.verify.*}); without it, none runs.
         */
        public Builder checksums(io.tributary.cdc.source.verify.ClickHouseChecksums target) {
            this.checksums = java.util.Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * Whether a restart continues an unfinished snapshot without locks from the chunks it completed (on by
         * default) instead of taking it again. Off where an operator downstream keeps state that a re-read of
         * part of a table cannot correct (enrichments join rows of several tables).
         */
        public Builder resumableSnapshot(boolean enabled) {
            this.resumableSnapshot = enabled;
            return this;
        }

        /**
         * The version epoch of a fresh start ({@link io.tributary.cdc.event.SourcePosition#withEpoch}):
         * the newest one the target already holds, so that a new snapshot's rows are not older than
         * what a switch to another server wrote. Asked in {@link #build()}, after the server check. A
         * restored job keeps its checkpointed epoch.
         */
        public Builder startEpoch(java.util.function.IntSupplier epoch) {
            this.startEpoch = java.util.Objects.requireNonNull(epoch, "epoch");
            return this;
        }

        /**
         * Hold statements that rename or drop a table, or change its key, between two checkpoints, so
         * they neither overtake nor are overtaken by rows in other writers: needed when the sink runs
         * with parallelism > 1 (see {@code DdlBarrier}).
         */
        public Builder ddlBarrier(boolean enabled) {
            this.ddlBarrier = enabled;
            return this;
        }

        /** Where parked tables and resync requests live; without one, a broken row stops the pipeline. */
        public Builder tableControl(TableControl control) {
            this.tableControl = java.util.Objects.requireNonNull(control, "control");
            return this;
        }

        public Builder options(Configuration settings) {
            options.addAll(settings);
            return this;
        }

        /**
         * Only these tables' UPDATEs (and those of tables without a primary key) carry the replaced
         * row, which changelogs need; unset: every table's.
         */
        public Builder replacedImagesFor(java.util.Set<String> tables) {
            this.replacedImageTables = new java.util.HashSet<>(tables);
            return this;
        }

        public <T> Builder set(org.apache.flink.configuration.ConfigOption<T> option, T value) {
            options.set(option, value);
            return this;
        }

        /** Validates the options and checks the server ({@link MySqlPreflight}) before any job starts. */
        public MySqlCdcSource build() {
            MySqlSourceConfig config = MySqlSourceConfig.from(options);
            MySqlPreflight.check(config);
            int epoch = io.tributary.cdc.event.SourcePosition.requireEpoch(startEpoch.getAsInt());
            long rate = options.get(MySqlSourceOptions.VERIFY_ROWS_PER_SECOND);
            if (rate < 0) {
                throw new IllegalArgumentException(MySqlSourceOptions.VERIFY_ROWS_PER_SECOND.key() + " must be 0 (off) "
                        + "or more, got " + rate);
            }
            io.tributary.cdc.source.verify.ChunkVerifier.Settings verify = new io.tributary.cdc.source.verify.ChunkVerifier
                    .Settings(rate, options.get(MySqlSourceOptions.VERIFY_REPAIR), config.snapshotChunkRows());
            return new MySqlCdcSource(config, replacedImageTables, tableControl, ddlBarrier, epoch, resumableSnapshot,
                    checksums, verify);
        }
    }
}
