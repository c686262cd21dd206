package org.overfitguard.contracts.spec;

/**
 * @param maxTokens         held-out tokens scored per evaluation (0 = the whole held-out set)
 * @param samplePrompt      each evaluation writes a sample continuing this prompt
 * @param sampleTokens      length of that sample
 * @param sampleTemperature softmax temperature of the sampler (its seed is fixed, so samples compare across steps)
 */
public record EvaluationSpec(long maxTokens, String samplePrompt, int sampleTokens, double sampleTemperature) {

    public static EvaluationSpec defaults() {
        return new EvaluationSpec(0, "the ", 80, 0.8);
    }
}
