package org.overfitguard.trainer.models;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Optional;
import org.overfitguard.lm.eval.TextSampler;
import org.overfitguard.text.tokenize.Tokenizer;
import org.overfitguard.text.tokenize.Tokenizers;
import org.overfitguard.trainer.ledger.RunRecord;

/**
 * Text from a run's weights, streamed as it is sampled. The weights load (or the request is refused)
 * before anything is streamed, so a missing model or a full house is a status, not a broken stream.
 * Each chunk is the text the new token completes: a byte-level model may need several tokens for one
 * character, and half a character is never sent.
 */
@ApplicationScoped
public class Generator {

    /** What to generate; validated by the REST layer. {@code topK} 0: every token; temperature 0: greedy. */
    public record Request(String prompt, int maxTokens, double temperature, int topK, long seed, Long step) {
    }

    @Inject
    ModelLibrary library;

    public Multi<String> generate(RunRecord run, Request request) {
        ModelLibrary.Loaded loaded = library.load(run, request.step());
        Tokenizer tokenizer;
        int[] prompt;
        try {
            tokenizer = Tokenizers.fromDataset(loaded.checkpoint().meta().dataset());
            prompt = tokenizer.encode(request.prompt());
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
        return Multi.createFrom().<String>emitter(emitter -> {
            try {
                Chunks chunks = new Chunks(tokenizer);
                TextSampler.sample(loaded.checkpoint().model(), prompt, request.maxTokens(), request.temperature(), request.topK(),
                        tokenizer.maskId(), request.seed(), id -> {
                            chunks.add(id).ifPresent(emitter::emit);
                            return !emitter.isCancelled();
                        });
                chunks.rest().ifPresent(emitter::emit);
                emitter.complete();
            } catch (RuntimeException e) {
                emitter.fail(e);
            } finally {
                loaded.close();
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /**
     * Tokens to text chunks: the tokens since the last chunk are decoded together and sent once they
     * end on a whole character (U+FFFD at the end means a character is still incomplete), so each
     * token is decoded a bounded number of times, not the whole continuation again per token.
     */
    static final class Chunks {
        private final Tokenizer tokenizer;
        private int[] pending = new int[8];
        private int count;

        Chunks(Tokenizer tokenizer) {
            this.tokenizer = tokenizer;
        }

        Optional<String> add(int id) {
            if (count == pending.length) {
                pending = Arrays.copyOf(pending, 2 * count);
            }
            pending[count++] = id;
            String text = tokenizer.decode(Arrays.copyOf(pending, count));
            return text.endsWith("\uFFFD") ? Optional.empty() : take(text);
        }

        /** Whatever is still pending at the end, complete or not. */
        Optional<String> rest() {
            return count == 0 ? Optional.empty() : take(tokenizer.decode(Arrays.copyOf(pending, count)));
        }

        private Optional<String> take(String text) {
            count = 0;
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        }
    }
}
