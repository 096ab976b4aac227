package org.striate.nn;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every layer's backward pass against central finite differences (see {@link GradientCheck}): the
 * gradient with respect to the input and to every parameter, over strides above 1, padding,
 * dilation, groups (depthwise too), odd sizes and batches of more than one sample.
 */
class GradientCheckTest {

    private static DynamicTest check(String name, Supplier<GradientCheck> check) {
        return dynamicTest(name, () -> check.get().run());
    }

    /**
     * Convolutions and dense layers are linear in their input and in their parameters, so the finite
     * difference has no truncation error at any step; a larger step shrinks the float rounding.
     */
    private static DynamicTest linear(String name, Supplier<GradientCheck> check) {
        return dynamicTest(name, () -> check.get().eps(0.25).run());
    }

    @TestFactory
    Stream<DynamicTest> convolutions() {
        return Stream.of(
                linear("conv 3x3", () -> GradientCheck.of(new Conv2d(3, 3), 2, 5, 5)),
                linear("conv 3x2 stride 2 pad 1, odd sizes", () -> GradientCheck.of(new Conv2d(2, 3, 2).stride(2).padding(1), 3, 7, 6).batch(3)),
                linear("conv stride 2x1 pad 0x2", () -> GradientCheck.of(new Conv2d(2, 2, 3).stride(2, 1).padding(0, 2), 1, 5, 4)),
                linear("conv dilation 2", () -> GradientCheck.of(new Conv2d(2, 3).dilation(2).padding(1), 2, 7, 7)),
                linear("conv groups 2", () -> GradientCheck.of(new Conv2d(4, 3).groups(2).stride(2), 4, 5, 5)),
                linear("conv depthwise", () -> GradientCheck.of(new Conv2d(3, 3).groups(3).padding(Conv2d.SAME), 3, 5, 5)),
                linear("conv 1x1 no bias", () -> GradientCheck.of(new Conv2d(5, 1).bias(false), 3, 3, 4)),
                linear("conv1d", () -> GradientCheck.of(new Conv1d(3, 3), 2, 9)),
                linear("conv1d stride 2 pad 1 dilation 2", () -> GradientCheck.of(new Conv1d(2, 3).stride(2).padding(1).dilation(2), 3, 11).batch(3)),
                linear("conv1d depthwise same", () -> GradientCheck.of(new Conv1d(3, 5).groups(3).padding(Conv2d.SAME).bias(false), 3, 8)),
                linear("conv3d 3x3x3", () -> GradientCheck.of(new Conv3d(2, 3), 2, 4, 4, 4)),
                linear("conv3d 2x3x1 stride 2 pad 1", () -> GradientCheck.of(new Conv3d(2, 2, 3, 1).stride(2, 2, 1).padding(1, 1, 0), 1, 5, 4, 3)),
                linear("conv3d same", () -> GradientCheck.of(new Conv3d(1, 3).padding(Conv2d.SAME).bias(false), 2, 3, 4, 3)),
                linear("lc 3x3", () -> GradientCheck.of(new LocallyConnected2d(2, 3), 2, 5, 5)),
                linear("lc 3x3 stride 2 pad 1", () -> GradientCheck.of(new LocallyConnected2d(2, 3).stride(2).padding(1), 2, 6, 5).batch(3)),
                linear("lc 2x3 same rows, no bias", () -> GradientCheck.of(new LocallyConnected2d(3, 2, 3).padding(0, 1).bias(false), 1, 4, 5)),
                linear("dense", () -> GradientCheck.of(new Dense(5), 7)),
                linear("dense no bias", () -> GradientCheck.of(new Dense(3).bias(false), 4).batch(3)));
    }

    @TestFactory
    Stream<DynamicTest> pooling() {
        return Stream.of(
                check("maxpool 2, odd size", () -> GradientCheck.of(new MaxPool2d(2), 2, 5, 5).inputs(GradientCheck::distinct)),
                check("maxpool 3 stride 2 pad 1", () -> GradientCheck.of(new MaxPool2d(3).stride(2).padding(1), 2, 7, 6).inputs(GradientCheck::distinct)),
                check("minpool 2x3 stride 1", () -> GradientCheck.of(new MinPool2d(2, 3).stride(1), 2, 4, 5).inputs(GradientCheck::distinct)),
                check("minpool 3 pad 1", () -> GradientCheck.of(new MinPool2d(3).padding(1), 1, 5, 7).inputs(GradientCheck::distinct)),
                check("avgpool 2", () -> GradientCheck.of(new AvgPool2d(2), 3, 4, 5)),
                check("avgpool 3 stride 2 pad 1", () -> GradientCheck.of(new AvgPool2d(3).stride(2).padding(1), 2, 7, 7).batch(3)),
                check("gap", () -> GradientCheck.of(new GlobalAvgPool2d(), 3, 4, 5)),
                linear("blurpool", () -> GradientCheck.of(new BlurPool2d(), 2, 7, 6)),
                linear("blurpool stride 3 size 5", () -> GradientCheck.of(new BlurPool2d(3, 5), 1, 8, 9)),
                check("flatten", () -> GradientCheck.of(new Flatten(), 2, 3, 3)));
    }

    @TestFactory
    Stream<DynamicTest> activations() {
        return Stream.of(
                check("relu", () -> GradientCheck.of(new ReLU(), 2, 3, 3)),
                check("leakyrelu 0.1", () -> GradientCheck.of(new LeakyReLU(0.1f), 2, 3, 3)),
                check("leakyrelu default", () -> GradientCheck.of(new LeakyReLU(), 7)),
                check("sigmoid", () -> GradientCheck.of(new Sigmoid(), 3, 4)),
                check("tanh", () -> GradientCheck.of(new Tanh(), 3, 2, 2)),
                check("softmax", () -> GradientCheck.of(new Softmax(), 6).batch(3)));
    }

    @TestFactory
    Stream<DynamicTest> regularisers() {
        return Stream.of(
                // the same generator state before every forward pass gives the same mask each time
                check("dropout training", () -> {
                    Dropout d = new Dropout(0.4f);
                    return GradientCheck.of(d, 3, 4, 4).beforeForward(() -> d.initParams(new Random(5)));
                }),
                check("dropout evaluation", () -> GradientCheck.of(new Dropout(0.4f), 3, 4).training(false)),
                // 60 values per channel: a larger step keeps float rounding down, the statistics stay nearly linear
                check("batchnorm training", () -> GradientCheck.of(new BatchNorm2d(), 3, 4, 5).batch(3).eps(0.1)),
                check("batchnorm training, flat features", () -> GradientCheck.of(new BatchNorm2d(), 6).batch(8)),
                check("batchnorm evaluation", () -> GradientCheck.of(new BatchNorm2d(), 2, 3, 3).training(false)));
    }

    @TestFactory
    Stream<DynamicTest> affine() {
        return Stream.of(
                linear("affine on maps", () -> GradientCheck.of(new ChannelAffine(), 3, 4, 5).batch(3)),
                linear("affine on flat features", () -> GradientCheck.of(new ChannelAffine(), 7)),
                linear("affine evaluation", () -> GradientCheck.of(new ChannelAffine(), 2, 3, 3).training(false)));
    }
}
