package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.striate.StriateException;
import org.striate.tensor.ShapeException;

/** Impossible shapes fail when the model is built, naming the layer; bad arguments fail in the constructor, Keras style. */
class LayerErrorsTest {

    /** A model of input shape {@code in}, a ReLU (so the bad layer is second), then {@code layer}. */
    private static DynamicTest impossible(String name, Layer layer, int[] in, String expectedName, String... mentions) {
        return dynamicTest(name, () -> {
            ShapeException e = assertThrows(ShapeException.class,
                    () -> Sequential.builder(in).add(new ReLU()).add(layer).build(1));
            String m = e.getMessage();
            assertTrue(m.contains("'" + expectedName + "'") && m.contains("(" + layer.type() + ")"), "names the layer: " + m);
            for (String s : mentions) assertTrue(m.contains(s), "mentions " + s + ": " + m);
        });
    }

    @TestFactory
    Stream<DynamicTest> impossibleShapesFailAtBuildTime() {
        return Stream.of(
                impossible("kernel larger than the image", new Conv2d(8, 5), new int[] {1, 3, 3}, "conv2d_1", "(1, 3, 3)", "(8, -1, -1)"),
                impossible("conv2d on flat features", new Conv2d(4, 3), new int[] {10}, "conv2d_1", "(C, H, W)", "(10,)"),
                impossible("conv2d groups not dividing channels", new Conv2d(4, 3).groups(2), new int[] {3, 8, 8}, "conv2d_1", "groups=2", "(3)"),
                impossible("conv2d 'same' with an even kernel", new Conv2d(4, 2).padding(Conv2d.SAME), new int[] {1, 8, 8}, "conv2d_1", "odd kernel"),
                impossible("dense on an image", new Dense(10), new int[] {1, 28, 28}, "dense_1", "(1, 28, 28)", "Flatten"),
                impossible("pool window larger than the map", new MaxPool2d(3), new int[] {2, 2, 2}, "maxpool2d_1", "(2, 2, 2)"),
                impossible("avgpool on flat features", new AvgPool2d(2), new int[] {10}, "avgpool2d_1", "(C, H, W)", "(10,)"),
                impossible("minpool on a volume", new MinPool2d(2), new int[] {1, 4, 4, 4}, "minpool2d_1", "(C, H, W)"),
                impossible("gap on flat features", new GlobalAvgPool2d(), new int[] {10}, "globalavgpool2d_1", "(C, H, W)"),
                impossible("softmax on an image", new Softmax(), new int[] {1, 4, 4}, "softmax_1", "(K,)", "Flatten"),
                impossible("lc kernel larger than the image", new LocallyConnected2d(2, 4), new int[] {1, 3, 5}, "locallyconnected2d_1", "(1, 3, 5)"),
                impossible("lc 'same' with an even kernel", new LocallyConnected2d(2, 2).padding(Conv2d.SAME), new int[] {1, 5, 5},
                        "locallyconnected2d_1", "odd kernel"),
                impossible("lc on a sequence", new LocallyConnected2d(2, 3), new int[] {1, 9}, "locallyconnected2d_1", "(C, H, W)"),
                impossible("conv1d on an image", new Conv1d(2, 3), new int[] {1, 28, 28}, "conv1d_1", "(C, L)", "(1, 28, 28)"),
                impossible("conv1d kernel longer than the sequence", new Conv1d(2, 7).dilation(2), new int[] {1, 9}, "conv1d_1", "(1, 9)"),
                impossible("conv1d groups not dividing channels", new Conv1d(4, 3).groups(4), new int[] {6, 9}, "conv1d_1", "groups=4"),
                impossible("conv3d on an image", new Conv3d(2, 3), new int[] {1, 28, 28}, "conv3d_1", "(C, D, H, W)"),
                impossible("conv3d kernel deeper than the volume", new Conv3d(2, 3), new int[] {1, 2, 8, 8}, "conv3d_1", "(1, 2, 8, 8)"),
                impossible("conv3d 'same' with an even kernel", new Conv3d(2, 3, 2, 3).padding(Conv2d.SAME), new int[] {1, 4, 4, 4},
                        "conv3d_1", "odd kernel"),
                dynamicTest("batchnorm needs a channel axis", () -> {
                    ShapeException e = assertThrows(ShapeException.class, () -> new BatchNorm2d().build(new int[0]));
                    assertTrue(e.getMessage().startsWith("Layer 'batchnorm2d' (BatchNorm2d) expects channel-first input"), e.getMessage());
                }),
                dynamicTest("affine needs a channel axis", () -> {
                    ShapeException e = assertThrows(ShapeException.class, () -> new ChannelAffine().build(new int[0]));
                    assertTrue(e.getMessage().startsWith("Layer 'channelaffine' (ChannelAffine) expects channel-first input"), e.getMessage());
                }));
    }

