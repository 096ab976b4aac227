package org.striate.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.striate.lab.Efficiency.Point;
import org.striate.lab.InvarianceRuns.Run;
import org.striate.lab.PositionTask.Outcome;

/**
 * The notes' claims about why CNNs work, each judged from measured runs. Every judgement compares
 * intervals ({@link Verdict}); the figures it rests on travel with it, so the page and the JSON show
 * what the verdict was read from. Pure functions of the results: tests feed them synthetic runs.
 */
public final class Claims {
    private Claims() {}

    /** A figure a verdict rests on: a label and its mean with 95% interval. */
    public record Figure(String label, Interval value) {}

    /** One claim: an id, the claim in one sentence, the experiment, its figures and the verdict. */
    public record Claim(String id, String claim, String experiment, List<Figure> figures, Verdict verdict, String reading) {}

    /** Accuracy differences within this much (one point in a hundred) count as no difference. */
    public static final double NEGLIGIBLE = 0.01;

    /** Sizes measured for every one of {@code models}, in increasing order. */
    static int[] commonSizes(List<Point> points, String... models) {
        return points.stream().mapToInt(Point::trainSize).distinct().sorted()
                .filter(n -> Arrays.stream(models).allMatch(m -> Efficiency.runs(points, m, n).length > 0)).toArray();
    }

    /** Test accuracy interval of {@code model} at each size. */
    static Interval[] curve(List<Point> points, String model, int[] sizes) {
        Interval[] c = new Interval[sizes.length];
        for (int i = 0; i < sizes.length; i++) c[i] = Interval.t95(Efficiency.runs(points, model, sizes[i]));
        return c;
    }

    /** "a needs fewer images than b to reach {@code target} test accuracy": the crossings' intervals must not overlap. */
    public static Claim fewerImages(String id, String sentence, List<Point> points, String a, String b, double target) {
        int[] sizes = commonSizes(points, a, b);
        Interval na = needed(points, a, sizes, target), nb = needed(points, b, sizes, target);
        String pct = percent(target);
        List<Figure> f = new ArrayList<>(neededFigures(a, na, b, nb, pct));
        for (int n : sizes) f.add(new Figure(a + " − " + b + " accuracy at " + n, Verdict.difference(Efficiency.runs(points, a, n), Efficiency.runs(points, b, n))));
        Verdict v = Verdict.smaller(na, nb);
        String reading = String.format(Locale.ROOT, "%s reaches %s at %s, %s at %s.", a, pct, needed(na, sizes), b, needed(nb, sizes));
        return new Claim(id, sentence, "lab efficiency", f, v, reading);
    }

    /** The images {@code model} needs to reach {@code target}, read from its curve at {@code sizes}. */
    private static Interval needed(List<Point> points, String model, int[] sizes, double target) {
        return ImagesNeeded.of(sizes, curve(points, model, sizes), target);
    }

    private static String percent(double target) { return String.format(Locale.ROOT, "%.0f%%", target * 100); }

    /** The two images-needed figures a claim about a and b shows. */
    private static List<Figure> neededFigures(String a, Interval na, String b, Interval nb, String pct) {
        return List.of(new Figure(a + ": images to reach " + pct, na), new Figure(b + ": images to reach " + pct, nb));
    }

    /** "N images [low, high]" for an images-needed interval read from curves measured at {@code sizes}. */
    private static String needed(Interval n, int[] sizes) {
        return ImagesNeeded.format(n.mean(), sizes) + " images [" + ImagesNeeded.format(n.low(), sizes) + ", " + ImagesNeeded.format(n.high(), sizes) + "]";
    }

    /**
     * "a is more accurate than b when training images are few": judged at the sizes up to {@code few}
     * only, since the claim says nothing of large sets; the images each needs to reach {@code target},
     * read from every size both were measured at, travel with it to show what happens beyond.
     */
    public static Claim moreAccurateWhenFew(String id, String sentence, List<Point> points, String a, String b, int few, double target) {
        Claim judged = moreAccurateAtEverySize(id, sentence, points.stream().filter(p -> p.trainSize() <= few).toList(), a, b);
        int[] sizes = commonSizes(points, a, b);
        Interval na = needed(points, a, sizes, target), nb = needed(points, b, sizes, target);
        String pct = percent(target);
        List<Figure> f = new ArrayList<>(judged.figures());
        f.addAll(neededFigures(a, na, b, nb, pct));
        String reading = judged.reading() + String.format(Locale.ROOT, " To reach %s: %s %s, %s %s.", pct, a, needed(na, sizes), b, needed(nb, sizes));
        return new Claim(id, sentence, judged.experiment(), f, judged.verdict(), reading);
    }

