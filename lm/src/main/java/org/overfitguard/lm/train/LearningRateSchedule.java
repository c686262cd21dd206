package org.overfitguard.lm.train;

/**
 * Linear warmup from lr/warmup to lr over the first {@code warmup} steps, then cosine decay to
 * {@code minLr} at {@code maxSteps}, and minLr after. Steps count from 0.
 */
public record LearningRateSchedule(double lr, double minLr, int warmup, long maxSteps) {

    public double at(long step) {
        if (step < warmup) {
            return lr * (step + 1) / warmup;
        }
        if (step >= maxSteps) {
            return minLr;
        }
        double progress = (double) (step - warmup) / Math.max(1, maxSteps - warmup);
        return minLr + 0.5 * (1 + StrictMath.cos(Math.PI * progress)) * (lr - minLr); // StrictMath: bit-identical in interpreted and JIT-compiled code
    }
}
