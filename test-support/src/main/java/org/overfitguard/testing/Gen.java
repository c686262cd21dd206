package org.overfitguard.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A generator of test inputs: a function of a seeded {@link Random}, so every input of a run is
 * reproduced by its seed. Combinators for the shapes the fuzzers need; no shrinking (a failure names
 * its seed and try, which replays it exactly). Plain JUnit 5 drives it through {@link Tries}.
 */
@FunctionalInterface
public interface Gen<T> {

    T next(Random random);

    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return r -> f.apply(next(r));
    }

    /** Lists of 0 .. maxSize elements. */
    default Gen<List<T>> list(int minSize, int maxSize) {
        return r -> {
            int n = minSize + r.nextInt(maxSize - minSize + 1);
            List<T> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(next(r));
            }
            return out;
        };
    }

    static <T> Gen<T> just(T value) {
        return r -> value;
    }

    /** One of the values, uniformly. */
    @SafeVarargs
    static <T> Gen<T> of(T... values) {
        return r -> values[r.nextInt(values.length)];
    }

    static <T> Gen<T> of(List<T> values) {
        return r -> values.get(r.nextInt(values.size()));
    }

    /** One of the generators, uniformly. */
    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        return r -> gens[r.nextInt(gens.length)].next(r);
    }

    /** Weighted: {@code weighted(3, a, 1, b)} draws from a three times as often as from b. */
    @SuppressWarnings("unchecked")
    static <T> Gen<T> weighted(Object... weightsAndGens) {
        int total = 0;
        for (int i = 0; i < weightsAndGens.length; i += 2) {
            total += (Integer) weightsAndGens[i];
        }
        int sum = total;
        return r -> {
            int pick = r.nextInt(sum);
            for (int i = 0; i < weightsAndGens.length; i += 2) {
                pick -= (Integer) weightsAndGens[i];
                if (pick < 0) {
                    return ((Gen<? extends T>) weightsAndGens[i + 1]).next(r);
                }
            }
            throw new IllegalStateException();
        };
    }

    /** Integers in [min, max], with the ends and 0 drawn more often than chance, where edges hide. */
    static Gen<Integer> ints(int min, int max) {
        return r -> {
            int edge = r.nextInt(8);
            if (edge == 0) {
                return min;
            }
            if (edge == 1) {
                return max;
            }
            if (edge == 2 && min <= 0 && max >= 0) {
                return 0;
            }
            return (int) (min + (long) (r.nextDouble() * ((long) max - min + 1)));
        };
    }

    static Gen<Integer> ints() {
        return ints(Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    static Gen<Long> longs() {
        return r -> switch (r.nextInt(6)) {
            case 0 -> Long.MIN_VALUE;
            case 1 -> Long.MAX_VALUE;
            case 2 -> 0L;
            default -> r.nextLong();
        };
    }

    /** Doubles in [min, max): edges, tiny and huge magnitudes as well as uniform draws. */
    static Gen<Double> doubles(double min, double max) {
        return r -> switch (r.nextInt(6)) {
            case 0 -> min;
            case 1 -> Math.nextDown(max);
            default -> {
                double v = min + r.nextDouble() * (max - min);
                yield Double.isFinite(v) ? v : min / 2 + r.nextDouble() * (max / 2 - min / 2) * 2;
            }
        };
    }

    /** Any double, NaN and the infinities included. */
    static Gen<Double> doubles() {
        return r -> switch (r.nextInt(10)) {
            case 0 -> Double.NaN;
            case 1 -> Double.POSITIVE_INFINITY;
            case 2 -> Double.NEGATIVE_INFINITY;
            case 3 -> -0.0;
            case 4 -> Double.MIN_VALUE;
            case 5 -> Double.MAX_VALUE;
            default -> (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(40) - 20);
        };
    }

    /** Strings of 0 .. maxLength characters from {@code chars}. */
    static Gen<String> strings(String chars, int minLength, int maxLength) {
        return r -> {
            int n = minLength + r.nextInt(maxLength - minLength + 1);
            StringBuilder s = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                s.append(chars.charAt(r.nextInt(chars.length())));
            }
            return s.toString();
        };
    }

    /**
     * Any strings of 0 .. maxLength UTF-16 units: ASCII mostly, and control characters, NUL, lone
     * surrogates, right-to-left marks and characters outside the BMP, where parsers break.
     */
    static Gen<String> strings(int maxLength) {
        return r -> {
            int n = r.nextInt(maxLength + 1);
            StringBuilder s = new StringBuilder(n);
            while (s.length() < n) {
                switch (r.nextInt(12)) {
                    case 0 -> s.append((char) r.nextInt(0x20));
                    case 1 -> s.append((char) (0xD800 + r.nextInt(0x800)));
                    case 2 -> s.append(Character.toChars(0x10000 + r.nextInt(0xFFFFF)));
                    case 3 -> s.append((char) (0x80 + r.nextInt(0xD800 - 0x80)));
                    case 4 -> s.append(r.nextBoolean() ? '\u202E' : '\uFEFF');
                    default -> s.append((char) (0x20 + r.nextInt(0x5F)));
                }
            }
            return s.length() > n ? s.substring(0, n) : s.toString();
        };
    }

    /** Maps of 0 .. maxSize entries (fewer when keys repeat). */
    static <K, V> Gen<Map<K, V>> maps(Gen<K> keys, Gen<V> values, int maxSize) {
        return r -> {
            int n = r.nextInt(maxSize + 1);
            Map<K, V> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                m.put(keys.next(r), values.next(r));
            }
            return m;
        };
    }

    static <A, B, R> Gen<R> combine(Gen<A> a, Gen<B> b, BiFunction<A, B, R> f) {
        return r -> f.apply(a.next(r), b.next(r));
    }

    /** A generator that may refer to itself (recursive shapes), built lazily at each depth. */
    static <T> Gen<T> lazy(IntFunction<Gen<T>> atDepth, int depth) {
        return r -> atDepth.apply(depth).next(r);
    }
}
