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

    /**
     * The default bound, 262,144 tokens (4,096 windows of the default block): a few seconds per
     * evaluation of the default model on one CPU thread (nanoGPT's CPU example scores 15,360 tokens per
     * estimate, its GPU configurations a few million).
     */
    public static final long DEFAULT_MAX_TOKENS = 1L << 18;

    public static EvaluationSpec defaults() {
        return new EvaluationSpec(DEFAULT_MAX_TOKENS, "the ", 80, 0.8);
    }
}
