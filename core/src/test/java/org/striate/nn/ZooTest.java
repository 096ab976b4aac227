package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.striate.StriateException;
import org.junit.jupiter.api.Test;

class ZooTest {

    /** Parameter counts of the same models in bench/torch_reference.py (sum of p.numel()). */
    @Test
    void referenceModelsHaveThePyTorchParameterCounts() {
        assertEquals(61_706, Zoo.build("lenet5", 1).paramCount());
        assertEquals(421_642, Zoo.build("fashion-cnn", 1).paramCount());
    }

    @Test
    void referenceModelsHaveThePyTorchLayerSequence() {
        assertEquals(List.of("Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Dense", "ReLU", "Dense", "ReLU", "Dense"),
                types(Zoo.build("lenet5", 1)));
        assertEquals(List.of("Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Dense", "ReLU", "Dense"),
                types(Zoo.build("fashion-cnn", 1)));
        // nn.Linear(400, 120) and nn.Linear(3136, 128): the flattened sizes match
        assertArrayEquals(new int[] {400}, Zoo.build("lenet5", 1).layer(6).outputShape());
        assertArrayEquals(new int[] {3136}, Zoo.build("fashion-cnn", 1).layer(6).outputShape());
    }

    @Test
    void mlpIsDenseOnlyWithAboutTheCnnsParameterCount() {
        Graph mlp = Zoo.build("mlp", 1);
        assertTrue(types(mlp).stream().noneMatch(t -> t.startsWith("Conv") || t.contains("Pool")), types(mlp)::toString);
        double ratio = mlp.paramCount() / (double) Zoo.build("fashion-cnn", 1).paramCount();
        assertTrue(ratio > 0.95 && ratio < 1.05, "mlp/fashion-cnn parameters " + ratio);
    }

    @Test
    void lcIsFashionCnnWithoutParameterSharing() {
        Graph cnn = Zoo.build("fashion-cnn", 1), lc = Zoo.build("lc", 1);
        List<String> expected = types(cnn).stream().map(t -> t.equals("Conv2d") ? "LocallyConnected2d" : t).toList();
        assertEquals(expected, types(lc));
        for (int i = 0; i < cnn.layers().size(); i++) assertArrayEquals(cnn.layer(i).outputShape(), lc.layer(i).outputShape());
        // one 3x3x1 filter bank per output position: 28·28·32·(9 + 1) parameters in the first layer
        assertEquals(28 * 28 * 32 * 10, lc.layer(0).paramCount());
    }

    @Test
    void everyBuiltInModelRunsOnItsDefaultInput() {
        for (String name : Zoo.names()) {
            Graph m = Zoo.build(name, 3);
            int[] out = m.outputShape();
            switch (name) {
                case "unet-small" -> assertArrayEquals(new int[] {10, 28, 28}, out, "one map per class at the input resolution");
                case "sr-small" -> assertArrayEquals(new int[] {1, 56, 56}, out, "the input's channels at twice its size");
                case "det-small" -> assertArrayEquals(new int[] {15, 3, 3}, out, "5 box channels and one per class for each cell of stride 8");
                default -> assertArrayEquals(new int[] {10}, out, name);
            }
            m.forward(new org.striate.tensor.Tensor(2, 1, 28, 28), false);
            assertEquals(Zoo.spec(name), m.spec(), name + " spec round trip");
        }
    }

    @Test
    void resnet8HasThePyTorchParameterCount() {
        // stem 320 + 64 BN; block 1: 2·(9,248 + 64); block 2: 18,496 + 36,928 + 2,112 + 3·128;
        // block 3: 73,856 + 147,584 + 8,320 + 3·256; head 1,290
        long expected = 320 + 64 + 2 * (9_248 + 64) + 18_496 + 36_928 + 2_112 + 3 * 128 + 73_856 + 147_584 + 8_320 + 3 * 256 + 1_290;
        assertEquals(expected, Zoo.build("resnet8", 1).paramCount());
    }

    /**
     * torchvision.models.resnet18(): sum of p.numel() is 11,689,512. PyTorch's parameters include
     * BatchNorm's scale and shift (2 per channel) but not its running mean and variance (buffers);
     * Striate counts the same way (the statistics are {@code BatchNorm2d.state()}, outside paramCount).
     */
    @Test
    void resnet18HasTorchvisionsParameterCountAtItsOwnInput() {
        assertArrayEquals(new int[] {3, 224, 224}, Zoo.defaultInput("resnet18"));
        assertEquals(1000, Zoo.defaultClasses("resnet18"));
        Graph m = Zoo.build("resnet18", Zoo.defaultInput("resnet18"), Zoo.defaultClasses("resnet18"), 1);
        assertEquals(11_689_512, m.paramCount());
        long statistics = 0;
        for (Layer l : m.layers()) if (l instanceof BatchNorm2d bn) statistics += bn.state().length;
        assertEquals(2 * 4_800, statistics, "running mean and variance of 4,800 BatchNorm channels, not parameters");
        // 224 -> 112 (stem) -> 56 (pool) -> 56, 28, 14, 7 (stages) before the pooling
        assertArrayEquals(new int[] {512, 7, 7}, m.layer(m.layers().size() - 3).outputShape());
        assertArrayEquals(new int[] {1000}, m.outputShape());
    }

    @Test
    void resnet18RunsOnASmallImageAndOtherModelsKeepTheCommonDefaults() {
        Graph m = Zoo.build("resnet18", new int[] {3, 64, 64}, 1000, 1);
        org.striate.tensor.Tensor y = m.forward(new org.striate.tensor.Tensor(1, 3, 64, 64), false);
        assertEquals(1000, y.size());
        assertArrayEquals(new int[] {1, 28, 28}, Zoo.defaultInput("fashion-cnn"));
        assertEquals(10, Zoo.defaultClasses("resnet8"));
    }

    @Test
    void builtInModelsTakeTheirClassCount() {
        assertArrayEquals(new int[] {3}, Zoo.build("lenet5", new int[] {1, 28, 28}, 3, 1).outputShape());
        assertArrayEquals(new int[] {11, 32, 32}, Zoo.build("unet-small", new int[] {1, 32, 32}, 11, 1).outputShape());
    }

    @Test
    void unknownNameSaysWhatExists() {
        StriateException e = assertThrows(StriateException.class, () -> Zoo.build("vgg", 1));
        assertTrue(e.getMessage().contains("'vgg'") && e.getMessage().contains("fashion-cnn"), e.getMessage());
    }

    private static List<String> types(Graph m) { return m.layers().stream().map(Layer::type).toList(); }
}
