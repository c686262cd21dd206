package org.overfitguard.text.synthetic;

import java.util.List;

/** A weighted rule alternative: option i is taken with probability probabilities[i]. */
record Choice<T>(List<T> options, double[] probabilities) {

    Choice {
        if (options.isEmpty() || options.size() != probabilities.length) {
            throw new IllegalArgumentException("a choice needs one probability per option, had "
                    + options.size() + " options and " + probabilities.length + " probabilities");
        }
        double sum = 0;
        for (double p : probabilities) {
            if (!(p > 0 && p <= 1)) {
                throw new IllegalArgumentException("choice probabilities must be in (0, 1], was " + p);
            }
            sum += p;
        }
        if (Math.abs(sum - 1) > 1e-9) {
            throw new IllegalArgumentException("choice probabilities must sum to 1, summed to " + sum);
        }
        options = List.copyOf(options);
        probabilities = probabilities.clone();
    }

    /** The first options get the given probabilities; the rest share what is left equally. */
    static <T> Choice<T> favouring(List<T> options, double... leading) {
        double[] p = new double[options.size()];
        double rest = 1;
        for (int i = 0; i < leading.length; i++) {
            p[i] = leading[i];
            rest -= leading[i];
        }
        for (int i = leading.length; i < p.length; i++) {
            p[i] = rest / (p.length - leading.length);
        }
        return new Choice<>(options, p);
    }
}
