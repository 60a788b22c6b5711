package io.tributary.cdc.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DdlBarrierTest {
    @Test
    void holdsStatementsThatMoveDropOrAlterTables() {
        assertThat(DdlBarrier.needed(ddl("RENAME TABLE a TO b"))).isTrue();
        assertThat(DdlBarrier.needed(ddl("/* ApplicationName=x */ DROP TABLE IF EXISTS `a`"))).isTrue();
        assertThat(DdlBarrier.needed(ddl("alter table a rename to b"))).isTrue();
        assertThat(DdlBarrier.needed(ddl("ALTER TABLE a DROP PRIMARY KEY"))).isTrue();
        assertThat(DdlBarrier.needed(ddl("ALTER TABLE a\n  ADD PRIMARY KEY (id)"))).isTrue();
        assertThat(DdlBarrier.needed(ddl("ALTER TABLE main MODIFY COLUMN a BIGINT NULL"))).isTrue();
        assertThat(DdlBarrier.needed(ddl("ALTER TABLE a ADD COLUMN b INT"))).isTrue();
        assertThat(DdlBarrier.needed(ddl("ALTER IGNORE TABLE a CHANGE b c INT"))).isTrue();
        assertThat(DdlBarrier.needed(ddl("ALTER VIEW v AS SELECT * FROM table_x"))).isFalse();
        assertThat(DdlBarrier.needed(ddl("ALTER USER u IDENTIFIED BY 'x'"))).isFalse();
        assertThat(DdlBarrier.needed(ddl("CREATE TABLE a (id INT PRIMARY KEY)"))).isFalse();
        assertThat(DdlBarrier.needed(ddl("DROP DATABASE x"))).isFalse();
    }

    @Test
    void releasesAfterACheckpointTakenWhileHoldingThenWaitsForTheNextOne() {
        AtomicInteger wakeUps = new AtomicInteger();
        DdlBarrier barrier = new DdlBarrier(wakeUps::incrementAndGet);
        Object statement = "RENAME";
        barrier.hold(statement);
        barrier.checkpointCompleted(4); // taken before the hold: says nothing about the rows before it
        assertThat(barrier.released()).isFalse();
        assertThat(barrier.poll()).isNull();
        barrier.checkpointTaken(5);
        barrier.checkpointTaken(6);
        barrier.checkpointCompleted(5);
        assertThat(wakeUps).hasValue(1);
        assertThat(barrier.poll()).isSameAs(statement);
        assertThat(barrier.holding()).as("rows after the statement wait for it to be applied").isTrue();
        barrier.checkpointCompleted(6); // taken before the statement was emitted
        assertThat(barrier.poll()).isNull();
        assertThat(barrier.holding()).isTrue();
        barrier.checkpointTaken(7);
        barrier.checkpointCompleted(7);
        assertThat(barrier.poll()).isNull();
        assertThat(barrier.holding()).isFalse();
    }

    private static ChangeEvent ddl(String statement) {
        return ChangeEvent.ddl("db", "a", SourcePosition.binlog("binlog.000001", 100, 0), 0, statement);
    }
}
