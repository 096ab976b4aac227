package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Every built-in model parses, builds, and prints back exactly the spec it was made from. */
class ZooSpecTest {

    @Test
    void everyBuiltInModelRoundTripsThroughItsSpec() {
        for (String name : Zoo.names()) {
            Graph model = LayerSpecs.parse(Zoo.spec(name), name, null).build(1);
            assertEquals(Zoo.spec(name), model.spec(), name);
            int expected = switch (name) {
                case "sr-small" -> 1;    // an image like its input
                case "det-small" -> 15;  // box channels and classes per cell
                default -> 10;
            };
            assertEquals(expected, model.outputShape()[0], name + ": one output (or one map) per class");
        }
    }

    @Test
    void theLocallyConnectedModelHasOneFilterPerPosition() {
        Graph lc = Zoo.build("lc", 1);
        // 28·28 positions × 32 filters × (1·3·3 weights + 1 bias), then 14·14 × 64 × (32·3·3 + 1), then the head
        long expected = 28L * 28 * 32 * 10 + 14L * 14 * 64 * (32 * 9 + 1) + (7L * 7 * 64 * 128 + 128) + (128 * 10 + 10);
        assertEquals(expected, lc.paramCount());
    }
}
