package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.lab.Efficiency.NamedModel;
import org.striate.lab.Efficiency.Point;
import org.striate.train.Evaluator;

class EfficiencyTest {

    @Test
    void epochsGiveSmallSubsetsEnoughSteps() {
        Efficiency.Options o = Efficiency.Options.defaults(100);
        assertEquals(30, o.epochsFor(100));
        assertEquals(10, o.epochsFor(300));
        assertEquals(3, o.epochsFor(1000));
        assertEquals(3, o.epochsFor(60000));
        assertEquals(30, o.epochsFor(10), "capped");
    }

    @Test
    void trainsEveryModelOnEverySizeAndReportsItsTestAccuracy() {
        Dataset train = PositionData.generate(120, 1), test = PositionData.generate(80, 2);
        List<NamedModel> models = List.of(new NamedModel("lc", () -> PositionTask.build(PositionTask.LOCALLY_CONNECTED, 5)),
                new NamedModel("gap", () -> PositionTask.build(PositionTask.CNN_GAP, 5)));
        Efficiency.Options o = new Efficiency.Options(new int[] {40, 120, 500}, 2, 4, 200, 16, 3e-3, 7);
        List<Point> points = Efficiency.run(models, train, test, o, null);
        assertEquals(6, points.size());
        assertArrayEquals(new int[] {40, 40, 120, 120, 120, 120}, points.stream().mapToInt(Point::trainSize).toArray(), "500 clamps to 120");
        assertArrayEquals(new int[] {4, 4, 2, 2, 2, 2}, points.stream().mapToInt(Point::epochs).toArray());
        for (Point p : points) assertTrue(p.testAccuracy() >= 0 && p.testAccuracy() <= 1);
        // retraining the same way gives the same model, so the reported figure is the model's test accuracy
        var again = PositionTask.build(PositionTask.LOCALLY_CONNECTED, 5);
        List<Point> one = Efficiency.run(List.of(new NamedModel("lc", () -> again)), train, test,
                new Efficiency.Options(new int[] {40}, 2, 4, 200, 16, 3e-3, 7), null);
        assertEquals(points.get(0).testAccuracy(), one.get(0).testAccuracy(), 0);
        assertEquals(Evaluator.evaluate(again, test).accuracy(), one.get(0).testAccuracy(), 0);
    }

    @Test
    void repeatsGiveOneRunPerSeedAndSummariesWithIntervals() {
        Dataset train = PositionData.generate(60, 1), test = PositionData.generate(40, 2);
        List<NamedModel> models = List.of(new NamedModel("gap", seed -> PositionTask.build(PositionTask.CNN_GAP, seed)),
                new NamedModel("lc", seed -> PositionTask.build(PositionTask.LOCALLY_CONNECTED, seed), 30));
        Efficiency.Options o = new Efficiency.Options(new int[] {30, 60}, 1, 1, 1, 16, 3e-3, 7);
        LabTraining one = LabTraining.fixed(n -> 1, 16, 3e-3, null, "one epoch");
        List<Point> points = Efficiency.run(models, train, test, o, one, n -> n < 60 ? 3 : 2, null);
        // 3 runs at 30 for both models, 2 runs at 60 for gap only (lc stops at 30)
        assertEquals(3 * 2 + 2, points.size());
        List<Efficiency.Summary> rows = Efficiency.summarise(points);
        assertEquals(3, rows.size());
        assertEquals(3, rows.get(0).testAccuracy().n());
        assertEquals(2, rows.get(2).testAccuracy().n());
        assertArrayEquals(Efficiency.runs(points, "gap", 30), rows.get(0).runs());
        assertEquals(Interval.mean(rows.get(0).runs()), rows.get(0).testAccuracy().mean(), 1e-12);
        // runs are reproducible one by one: run 1 is the seed 8
        List<Point> again = Efficiency.run(models, train, test, new Efficiency.Options(new int[] {30}, 1, 1, 1, 16, 3e-3, 8), one, n -> 1, null);
        assertEquals(points.get(2).testAccuracy(), again.get(0).testAccuracy(), 0, "gap, run 1 at 30");
    }

    @Test
    void subsetsAreNested() {
        int[] a = Efficiency.shuffled(50, 3);
        int[] b = Efficiency.shuffled(50, 3);
        assertArrayEquals(a, b);
        boolean[] seen = new boolean[50];
        for (int i : a) seen[i] = true;
        for (boolean s : seen) assertTrue(s, "a permutation");
    }

    @Test
    void rejectsBadOptions() {
        assertThrows(StriateException.class, () -> Efficiency.Options.defaults());
        assertThrows(StriateException.class, () -> Efficiency.Options.defaults(100, 0));
        assertThrows(StriateException.class, () -> new Efficiency.Options(new int[] {1}, 3, 2, 1, 1, 1e-3, 1));
    }
}
