package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.lab.Claims.Claim;
import org.striate.lab.Efficiency.Point;
import org.striate.lab.InvarianceRuns.Run;
import org.striate.lab.PositionTask.Outcome;

/** The claims' verdicts on synthetic runs whose answer is known. */
class ClaimsTest {
    private static final int[] SIZES = {100, 1000, 10000};
    private static final double[] JITTER = {-0.004, 0.002, 0.001, -0.001, 0.002};

    /** Five runs per size around the given curve. */
    private static void curve(List<Point> out, String model, double... acc) {
        for (int i = 0; i < SIZES.length; i++) {
            for (int r = 0; r < JITTER.length; r++) out.add(new Point(model, SIZES[i], r, 1000, 5, 1e-3, acc[i] + JITTER[r], 1, 1));
        }
    }

    @Test
    void fewerImagesHoldsWhenTheCrossingsAreApartAndIsUnresolvedWhenTheyOverlap() {
        List<Point> p = new ArrayList<>();
        curve(p, "cnn", 0.70, 0.82, 0.88);
        curve(p, "mlp", 0.60, 0.75, 0.86);
        curve(p, "twin", 0.70, 0.82, 0.88);
        Claim c = Claims.fewerImages("x", "sentence", p, "cnn", "mlp", 0.80);
        assertEquals(Verdict.HOLDS, c.verdict(), c.reading());
        assertTrue(c.figures().get(0).value().mean() < 1000 && c.figures().get(1).value().mean() > 1000);
        assertEquals(Verdict.DOES_NOT_HOLD, Claims.fewerImages("x", "s", p, "mlp", "cnn", 0.80).verdict());
        assertEquals(Verdict.NOT_RESOLVED, Claims.fewerImages("x", "s", p, "cnn", "twin", 0.80).verdict());
        // never reached by either: both intervals end at infinity and overlap
        assertEquals(Verdict.NOT_RESOLVED, Claims.fewerImages("x", "s", p, "cnn", "mlp", 0.95).verdict());
    }

    @Test
    void everySizeMustHoldAndOneFailureFailsTheClaim() {
        List<Point> p = new ArrayList<>();
        curve(p, "cnn", 0.70, 0.82, 0.88);
        curve(p, "mlp", 0.60, 0.75, 0.86);
        curve(p, "late", 0.75, 0.80, 0.80);
        assertEquals(Verdict.HOLDS, Claims.moreAccurateAtEverySize("x", "s", p, "cnn", "mlp").verdict());
        Claim c = Claims.moreAccurateAtEverySize("x", "s", p, "cnn", "late");
        assertEquals(Verdict.DOES_NOT_HOLD, c.verdict());
        assertTrue(c.reading().contains("100: does not hold") && c.reading().contains("10000: holds"), c.reading());
    }

    @Test
    void aClaimAboutFewImagesIsJudgedOnFewAndShowsTheImagesNeededOverAll() {
        List<Point> p = new ArrayList<>();
        curve(p, "cnn", 0.70, 0.82, 0.88);
        curve(p, "lc", 0.60, 0.83, 0.92); // behind at 100 images, level at 1,000, ahead at 10,000
        Claim few = Claims.moreAccurateWhenFew("x", "s", p, "cnn", "lc", 100, 0.80);
        assertEquals(Verdict.HOLDS, few.verdict(), few.reading());
        assertEquals(List.of("cnn − lc accuracy at 100", "cnn: images to reach 80%", "lc: images to reach 80%"),
                few.figures().stream().map(Claims.Figure::label).toList());
        assertTrue(few.reading().startsWith("Size by size: 100: holds.") && few.reading().contains("To reach 80%: cnn "), few.reading());
        // judged at every size up to 10,000 the same data fail the claim
        assertEquals(Verdict.DOES_NOT_HOLD, Claims.moreAccurateWhenFew("x", "s", p, "cnn", "lc", 10000, 0.80).verdict());
    }

    private static Run run(String model, int r, double consistency) {
        double[] acc = {0.5, 0.8, 0.5};
        return new Run(model, r, 100, new Invariance.ShiftAccuracy(1, acc, acc), consistency, 3, 1e-3);
    }

    @Test
    void consistencyClaimsArePairedByRun() {
        List<Run> plain = new ArrayList<>(), aug = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            double seedEffect = 0.05 * r; // runs differ a lot, but blur is 0.02 above max pooling in each
            plain.add(run("cnn", r, 0.60 + seedEffect));
            plain.add(run("blur", r, 0.62 + seedEffect));
            aug.add(run("cnn", r, 0.80 + seedEffect));
            aug.add(run("blur", r, 0.80 + seedEffect + (r % 2 == 0 ? 0.03 : -0.03)));
        }
        Claim one = Claims.moreConsistent("x", "s", "blur", "cnn", List.of("plain"), List.of(plain));
        assertEquals(Verdict.HOLDS, one.verdict());
        Claim both = Claims.moreConsistent("x", "s", "blur", "cnn", List.of("plain", "augmented"), List.of(plain, aug));
        assertEquals(Verdict.NOT_RESOLVED, both.verdict(), both.reading());
        assertEquals(Verdict.HOLDS, Claims.augmentationHelps("x", "s", List.of("cnn", "blur"), plain, aug).verdict());
    }

    private static void outcomes(List<Outcome> out, int size, double lc, double gap, double dense) {
        for (int r = 0; r < 5; r++) {
            double j = JITTER[r];
            out.add(new Outcome("locally-connected", "", 1, 1, lc + j, r, size));
            out.add(new Outcome("cnn-gap", "", 1, 1, gap - j, r, size));
            out.add(new Outcome("cnn-dense", "", 1, 1, dense + j / 2, r, size));
        }
    }

    @Test
    void positionClaims() {
        List<Outcome> o = new ArrayList<>();
        outcomes(o, 16, 0.9, 0.25, 0.5);
        outcomes(o, 256, 1.0, 0.25, 1.0);
        assertEquals(Verdict.HOLDS, Claims.positionNeedsNoSharing("x", "s", o, 0.25).verdict());
        Claim lead = Claims.leadDisappears("x", "s", o, "cnn-dense");
        assertEquals(Verdict.HOLDS, lead.verdict(), lead.reading());
        assertTrue(lead.reading().contains("16 images a lead") && lead.reading().contains("256 images none"), lead.reading());
        List<Outcome> stays = new ArrayList<>();
        outcomes(stays, 256, 1.0, 0.6, 0.7);
        assertEquals(Verdict.DOES_NOT_HOLD, Claims.leadDisappears("x", "s", stays, "cnn-dense").verdict());
        assertEquals(Verdict.DOES_NOT_HOLD, Claims.positionNeedsNoSharing("x", "s", stays, 0.25).verdict(), "0.6 is far above chance");
    }
}
