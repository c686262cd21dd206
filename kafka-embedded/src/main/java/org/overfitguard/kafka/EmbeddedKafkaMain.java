package org.overfitguard.kafka;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded broker as its own process:
 * {@code java -jar kafka-embedded/target/kafka-embedded.jar --port 9092 --data-dir target/kafka}.
 * Prints {@code bootstrap.servers=localhost:PORT} once clients can connect; SIGTERM or Ctrl-C stop
 * it cleanly (the data directory stays, so a restart keeps topics and records).
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
                case "--help", "-h" -> {
                    System.out.println("usage: kafka-embedded [--port 9092] [--data-dir target/kafka-data]");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + "; known: --port N, --data-dir DIR");
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
}
