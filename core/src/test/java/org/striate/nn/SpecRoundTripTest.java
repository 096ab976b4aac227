package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.striate.tensor.ShapeException;

/** Every layer's spec() line parses back to the same layer, and errors in a spec name its line. */
class SpecRoundTripTest {

    private static final String IMAGES = """
            input 3x16x16
            conv 4 3x3 pad=same
            batchnorm
            leakyrelu alpha=0.2
            maxpool 2
            minpool 2x1 stride=1
            avgpool 3 stride=1 pad=1
            lc 2 3x3 stride=2 pad=1
            batchnorm momentum=0.05 eps=0.001
            affine
            tanh
            sigmoid
            dropout 0.25
            gap
            softmax
            """;

    private static final String SEQUENCES = """
            input 2x20
            conv1d 4 3 stride=2 pad=same groups=2 bias=false
            leakyrelu
            conv1d 2 5 pad=2 dilation=2
            flatten
            dropout 0.5
            dense 3
            softmax
            """;

    private static final String VOLUMES = """
            input 1x6x6x6
            conv3d 2 3x3x3 stride=2 pad=1
            relu
            conv3d 2 3x1x3 pad=same
            conv3d 1 1x2x2 stride=1x2x2 bias=false
            batchnorm
            flatten
            dense 2
            """;

    private static final String OPTIONS = """
            input 2x12x12
            maxpool 3x2 stride=2x1 pad=1
            lc 3 3x1 pad=same bias=false
            avgpool 2 pad=1
            lc 2 2x3 stride=1x2 pad=0x1
            """;

    @TestFactory
    Stream<DynamicTest> specsRoundTrip() {
        return Stream.of(IMAGES, SEQUENCES, VOLUMES, OPTIONS).map(text -> dynamicTest(text.lines().skip(1).findFirst().orElseThrow(), () -> {
            Graph model = LayerSpecs.parse(text, "test.spec", null).build(1);
            assertEquals(text, model.spec(), "spec() writes the text back as written");
            Graph again = LayerSpecs.parse(model.spec(), "again.spec", null).build(1);
            assertEquals(model.spec(), again.spec());
            assertEquals(model.paramCount(), again.paramCount());
            assertEquals(List.of(model.outputShape()[0]), List.of(again.outputShape()[0]));
        }));
    }

    @Test
    void everyNewKeywordIsRegistered() {
        for (String k : List.of("maxpool", "avgpool", "minpool", "gap", "leakyrelu", "sigmoid", "tanh", "softmax", "dropout",
                "batchnorm", "affine", "lc", "conv1d", "conv3d")) {
            assertTrue(LayerSpecs.keywords().contains(k), k);
        }
    }

    private static SpecException specError(String text) {
        return assertThrows(SpecException.class, () -> LayerSpecs.parse(text, "net.spec", null).build(1));
    }

    @Test
    void anImpossibleShapeNamesTheSpecLineAndTheLayer() {
        SpecException e = specError("input 1x8x8\nconv 4 3x3\n\nmaxpool 2\nconv 8 5x5\n");
        assertTrue(e.getMessage().startsWith("net.spec line 5 ('conv'): Layer 'conv2d_2' (Conv2d) cannot take input of shape (4, 3, 3)"),
                e.getMessage());
        assertTrue(e.getCause() instanceof ShapeException);

        SpecException rank = specError("input 1x8x8\nflatten\nmaxpool 2\n");
        assertTrue(rank.getMessage().startsWith("net.spec line 3 ('maxpool'): Layer 'maxpool2d_1' (MaxPool2d) expects input of shape (C, H, W)"),
                rank.getMessage());
    }

    @Test
    void badArgumentsNameTheLine() {
        assertEquals("net.spec line 2 ('dropout'): Invalid value for argument `rate`. Expected a float in the range [0, 1). Received rate=1.5.",
                specError("input 4\ndropout 1.5\n").getMessage());
        assertEquals("net.spec line 2 ('dropout'): expected 'dropout RATE', e.g. 'dropout 0.5', received 0 argument(s).",
                specError("input 4\ndropout\n").getMessage());
        assertEquals("net.spec line 2 ('dropout'): rate must be a number, received 'half'.",
                specError("input 4\ndropout half\n").getMessage());
        assertEquals("net.spec line 3 ('maxpool'): unknown option 'strid'.",
                specError("input 1x8x8\n# comment\nmaxpool 2 strid=2\n").getMessage());
        assertEquals("net.spec line 2 ('conv3d'): kernel must be N or NxNxN, received 3x3.",
                specError("input 1x4x4x4\nconv3d 2 3x3\n").getMessage());
        assertEquals("net.spec line 2 ('leakyrelu'): alpha=big is not a number.",
                specError("input 4\nleakyrelu alpha=big\n").getMessage());
        assertEquals("net.spec line 2 ('lc'): pad=-1 must be >= 0.",
                specError("input 1x4x4\nlc 2 3x3 pad=-1\n").getMessage());
        assertEquals("net.spec line 2 ('gap'): expected 'gap' with no arguments, received 1 argument(s).",
                specError("input 1x4x4\ngap 2\n").getMessage());
    }
}
