package org.overfitguard.contracts.spec;

/**
 * @param maxTokens         held-out tokens scored per evaluation, in windows spread evenly over the held-out split
 *                          (the same windows every time); the whole split when it is smaller; 0 = the whole split
 *                          whatever its size
 * @param samplePrompt      each evaluation writes a sample continuing this prompt
 * @param sampleTokens      length of that sample
 * @param sampleTemperature softmax temperature of the sampler (its seed is fixed, so samples compare across steps)
 */
public record EvaluationSpec(long maxTokens, String samplePrompt, int sampleTokens, double sampleTemperature) {

    /** The default bound: about a million tokens, the order nanoGPT's estimate_loss scores (eval_iters x batch x block). */
    public static final long DEFAULT_MAX_TOKENS = 1L << 20;

    public static EvaluationSpec defaults() {
        return new EvaluationSpec(DEFAULT_MAX_TOKENS, "the ", 80, 0.8);
    }
}
