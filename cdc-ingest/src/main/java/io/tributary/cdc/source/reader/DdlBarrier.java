package io.tributary.cdc.source.reader;

import io.tributary.cdc.event.ChangeEvent;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With several sink writers (pipeline.parallelism > 1) rows of one table are spread over writers
 * that buffer them. A statement that renames or drops a table, or changes its key, is applied by
 * one of them: without care it overtakes rows stored by the others (RENAME TABLE lost rows). A
 * column change is applied by each writer from the schema its rows carry: a writer still holding
 * rows of the old shape would change the column back (a type narrowed again, a view rebuilt without
 * a new column; SchemaChangeIT at parallelism 2 failed on MODIFY COLUMN ... NULL this way).
 * The reader therefore uses Flink's checkpoints as a barrier: it holds such a statement until a
 * checkpoint taken after the rows before it completed (every writer flushes at a checkpoint), emits
 * it, and holds everything after it until the next checkpoint completed (the statement applied).
 * Costs two checkpoint intervals per table statement (RENAME, DROP, ALTER TABLE); CREATE TABLE,
 * other DDL and rows are never held.
 */
final class DdlBarrier {
    private static final Logger LOG = LoggerFactory.getLogger(DdlBarrier.class);
    private static final Pattern TABLE_LEVEL = Pattern.compile(
            "(?is)^\\s*(?:/\\*.*?\\*/\\s*)*(?:RENAME\\s+TABLES?\\b|DROP\\s+(?:TEMPORARY\\s+)?TABLES?\\b"
                    + "|ALTER\\s+(?:\\w+\\s+)*?TABLE\\b)");

    private enum Phase { OPEN, BEFORE, AFTER }

    private final Runnable wakeUp;
    private Phase phase = Phase.OPEN;
    private Object held;
    private long checkpoint = -1;
    private volatile boolean released;

    DdlBarrier(Runnable wakeUp) {
        this.wakeUp = wakeUp;
    }

    /** Statements that move, drop or alter a table. */
    static boolean needed(ChangeEvent event) {
        return event.op() == ChangeEvent.Op.DDL && TABLE_LEVEL.matcher(event.ddl()).find();
    }

    void hold(Object record) {
        held = record;
        phase = Phase.BEFORE;
        checkpoint = -1;
        released = false;
        LOG.info("Holding a table statement until the rows before it are stored by every writer (next checkpoint)");
    }

    boolean holding() {
        return phase != Phase.OPEN;
    }

    boolean released() {
        return released;
    }

    /** The held statement once the rows before it are stored (then waits again), or null. */
    Object poll() {
        if (!released) {
            return null;
        }
        released = false;
        checkpoint = -1;
        if (phase == Phase.BEFORE) {
            phase = Phase.AFTER;
            Object statement = held;
            held = null;
            return statement;
        }
        phase = Phase.OPEN;
        return null;
    }

    void checkpointTaken(long checkpointId) {
        if (phase != Phase.OPEN && checkpoint < 0) {
            checkpoint = checkpointId;
        }
    }

    void checkpointCompleted(long checkpointId) {
        if (phase != Phase.OPEN && checkpoint >= 0 && checkpointId >= checkpoint) {
            released = true;
            wakeUp.run();
        }
    }
}
