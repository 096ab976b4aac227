package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.lab.PositionTask.Outcome;

class PositionTaskTest {

    @Test
    void locallyConnectedLearnsWherePatternsAreWhileTheGapCnnStaysAtChance() {
        List<Outcome> r = PositionTask.run(new PositionTask.Options(400, 400, 6, 42));
        Outcome lc = r.get(0), cnn = r.get(1);
        assertEquals("locally-connected", lc.model());
        assertEquals("cnn-gap", cnn.model());
        assertTrue(lc.testAccuracy() > 0.9, "locally connected: " + lc.testAccuracy());
        // chance is 0.25; 400 test images give a standard deviation of about 0.022
        assertTrue(Math.abs(cnn.testAccuracy() - 0.25) < 0.1, "cnn with global average pooling: " + cnn.testAccuracy());
    }

    @Test
    void theGapCnnGivesTheSameOutputForThePatternInEveryQuadrant() {
        // without noise the four classes are the same image up to a translation that keeps the pattern off the padding
        var model = PositionTask.build(PositionTask.CNN_GAP, 1);
        var data = PositionData.generate(4, 3);
        var clean = data.images().copy();
        for (int i = 0; i < clean.size(); i++) if (clean.data[i] < 1f) clean.data[i] = 0f;
        var out = model.forward(clean, false).copy();
        for (int n = 1; n < 4; n++) {
            for (int k = 0; k < 4; k++) assertEquals(out.get(0, k), out.get(n, k), 1e-5, "image " + n + " logit " + k);
        }
    }
}
