package org.overfitguard.messaging.supervision;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every supervised loop of this service, for the liveness check. */
@ApplicationScoped
public class Loops {

    private final List<SupervisedLoop> loops = new CopyOnWriteArrayList<>();

    /** Registers and starts the loop. */
    public SupervisedLoop start(SupervisedLoop loop) {
        loops.add(loop);
        return loop.start();
    }

    public List<SupervisedLoop.Status> statuses() {
        return loops.stream().map(SupervisedLoop::status).toList();
    }
}
