package org.overfitguard.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A child process with its output copied to a log file. It can be stopped cleanly (SIGTERM, then
 * SIGKILL after a grace period), killed at once (SIGKILL, for crash tests) and started again with
 * the same command.
 */
public final class ManagedProcess {

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    public ManagedProcess(String name, List<String> command, Map<String, String> environment, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    public void start() throws IOException {
        start(null, null);
    }

    /** Starts; {@code awaited}, when given, completes with the first line matching {@code ready}, or fails if output ends first. */
    private synchronized void start(CompletableFuture<String> awaited, Predicate<String> ready) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        process = builder.start();
        Process p = process; // each life has its own pump: an old life's end cannot fail a new life's wait
        Thread pump = new Thread(() -> pump(p, awaited, ready), name + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts and waits for an output line matching {@code ready}; returns that line. Fails as soon as
     * the process ends without printing it (with its exit code), not only when {@code timeout} passes.
     */
    public String startAndAwaitLine(Predicate<String> ready, Duration timeout) throws IOException {
        CompletableFuture<String> line = new CompletableFuture<>();
        start(line, ready);
        try {
            return line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + name + " to become ready", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage() + "; see " + log, e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(name + " did not become ready within " + timeout.toSeconds() + " s; see " + log, e);
        }
    }

    private void pump(Process p, CompletableFuture<String> awaited, Predicate<String> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                out.flush();
                if (awaited != null && !awaited.isDone() && ready.test(line)) {
                    awaited.complete(line);
                }
            }
        } catch (IOException e) {
            // the process went away
        }
        if (awaited != null && !awaited.isDone()) { // its output ended before the awaited line: it exited
            awaited.completeExceptionally(new IOException(name + " exited" + exitDescription(p) + " before it was ready"));
        }
    }

    private static String exitDescription(Process p) {
        try {
            return p.waitFor(10, TimeUnit.SECONDS) ? " with code " + p.exitValue() : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** SIGTERM, and SIGKILL if it has not ended within {@code grace}. */
    public synchronized void stop(Duration grace) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.toHandle().destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.toHandle().destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.toHandle().destroyForcibly();
        }
    }

    /** SIGKILL now: the process gets no chance to clean up (a crash). */
    public synchronized void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.toHandle().destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** Whether it was ever started. */
    public synchronized boolean started() {
        return process != null;
    }

    /** The exit code of the last life (128 + signal when a signal ended it: 137 for SIGKILL), or null while alive. */
    public synchronized Integer exitCode() {
        return process == null || process.isAlive() ? null : process.exitValue();
    }

    /** The process id of the current life, or -1. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }
}
