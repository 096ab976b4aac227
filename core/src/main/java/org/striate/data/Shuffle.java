package org.striate.data;

import java.util.Random;

/** Seeded shuffling: the same seed gives the same order on every machine and JVM. */
public final class Shuffle {
    private Shuffle() {}

    /** A random permutation of 0..n−1 by Fisher–Yates, drawing from {@code rng}. */
    public static int[] permutation(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** A permutation from {@code new Random(seed)}. */
    public static int[] permutation(int n, long seed) { return permutation(n, new Random(seed)); }

    /** A shuffled copy of the data set. */
    public static Dataset shuffle(Dataset data, long seed) { return data.subset(permutation(data.size(), seed)); }
}
