package org.striate.data;

import java.util.Locale;
import java.util.Random;
import org.striate.StriateException;

/**
 * Splits one labelled set in two, class by class: of each class's samples a seeded random
 * {@code fraction} (rounded, at least one when the class has two or more) is held out, the rest kept.
 * The two parts are disjoint, together hold every sample once, keep the original order within each part,
 * and are the same for the same data, fraction and seed on every machine.
 */
public final class Splits {
    /** The seed of every split the command line makes, so a test part does not move with --seed. */
    public static final long DEFAULT_SEED = 0x5EED;

    private Splits() {}

    /** (kept, held out): {@code train()} is the rest, {@code test()} the held-out part. */
    public static TrainTestSplit holdOut(Dataset data, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new StriateException(String.format(Locale.ROOT,
                    "Invalid fraction to hold out %s. Expected a value strictly between 0 and 1, e.g. 0.1.", fraction));
        }
        boolean[] held = heldOut(data.labels(), data.classes(), fraction, new Random(seed));
        int h = 0;
        for (boolean b : held) if (b) h++;
        if (h == 0 || h == held.length) {
            throw new StriateException(String.format(Locale.ROOT, "Holding out %.3g of %d samples leaves %s part empty. "
                    + "Expected a fraction that leaves samples on both sides.", fraction, held.length, h == 0 ? "the held-out" : "the kept"));
        }
        int[] keep = new int[held.length - h], out = new int[h];
        for (int i = 0, k = 0, o = 0; i < held.length; i++) {
            if (held[i]) out[o++] = i;
            else keep[k++] = i;
        }
        return new TrainTestSplit(data.subset(keep), data.subset(out));
    }

    /** Which samples are held out, class by class. */
    static boolean[] heldOut(int[] labels, int classes, double fraction, Random rng) {
        boolean[] held = new boolean[labels.length];
        int[] count = new int[classes];
        for (int l : labels) count[l]++;
        for (int c = 0; c < classes; c++) {
            int[] members = new int[count[c]];
            for (int i = 0, m = 0; i < labels.length; i++) if (labels[i] == c) members[m++] = i;
            int take = (int) Math.round(members.length * fraction);
            if (take == 0 && members.length >= 2) take = 1;
            int[] order = Shuffle.permutation(members.length, rng);
            for (int t = 0; t < take; t++) held[members[order[t]]] = true;
        }
        return held;
    }

    /** The class counts of a data set, for messages and tests. */
    public static int[] classCounts(Dataset d) {
        int[] n = new int[d.classes()];
        for (int l : d.labels()) n[l]++;
        return n;
    }
}
