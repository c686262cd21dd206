package org.overfitguard.trainer.training;

import ai.djl.Device;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import org.jboss.logging.Logger;
import org.overfitguard.lm.checkpoint.CheckpointStore;
import org.overfitguard.lm.model.Devices;
import org.overfitguard.lm.model.MemoryEstimate;
import org.overfitguard.lm.model.MklDispatch;
import org.overfitguard.lm.model.NativeEnvironment;
import org.overfitguard.messaging.DeadLetters;
import org.overfitguard.messaging.KafkaConnection;
import org.overfitguard.trainer.TrainerConfig;

/**
 * What every run on this trainer shares: the checkpoint store, the device (chosen once at start-up,
 * before the scheduler's worker starts), the batches' dead-letter sender, and whether the service
 * is shutting down.
 */
@ApplicationScoped
public class TrainerResources {

    private static final Logger LOG = Logger.getLogger(TrainerResources.class);

    @Inject
    TrainerConfig config;
    @Inject
    KafkaConnection kafka;

    private CheckpointStore store;
    private Device device;
    private DeadLetters deadLetters;
    private volatile boolean shuttingDown;

    void start(@Observes @Priority(1) StartupEvent ignored) {
        store = new CheckpointStore(Path.of(config.checkpointRoot()));
        NativeEnvironment natives = NativeEnvironment.current();
        LOG.info(natives.describe());
        device = Devices.select(config.device(), natives);
        deadLetters = new DeadLetters(kafka, "trainer-service-batches");
        LOG.infof("trainer %s trains on %s; checkpoints under %s", config.instanceId(), device, store.root());
        MemoryEstimate.allocatorWarning(System.getenv()).ifPresent(LOG::warn);
        if (!device.isGpu()) {
            MklDispatch.current().log(LOG::info, LOG::warn);
        }
    }

    void stop(@Observes @Priority(1) ShutdownEvent ignored) {
        shuttingDown = true;
    }

    public CheckpointStore store() {
        return store;
    }

    public Device device() {
        return device;
    }

    DeadLetters deadLetters() {
        return deadLetters;
    }

    /** True once the service began to shut down: runs are let go, not failed, and resume on the next start. */
    boolean shuttingDown() {
        return shuttingDown;
    }
}
