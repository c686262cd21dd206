package org.overfitguard.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A real Apache Kafka broker (KRaft, one node that is both broker and controller), started from the
 * kafka_2.13 jars in this JVM. Its data directory survives {@link #close()}: starting again on the
 * same directory keeps every topic and record (the storage is formatted only the first time, and the
 * ports are remembered in {@value #PORTS_FILE}).
 *
 * <p>Single-node settings: every internal topic has replication factor 1 and min ISR 1; new topics
 * get {@value #DEFAULT_PARTITIONS} partitions unless created otherwise.
 */
public final class EmbeddedKafka implements AutoCloseable {

    static final String PORTS_FILE = "embedded-kafka.properties";
    static final int DEFAULT_PARTITIONS = 3;
    private static final int NODE_ID = 1;

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final int port;

    private EmbeddedKafka(KafkaRaftServer server, Path dataDir, int port) {
        this.server = server;
        this.dataDir = dataDir;
        this.port = port;
    }

    /**
     * Starts a broker on {@code dataDir} and blocks until it accepts clients.
     *
     * @param port the client port; 0 picks a free one (or the one this directory used before)
     */
    public static EmbeddedKafka start(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir);
        Properties ports = loadPorts(dataDir);
        int clientPort = port != 0 ? port : Integer.parseInt(ports.getProperty("client.port", String.valueOf(freePort())));
        int controllerPort = Integer.parseInt(ports.getProperty("controller.port", String.valueOf(freePort())));
        ports.setProperty("client.port", String.valueOf(clientPort));
        ports.setProperty("controller.port", String.valueOf(controllerPort));
        try (OutputStream out = Files.newOutputStream(dataDir.resolve(PORTS_FILE))) {
            ports.store(out, "ports of the embedded broker on this directory");
        }

        KafkaConfig config = new KafkaConfig(brokerConfig(dataDir.resolve("logs"), clientPort, controllerPort), false);
        formatIfNeeded(config);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            throw e;
        }
        return new EmbeddedKafka(server, dataDir, clientPort);
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker cleanly; the data directory stays. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    static Map<String, Object> brokerConfig(Path logDir, int clientPort, int controllerPort) {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + clientPort + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + clientPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        // one node: every internal topic has one replica
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("num.partitions", String.valueOf(DEFAULT_PARTITIONS));
        p.put("auto.create.topics.enable", "true");
        p.put("group.initial.rebalance.delay.ms", "0");
        // fail instead of hanging when the quorum cannot form
        p.put("server.max.startup.time.ms", "60000");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        // small segments so that retention can act on per-run topics in a local run
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        return p;
    }

    private static void formatIfNeeded(KafkaConfig config) throws IOException {
        MetaPropertiesEnsemble ensemble = new MetaPropertiesEnsemble.Loader()
                .addLogDirs(config.logDirs())
                .addMetadataLogDir(config.metadataLogDir())
                .load();
        if (ensemble.emptyLogDirs().isEmpty()) {
            return; // a restart on a formatted directory
        }
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(config.nodeId())
                .setClusterId(ensemble.clusterId().orElse(Uuid.randomUuid().toString()))
                .setDirectories(List.copyOf(config.logDirs()))
                .setMetadataLogDirectory(config.metadataLogDir())
                .setControllerListenerName(config.controllerListenerNames().get(0))
                .setIgnoreFormatted(true)
                .setHasDynamicQuorum(false); // static voters: a single fixed controller
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IOException("cannot format Kafka storage in " + config.logDirs() + ": " + e.getMessage(), e);
        }
    }

    private static Properties loadPorts(Path dataDir) throws IOException {
        Properties p = new Properties();
        Path file = dataDir.resolve(PORTS_FILE);
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        return p;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
