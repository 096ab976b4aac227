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
        Sequential mlp = Zoo.build("mlp", 1);
        assertTrue(types(mlp).stream().noneMatch(t -> t.startsWith("Conv") || t.contains("Pool")), types(mlp)::toString);
        double ratio = mlp.paramCount() / (double) Zoo.build("fashion-cnn", 1).paramCount();
        assertTrue(ratio > 0.95 && ratio < 1.05, "mlp/fashion-cnn parameters " + ratio);
    }

    @Test
    void lcIsFashionCnnWithoutParameterSharing() {
        Sequential cnn = Zoo.build("fashion-cnn", 1), lc = Zoo.build("lc", 1);
        List<String> expected = types(cnn).stream().map(t -> t.equals("Conv2d") ? "LocallyConnected2d" : t).toList();
        assertEquals(expected, types(lc));
        for (int i = 0; i < cnn.layers().size(); i++) assertArrayEquals(cnn.layer(i).outputShape(), lc.layer(i).outputShape());
        // one 3x3x1 filter bank per output position: 28·28·32·(9 + 1) parameters in the first layer
        assertEquals(28 * 28 * 32 * 10, lc.layer(0).paramCount());
    }

    @Test
    void everyBuiltInModelRunsOnItsDefaultInput() {
        for (String name : Zoo.names()) {
            Sequential m = Zoo.build(name, 3);
            assertArrayEquals(new int[] {10}, m.outputShape(), name);
            assertEquals(Zoo.spec(name), m.spec(), name + " spec round trip");
        }
    }

    @Test
    void unknownNameSaysWhatExists() {
        StriateException e = assertThrows(StriateException.class, () -> Zoo.build("vgg", 1));
        assertTrue(e.getMessage().contains("'vgg'") && e.getMessage().contains("fashion-cnn"), e.getMessage());
    }

    private static List<String> types(Sequential m) { return m.layers().stream().map(Layer::type).toList(); }
}
