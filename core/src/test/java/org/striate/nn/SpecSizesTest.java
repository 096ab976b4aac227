package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Sizes with empty parts ("333xx", found by fuzzing: read as a 333-cube kernel) are refused, not read leniently. */
class SpecSizesTest {
    @Test
    void sizesWithEmptyPartsAreRefused() {
        for (String spec : new String[] {"input 2x4x4x4\nconv3d 2 333xx pad=same\n", "input 1x8x8\nconv 2 3x\n",
                                         "input 1x8x8x\nflatten\n", "input 1x8x8\nmaxpool 2 pad=1x\n"}) {
            SpecException e = assertThrows(SpecException.class, () -> LayerSpecs.parse(spec, "s.spec", null), spec);
            assertTrue(e.getMessage().startsWith("s.spec line"), e.getMessage());
        }
    }
}