    private static DynamicTest badArgument(String name, Executable construct, String expected) {
        return dynamicTest(name, () -> {
            StriateException e = assertThrows(StriateException.class, construct);
            assertEquals(expected, e.getMessage());
        });
    }

    @TestFactory
    Stream<DynamicTest> badArgumentsFailWithKerasStyleMessages() {
        return Stream.of(
                badArgument("pool size", () -> new MaxPool2d(0),
                        "Invalid value for argument `pool_size`. Expected strictly positive sizes. Received pool_size=0x0."),
                badArgument("pool stride", () -> new AvgPool2d(2).stride(0, 1),
                        "Invalid value for argument `strides`. Expected strictly positive sizes. Received strides=0x1."),
                badArgument("pool padding", () -> new MinPool2d(2).padding(2),
                        "Invalid value for argument `padding`. Expected at most half the pool size (1x1). Received padding=2x2."),
                badArgument("leaky alpha", () -> new LeakyReLU(-0.1f),
                        "Invalid value for argument `alpha`. Expected a value in [0, 1). Received alpha=-0.1."),
                badArgument("dropout rate 1", () -> new Dropout(1f),
                        "Invalid value for argument `rate`. Expected a float in the range [0, 1). Received rate=1.0."),
                badArgument("dropout rate NaN", () -> new Dropout(Float.NaN),
                        "Invalid value for argument `rate`. Expected a float in the range [0, 1). Received rate=NaN."),
                badArgument("batchnorm momentum", () -> new BatchNorm2d(0f, 1e-5f),
                        "Invalid value for argument `momentum`. Expected a value in (0, 1]. Received momentum=0.0."),
                badArgument("batchnorm epsilon", () -> new BatchNorm2d(0.1f, -1f),
                        "Invalid value for argument `epsilon`. Expected a strictly positive value. Received epsilon=-1.0."),
                badArgument("lc filters", () -> new LocallyConnected2d(0, 3),
                        "Invalid value for argument `filters`. Expected a strictly positive value. Received filters=0."),
                badArgument("lc kernel", () -> new LocallyConnected2d(2, 3, -1),
                        "Invalid value for argument `kernel_size`. Expected strictly positive sizes. Received kernel_size=3x-1."),
                badArgument("lc padding", () -> new LocallyConnected2d(2, 3).padding(-2),
                        "Invalid value for argument `padding`. Expected values >= 0 or 'same'. Received padding=-2x-2."),
                badArgument("conv1d stride", () -> new Conv1d(2, 3).stride(0),
                        "Invalid value for argument `strides`. Expected a strictly positive value. Received strides=0."),
                badArgument("conv1d dilation", () -> new Conv1d(2, 3).dilation(-1),
                        "Invalid value for argument `dilation_rate`. Expected a strictly positive value. Received dilation_rate=-1."),
                badArgument("conv1d groups", () -> new Conv1d(2, 3).groups(0),
                        "Invalid value for argument `groups`. Expected a strictly positive value. Received groups=0."),
                badArgument("conv3d kernel", () -> new Conv3d(2, 3, 0, 3),
                        "Invalid value for argument `kernel_size`. Expected strictly positive sizes. Received kernel_size=3x0x3."),
                badArgument("conv3d stride", () -> new Conv3d(2, 3).stride(1, 0, 1),
                        "Invalid value for argument `strides`. Expected strictly positive sizes. Received strides=1x0x1."),
                badArgument("conv3d padding", () -> new Conv3d(2, 3).padding(0, 0, -1),
                        "Invalid value for argument `padding`. Expected values >= 0 or 'same'. Received padding=0x0x-1."));
    }

    @org.junit.jupiter.api.Test
    void aBatchOfTheWrongShapeNamesTheLayerAndBothShapes() {
        Graph m = Sequential.builder(1, 8, 8).add(new Conv2d(2, 3)).add(new Flatten()).add(new Dense(3)).build(1);
        ShapeException e = assertThrows(ShapeException.class, () -> m.forward(new org.striate.tensor.Tensor(2, 1, 9, 8), false));
        assertTrue(e.getMessage().contains("'conv2d_1' (Conv2d)") && e.getMessage().contains("(N, 1, 8, 8)")
                && e.getMessage().contains("(2, 1, 9, 8)"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void denseTooLargeForOneBufferFailsAtBuildTime() {
        ShapeException e = org.junit.jupiter.api.Assertions.assertThrows(ShapeException.class,
                () -> Sequential.builder(1, 65536, 1).add(new Flatten()).add(new Dense(65536)).build());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("dense_1"), e.getMessage());
    }
}
