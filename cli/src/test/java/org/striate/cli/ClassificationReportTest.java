package org.striate.cli;

import org.striate.io.Json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClassificationReportTest {

    @Test
    void countsMatchAHandWorkedExample() {
        //            true:  0  0  0  1  1  2
        //       predicted:  0  0  1  1  2  2
        ClassificationReport r = ClassificationReport.of(new int[] {0, 0, 0, 1, 1, 2}, new int[] {0, 0, 1, 1, 2, 2},
                new String[] {"a", "b", "c"});
        assertEquals(4.0 / 6, r.accuracy(), 1e-12);
        assertArrayEquals(new long[] {2, 1, 0}, r.confusion()[0]);
        assertArrayEquals(new long[] {0, 1, 1}, r.confusion()[1]);
        assertArrayEquals(new long[] {0, 0, 1}, r.confusion()[2]);
        assertEquals(1.0, r.precision(0), 1e-12);   // 2 of 2 predicted 'a' are 'a'
        assertEquals(2.0 / 3, r.recall(0), 1e-12);   // 2 of 3 'a' found
        assertEquals(0.5, r.precision(1), 1e-12);
        assertEquals(0.5, r.precision(2), 1e-12);
        assertEquals(1.0, r.recall(2), 1e-12);
        assertEquals(3, r.support(0));
    }

    @Test
    void classNeverPredictedHasZeroPrecisionNotNaN() {
        ClassificationReport r = ClassificationReport.of(new int[] {0, 1}, new int[] {0, 0}, new String[] {"a", "b"});
        assertEquals(0.0, r.precision(1));
        assertEquals(0.0, r.recall(1));
        String json = Json.write(r.toJson());
        assertTrue(json.contains("\"accuracy\":0.5") && json.contains("\"confusion\":[[1,0],[1,0]]"), json);
    }
}
