package org.overfitguard.lm.eval;

/**
 * Held-out metrics over every scored token.
 *
 * @param loss       mean plain cross-entropy, nats per token (never label-smoothed)
 * @param perplexity exp(loss)
 * @param accuracy   share of tokens whose most likely prediction is the actual next token
 * @param tokens     tokens scored
 */
public record HeldOutScore(double loss, double perplexity, double accuracy, long tokens) {
}
