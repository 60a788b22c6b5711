package io.tributary.cdc.debezium;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import io.debezium.config.Configuration;
import io.debezium.connector.mysql.MySqlConnector;
import io.debezium.connector.mysql.MySqlConnectorTask;
import io.debezium.connector.mysql.MySqlOffsetContext;
import io.debezium.connector.mysql.MySqlPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import org.apache.kafka.connect.connector.Task;

/**
 * Debezium's MySQL connector with {@link RowImageGuard} attached to its binlog client. Debezium
 * creates the client inside its task's start and exposes no hook for it, so the task reaches it
 * through two fields (Debezium 3.6.1; a rename fails the start with this class named, never
 * silently).
 */
public final class GuardedMySqlConnector extends MySqlConnector {
    @Override
    public Class<? extends Task> taskClass() {
        return GuardedTask.class;
    }

    /** The task: Debezium's, plus the guard, which reports to the reader that owns this engine. */
    public static final class GuardedTask extends MySqlConnectorTask {
        @Override
        public ChangeEventSourceCoordinator<MySqlPartition, MySqlOffsetContext> start(Configuration config) {
            ChangeEventSourceCoordinator<MySqlPartition, MySqlOffsetContext> coordinator = super.start(config);
            EngineStateRegistry.EngineState state = EngineStateRegistry.get(config.getString(EngineStateRegistry.ID_PROPERTY));
            new RowImageGuard(state::partialChange).attach(binlogClient(coordinator), coordinator.getStreamingSource().isPresent());
            return coordinator;
        }

        private static BinaryLogClient binlogClient(ChangeEventSourceCoordinator<?, ?> coordinator) {
            try {
                java.lang.reflect.Field factoryField = ChangeEventSourceCoordinator.class
                        .getDeclaredField("changeEventSourceFactory");
                factoryField.setAccessible(true);
                Object factory = factoryField.get(coordinator);
                java.lang.reflect.Field clientField = factory.getClass().getDeclaredField("binaryLogClient");
                clientField.setAccessible(true);
                return (BinaryLogClient) clientField.get(factory);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException(GuardedMySqlConnector.class.getSimpleName() + " cannot reach Debezium's "
                        + "binlog client (Debezium's MySqlChangeEventSourceFactory changed?), so partial row images "
                        + "could not be caught: " + e, e);
            }
        }
    }
}
