package io.tributary.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What MySQL keeps of its binlog, as last read from the server: the files still there and how
 * long MySQL keeps them (0 = forever, -1 = purged as soon as no replica needs them: RDS's
 * {@code binlog retention hours} NULL), with the setting that decides it; with MySQL's row
 * estimates of the captured tables, which snapshot progress compares against.
 *
 * @param retentionSetting the server setting behind {@code retentionSeconds}, for messages
 * @param retentionWarning why that retention may not cover a restart, with the fix, or null
 * @param rowEstimates information_schema's {@code table_rows} by {@code db.table}
 * @param error why MySQL could not be asked, or null
 */
public record SourceBinlog(long retentionSeconds, String retentionSetting, String retentionWarning,
                           long oldestFileIndex, long newestFileIndex, Map<String, Long> rowEstimates, String error) {
    public SourceBinlog {
        rowEstimates = Map.copyOf(rowEstimates);
    }

    public SourceBinlog(long retentionSeconds, long oldestFileIndex, long newestFileIndex,
                        Map<String, Long> rowEstimates, String error) {
        this(retentionSeconds, "binlog_expire_logs_seconds", null, oldestFileIndex, newestFileIndex, rowEstimates, error);
    }

    public SourceBinlog(long retentionSeconds, long oldestFileIndex, long newestFileIndex, String error) {
        this(retentionSeconds, oldestFileIndex, newestFileIndex, Map.of(), error);
    }

    public static SourceBinlog unknown(String error) {
        return new SourceBinlog(0, -1, -1, error);
    }

    /**
     * A table's snapshot progress for {@code /status}: rows stored, MySQL's estimate, and the time
     * left at the current rate (null when there is no estimate or rate).
     */
    public Map<String, Object> snapshotProgress(String table, long rowsStored, double rowsPerSecond) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        Long estimate = rowEstimates.get(table);
        m.put("rows_done", rowsStored);
        m.put("rows_estimate", estimate);
        m.put("eta_s", estimate != null && estimate > rowsStored && rowsPerSecond > 0
                ? Math.round((estimate - rowsStored) / rowsPerSecond) : null);
        return m;
    }

    /**
     * Warnings for {@code /status}: the binlog file the pipeline reads is gone (a restart cannot
     * resume), or the pipeline is so far behind that MySQL may purge it before it gets there.
     *
     * @param readingFileIndex binlog file of the newest change applied, -1 when none yet
     * @param behindMillis how old the newest applied change is
     */
    public List<String> warnings(long readingFileIndex, long behindMillis) {
        List<String> warnings = new ArrayList<>();
        if (error != null || readingFileIndex < 0 || oldestFileIndex < 0) {
            return warnings;
        }
        if (retentionWarning != null) {
            warnings.add(retentionWarning);
        }
        if (readingFileIndex < oldestFileIndex) {
            warnings.add("MySQL no longer has binlog file " + readingFileIndex + " (oldest kept: " + oldestFileIndex
                    + "): the pipeline cannot resume after a restart. Start from a new snapshot (stop, delete state.dir, "
                    + "start).");
        } else if (retentionSeconds > 0 && readingFileIndex < newestFileIndex && behindMillis > retentionSeconds * 500L) {
            warnings.add("The pipeline is " + behindMillis / 1000 + " s behind and MySQL keeps binlogs for "
                    + retentionSeconds + " s (" + retentionSetting + "): past that, the files it still needs are "
                    + "purged and only a new snapshot helps. Find the slowdown, or raise " + retentionSetting + ".");
        }
        return warnings;
    }
}
