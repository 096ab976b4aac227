package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;

/** Expected values below were worked out by hand (or in double, step by step) from the update rules. */
class OptimizerTest {
    private static final double TOL = 1e-6;

    private static float[] run(Optimizer o, float[] p, float[][] gradsPerStep, int check, double[][] expected) {
        for (int t = 0; t < gradsPerStep.length; t++) {
            o.step(p, gradsPerStep[t]);
            if (expected != null) {
                for (int i = 0; i < p.length; i++) assertEquals(expected[t][i], p[i], TOL, o.describe() + " step " + (t + 1) + " param " + i);
            }
        }
        return p;
    }

    @Test
    void sgdWithMomentumAccumulatesVelocity() {
        // v = 0.9 v + g; p -= 0.1 v, with g = (0.5, 0.25) each step
        float[] g = {0.5f, 0.25f};
        run(new Sgd(0.1).momentum(0.9), new float[] {1f, -2f}, new float[][] {g, g, g}, 0,
                new double[][] {{0.95, -2.025}, {0.855, -2.0725}, {0.7195, -2.14025}});
    }

    @Test
    void plainSgdIsGradientDescent() {
        run(new Sgd(0.5), new float[] {1f}, new float[][] {{0.2f}, {-0.4f}}, 0, new double[][] {{0.9}, {1.1}});
    }

    @Test
    void nesterovLooksAheadAlongTheVelocity() {
        // v = 0.9 v + g; p -= 0.1 (g + 0.9 v), g = 0.5
        float[] g = {0.5f};
        run(new Sgd(0.1).momentum(0.9).nesterov(true), new float[] {1f}, new float[][] {g, g, g}, 0,
                new double[][] {{0.905}, {0.7695}, {0.59755}});
    }

    @Test
    void sgdWeightDecayAddsL2Gradient() {
        // g' = g + 0.1 p: 0.5 + 0.2 = 0.7 → 1.93; 0.5 + 0.193 = 0.693 → 1.8607
        float[] g = {0.5f};
        run(new Sgd(0.1).weightDecay(0.1), new float[] {2f}, new float[][] {g, g}, 0, new double[][] {{1.93}, {1.8607}});
    }

    @Test
    void adamCorrectsTheBiasOfItsMoments() {
        // step 1: m̂ = g and v̂ = g², so the step is lr·sign(g) exactly (0.1, not 0.316 without correction)
        run(new Adam(0.1), new float[] {1f}, new float[][] {{0.5f}, {-0.25f}, {1.0f}}, 0,
                new double[][] {{0.900000002}, {0.8733662987078463}, {0.8075551396770898}});
        // a constant gradient keeps m̂ = g, v̂ = g²: every step moves by lr
        float[] g = {3f};
        float[] p = run(new Adam(0.1), new float[] {1f}, new float[][] {g, g, g, g, g}, 0, null);
        assertEquals(0.5, p[0], 1e-5);
    }

    @Test
    void adamWDecaysOutsideTheMoments() {
        // zero gradient: AdamW only shrinks p by (1 − lr·wd) per step; Adam's coupled decay moves by lr·sign(p)
        float[] zero = {0f};
        run(new AdamW(0.1).weightDecay(0.1), new float[] {1f}, new float[][] {zero, zero}, 0, new double[][] {{0.99}, {0.9801}});
        run(new Adam(0.1).weightDecay(0.1), new float[] {1f}, new float[][] {zero}, 0, new double[][] {{0.9}});
        // with g = 0.5: shrink then the unit Adam step, 1·0.99 − 0.1 = 0.89, 0.89·0.99 − 0.1 = 0.7811
        float[] g = {0.5f};
        run(new AdamW(0.1).weightDecay(0.1), new float[] {1f}, new float[][] {g, g}, 0, new double[][] {{0.89}, {0.7811}});
    }

    @Test
    void resetForgetsState() {
        Sgd sgd = new Sgd(0.1).momentum(0.9);
        float[] p = {1f};
        sgd.step(p, new float[] {0.5f});
        sgd.reset();
        sgd.step(p, new float[] {0.5f});
        assertEquals(0.9, p[0], TOL); // two fresh first steps of 0.05 each
        Adam adam = new Adam(0.1);
        adam.step(new float[] {1f}, new float[] {1f});
        adam.reset();
        assertEquals(0, adam.steps());
    }

    @Test
    void stepsAllocateNothingOnceStateExists() {
        float[] p = new float[10_000], g = new float[10_000];
        Arrays.fill(g, 0.01f);
        for (Optimizer o : new Optimizer[] {new Sgd(0.1).momentum(0.9).nesterov(true), new Adam(1e-3), new AdamW(1e-3)}) {
            for (int i = 0; i < 1000; i++) o.step(p, g); // state made, code compiled (the vector loop takes a few hundred calls)
            long bytes = Allocations.measure(() -> { for (int i = 0; i < 200; i++) o.step(p, g, 1e-3); });
            assertTrue(bytes < 4_000, o.describe() + " allocated " + bytes + " bytes in 200 steps");
        }
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(StriateException.class, () -> new Sgd(0));
        assertThrows(StriateException.class, () -> new Adam(Double.NaN));
        assertThrows(StriateException.class, () -> new Sgd(0.1).momentum(1.0));
        assertThrows(StriateException.class, () -> new Adam(0.1).betas(0.9, 1.0));
        assertThrows(StriateException.class, () -> new AdamW(0.1).weightDecay(-1));
        StriateException e = assertThrows(StriateException.class, () -> new Sgd(0.1).nesterov(true).step(new float[1], new float[1]));
        assertTrue(e.getMessage().contains("momentum"), e.getMessage());
        assertThrows(StriateException.class, () -> new Sgd(0.1).step(new float[2], new float[3]));
    }

    @Test
    void aRestoredStateTakesTheSameStepsAsAnUninterruptedRun() throws Exception {
        for (java.util.function.Supplier<Optimizer> make : List.<java.util.function.Supplier<Optimizer>>of(
                () -> new Sgd(0.1).momentum(0.9), () -> new Adam(1e-2), () -> new AdamW(1e-2).weightDecay(0.1))) {
            float[] p = {1f, -2f, 3f}, g = {0.3f, -0.1f, 0.7f};
            Optimizer first = make.get();
            for (int i = 0; i < 3; i++) first.step(p, g);
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            first.saveState(new java.io.DataOutputStream(bytes));
            Optimizer resumed = make.get();
            resumed.loadState(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
            float[] q = p.clone();
            for (int i = 0; i < 3; i++) {
                first.step(p, g);
                resumed.step(q, g);
            }
            assertArrayEquals(p, q, first.describe());
        }
        Optimizer custom = new Optimizer() {
            public double learningRate() { return 1; }
            public void step(float[] params, float[] grads, double lr) {}
            public void reset() {}
            public String describe() { return "mine"; }
        };
        StriateException e = assertThrows(StriateException.class, () -> custom.saveState(new java.io.DataOutputStream(new java.io.ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("'mine'"), e.getMessage());
    }
}