    /** "a is more accurate than b at every size both were measured at" (paired by run). */
    public static Claim moreAccurateAtEverySize(String id, String sentence, List<Point> points, String a, String b) {
        int[] sizes = commonSizes(points, a, b);
        List<Figure> f = new ArrayList<>();
        Verdict[] each = new Verdict[sizes.length];
        StringBuilder held = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            double[] ra = Efficiency.runs(points, a, sizes[i]), rb = Efficiency.runs(points, b, sizes[i]);
            int n = Math.min(ra.length, rb.length);
            Interval d = Verdict.difference(Arrays.copyOf(ra, n), Arrays.copyOf(rb, n));
            f.add(new Figure(a + " − " + b + " accuracy at " + sizes[i], d));
            each[i] = Verdict.positive(d, NEGLIGIBLE);
            held.append(i == 0 ? "" : "; ").append(sizes[i]).append(": ").append(each[i].label());
        }
        return new Claim(id, sentence, "lab efficiency", f, Verdict.all(each), "Size by size: " + held + ".");
    }

    /** "a is more shift-consistent than b", paired by run, in every one of the given result sets (e.g. with and without augmentation). */
    public static Claim moreConsistent(String id, String sentence, String a, String b, List<String> settings, List<List<Run>> results) {
        List<Figure> f = new ArrayList<>();
        Verdict[] each = new Verdict[settings.size()];
        for (int i = 0; i < each.length; i++) {
            List<Run> r = results.get(i);
            double[] ca = InvarianceRuns.runs(r, a, true), cb = InvarianceRuns.runs(r, b, true);
            f.add(new Figure(a + " consistency, " + settings.get(i), Interval.t95(ca)));
            f.add(new Figure(b + " consistency, " + settings.get(i), Interval.t95(cb)));
            Interval d = Verdict.difference(ca, cb);
            f.add(new Figure(a + " − " + b + ", " + settings.get(i), d));
            each[i] = Verdict.positive(d, NEGLIGIBLE);
        }
        return new Claim(id, sentence, "lab invariance", f, Verdict.all(each), reading(settings, each));
    }

    /** "training on shifted images raises every model's consistency": augmented minus plain, paired by run, per model. */
    public static Claim augmentationHelps(String id, String sentence, List<String> models, List<Run> plain, List<Run> augmented) {
        List<Figure> f = new ArrayList<>();
        Verdict[] each = new Verdict[models.size()];
        for (int i = 0; i < each.length; i++) {
            Interval d = Verdict.difference(InvarianceRuns.runs(augmented, models.get(i), true), InvarianceRuns.runs(plain, models.get(i), true));
            f.add(new Figure(models.get(i) + ": consistency gained", d));
            each[i] = Verdict.positive(d, NEGLIGIBLE);
        }
        return new Claim(id, sentence, "lab invariance --augment", f, Verdict.all(each), reading(models, each));
    }

    /**
     * "a shift-invariant CNN is at chance when position is the class, and a model without sharing is
     * not": the pooled CNN's interval at or below chance + {@code NEGLIGIBLE}·5 and the locally connected
     * model's lead over it above zero, at the largest size.
     */
    public static Claim positionNeedsNoSharing(String id, String sentence, List<Outcome> outcomes, double chance) {
        int n = outcomes.stream().mapToInt(Outcome::trainSize).max().orElseThrow();
        double[] lc = PositionTask.runs(outcomes, "locally-connected", n), gap = PositionTask.runs(outcomes, "cnn-gap", n);
        Interval g = Interval.t95(gap), d = Verdict.difference(lc, gap);
        List<Figure> f = List.of(new Figure("locally-connected accuracy at " + n, Interval.t95(lc)), new Figure("cnn-gap accuracy at " + n, g),
                new Figure("locally-connected − cnn-gap at " + n, d));
        Verdict v = Verdict.all(Verdict.atMost(g, chance + 5 * NEGLIGIBLE), Verdict.positive(d, NEGLIGIBLE));
        return new Claim(id, sentence, "lab position", f, v, String.format(Locale.ROOT, "At %d images the pooled CNN scores %s (chance %.2f).",
                n, g.format(3), chance));
    }

    /**
     * "the locally connected model's lead over {@code cnn} disappears as the data grow": no lead at
     * the largest size. The reading lists the sizes where the lead holds.
     */
    public static Claim leadDisappears(String id, String sentence, List<Outcome> outcomes, String cnn) {
        int[] sizes = outcomes.stream().mapToInt(Outcome::trainSize).distinct().sorted().toArray();
        List<Figure> f = new ArrayList<>();
        Verdict[] lead = new Verdict[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            Interval d = Verdict.difference(PositionTask.runs(outcomes, "locally-connected", sizes[i]), PositionTask.runs(outcomes, cnn, sizes[i]));
            f.add(new Figure("locally-connected − " + cnn + " at " + sizes[i], d));
            lead[i] = Verdict.positive(d, NEGLIGIBLE);
        }
        Verdict last = lead[lead.length - 1];
        Verdict v = last == Verdict.DOES_NOT_HOLD ? Verdict.HOLDS : last == Verdict.HOLDS ? Verdict.DOES_NOT_HOLD : Verdict.NOT_RESOLVED;
        StringBuilder b = new StringBuilder("Lead of the locally connected model: ");
        for (int i = 0; i < sizes.length; i++) b.append(i == 0 ? "" : "; ").append(sizes[i]).append(" images ").append(word(lead[i]));
        return new Claim(id, sentence, "lab position --sizes", f, v, b + ".");
    }

    private static String word(Verdict lead) {
        return switch (lead) {
            case HOLDS -> "a lead";
            case DOES_NOT_HOLD -> "none";
            case NOT_RESOLVED -> "unclear";
        };
    }

    private static String reading(List<String> labels, Verdict[] each) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < each.length; i++) b.append(i == 0 ? "" : "; ").append(labels.get(i)).append(": ").append(each[i].label());
        return b + ".";
    }
}
