package org.overfitguard.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Runs one I/O action per item at once and waits for all: how the ensembles start their services. */
public final class InParallel {

    /** An action on one item that may fail with an IOException. */
    @FunctionalInterface
    public interface Action<T> {
        void run(T item) throws IOException;
    }

    private InParallel() {
    }

    /**
     * Runs {@code action} on every item, each on a thread of its own (not the common pool: on a
     * small machine that has one thread, and the actions block), and returns when all are done.
     * Throws the first failure's IOException (its message as the action wrote it) with {@code what}
     * in front, once all have finished.
     */
    public static <T> void forEach(Collection<T> items, String what, Action<T> action) throws IOException {
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(1, items.size()));
        List<CompletableFuture<Void>> all = items.stream().map(item -> CompletableFuture.runAsync(() -> {
            try {
                action.run(item);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, threads)).toList();
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            throw new IOException(what + ": " + (cause == null ? e.getMessage() : cause.getMessage()), cause);
        } finally {
            threads.shutdown();
        }
    }
}
