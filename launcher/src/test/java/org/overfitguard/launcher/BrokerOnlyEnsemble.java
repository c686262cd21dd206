package org.overfitguard.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A driver process for {@link EnsembleExitTest}: a local ensemble with only its broker started (and
 * the services named after the two arguments), and no close of its own; it waits until it is told
 * to exit. Arguments: the repository root, a working directory, then services to start.
 */
public final class BrokerOnlyEnsemble {

    private BrokerOnlyEnsemble() {
    }

    public static void main(String[] args) throws Exception {
        Path workdir = Path.of(args[1]);
        LocalEnsemble ensemble = new LocalEnsemble(new Layout(Path.of(args[0])), workdir, LocalEnsemble.Ports.free(),
                Files.createDirectories(workdir.resolve("data")), line -> {
                });
        if (args.length > 2) {
            ensemble.start(java.util.Arrays.asList(args).subList(2, args.length));
        } else {
            ensemble.startBroker();
        }
        System.out.println("broker ready");
        System.out.flush();
        new CountDownLatch(1).await(); // until SIGTERM: only the ensemble's own exit hook stops the broker
    }
}
