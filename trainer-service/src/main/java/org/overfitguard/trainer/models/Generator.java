package org.overfitguard.trainer.models;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
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
                int[] generated = new int[request.maxTokens()];
                int[] count = {0};
                int[] sent = {0};
                TextSampler.sample(loaded.checkpoint().model(), prompt, request.maxTokens(), request.temperature(), request.topK(),
                        tokenizer.maskId(), request.seed(), id -> {
                            generated[count[0]++] = id;
                            String text = tokenizer.decode(Arrays.copyOf(generated, count[0]));
                            if (!text.endsWith("\uFFFD") && text.length() > sent[0]) {
                                emitter.emit(text.substring(sent[0]));
                                sent[0] = text.length();
                            }
                            return !emitter.isCancelled();
                        });
                String text = tokenizer.decode(Arrays.copyOf(generated, count[0]));
                if (text.length() > sent[0]) {
                    emitter.emit(text.substring(sent[0]));
                }
                emitter.complete();
            } catch (RuntimeException e) {
                emitter.fail(e);
            } finally {
                loaded.close();
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
