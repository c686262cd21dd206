package org.overfitguard.kafka;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded broker as its own process:
 * {@code java -jar kafka-embedded/target/kafka-embedded.jar --port 9092 --data-dir target/kafka}.
 * Prints {@code bootstrap.servers=localhost:PORT} once clients can connect; SIGTERM or Ctrl-C stop
 * it cleanly (the data directory stays, so a restart keeps topics and records). With
 * {@code --exit-with-stdin} it also stops when its standard input ends: a launcher that starts it
 * with a pipe and dies, even by SIGKILL, takes it along.
 */
public final class EmbeddedKafkaMain {

    private EmbeddedKafkaMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = 9092;
        Path dataDir = Path.of("target", "kafka-data");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "--exit-with-stdin" -> exitWithStdin();
                case "--help", "-h" -> {
                    System.out.println("usage: kafka-embedded [--port 9092] [--data-dir target/kafka-data] [--exit-with-stdin]");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + "; known: --port N, --data-dir DIR, --exit-with-stdin");
                    System.exit(2);
                }
            }
        }
        EmbeddedKafka broker;
        try {
            broker = EmbeddedKafka.start(dataDir, port);
        } catch (Exception e) { // e.g. a port taken: the broker's own threads would keep a half-started JVM alive
            System.err.println("the broker could not start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping the broker");
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println("bootstrap.servers=" + broker.bootstrapServers());
        System.out.println("data.dir=" + dataDir.toAbsolutePath());
        System.out.flush();
        stopped.await();
    }

    /** Exits (running the shutdown hook) once standard input ends: the process that started it is gone. */
    private static void exitWithStdin() {
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever written; only the end matters
                }
            } catch (java.io.IOException e) {
                // the same: the pipe is gone
            }
            System.err.println("standard input ended: the process that started this broker is gone; stopping");
            System.exit(0);
        }, "stdin-lifeline");
        t.setDaemon(true);
        t.start();
    }
}
