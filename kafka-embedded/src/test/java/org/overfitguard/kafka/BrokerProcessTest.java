package org.overfitguard.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker as its own process (EmbeddedKafkaMain), used by Apache Kafka's own console producer and
 * console consumer from kafka-tools, each also a separate process; then stopped with SIGTERM.
 */
class BrokerProcessTest {

    @TempDir
    Path dir;

    @Test
    void consoleToolsTalkToTheBrokerProcessWhichStopsCleanlyOnSigterm() throws Exception {
        int port = EmbeddedKafka.freePort();
        Process broker = java("org.overfitguard.kafka.EmbeddedKafkaMain", "--port", String.valueOf(port),
                "--data-dir", dir.toString()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
            String line;
            String bootstrap = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("bootstrap.servers=")) {
                    bootstrap = line.substring("bootstrap.servers=".length());
                    break;
                }
            }
            assertEquals("localhost:" + port, bootstrap, "the process prints its bootstrap address");

            Process producer = java("org.apache.kafka.tools.ConsoleProducer", "--bootstrap-server", bootstrap,
                    "--topic", "console", "--producer-property", "acks=all").start();
            try (OutputStream stdin = producer.getOutputStream()) {
                stdin.write("first line\nsecond line\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(producer.waitFor(60, TimeUnit.SECONDS), "console producer finishes at end of input");
            assertEquals(0, producer.exitValue());

            Process consumer = java("org.apache.kafka.tools.consumer.ConsoleConsumer", "--bootstrap-server", bootstrap,
                    "--topic", "console", "--from-beginning", "--max-messages", "2", "--timeout-ms", "60000").start();
            List<String> received = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(consumer.getInputStream(), StandardCharsets.UTF_8))) {
                while ((line = r.readLine()) != null) {
                    received.add(line);
                }
            }
            assertTrue(consumer.waitFor(60, TimeUnit.SECONDS));
            assertEquals(List.of("first line", "second line"), received.stream().sorted().toList());

            broker.toHandle().destroy(); // SIGTERM, leaving our end of its output open
            StringBuilder rest = new StringBuilder();
            while ((line = out.readLine()) != null) { // until the process closes its output
                rest.append(line).append('\n');
            }
            assertTrue(broker.waitFor(60, TimeUnit.SECONDS), "the broker stops on SIGTERM");
            assertTrue(rest.toString().contains("stopping the broker"), rest.toString());
        } finally {
            broker.destroyForcibly();
        }
    }

    @Test
    @Timeout(120) // before the fix the broker's threads kept the half-started JVM alive for good
    void aBrokerThatCannotBindItsPortExitsWithCode1InsteadOfHanging() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Process broker = java("org.overfitguard.kafka.EmbeddedKafkaMain", "--port", String.valueOf(taken.getLocalPort()),
                    "--data-dir", dir.toString()).start();
            try {
                String output = new String(broker.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // until it exits
                assertTrue(broker.waitFor(60, TimeUnit.SECONDS), "the half-started broker exits");
                assertEquals(1, broker.exitValue());
                assertFalse(output.contains("bootstrap.servers="), output);
            } finally {
                broker.destroyForcibly();
            }
        }
    }

    private static ProcessBuilder java(String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    }
}
