package org.striate.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.striate.nn.Layer;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import org.striate.nn.Zoo;
import org.striate.tensor.Tensor;

/** Round trips of models with layer state (BatchNorm running statistics), pooling and dropout. */
class ModelFileLayersTest {
    @TempDir Path dir;

    static final String SPEC = """
            input 3x8x8
            conv 4 3x3 pad=same
            batchnorm
            relu
            maxpool 2
            conv 6 3x3 pad=same bias=false
            batchnorm
            relu
            avgpool 2
            flatten
            dropout 0.5
            dense 5
            """;

    @Test
    void batchNormStatisticsAndPoolingSurviveTheRoundTrip() throws IOException {
        assumeTrue(LayerSpecs.keywords().containsAll(List.of("batchnorm", "maxpool", "avgpool", "dropout")),
                "these layers are not available in this build");
        Graph model = LayerSpecs.parse(SPEC, "test", null).build(11);
        // a few training-mode passes move the running statistics away from their initial values
        for (int i = 0; i < 3; i++) model.forward(ModelFileTest.randomBatch(6, model.inputShape(), 100 + i), true);
        Layer bn = model.layer(1);
        float[] state = bn.state();
        assertFalse(Arrays.equals(state, LayerSpecs.parse(SPEC, "test", null).build(11).layer(1).state()),
                "training passes should have changed the running statistics");

        Path f = dir.resolve("bn.striate");
        ModelFile.save(model, f);
        Graph loaded = ModelFile.load(f);
        assertArrayEquals(ModelFileTest.bits(model.params(), model.paramCount()), ModelFileTest.bits(loaded.params(), loaded.paramCount()));
        for (int i = 0; i < model.layers().size(); i++) {
            float[] s = model.layer(i).state();
            assertArrayEquals(ModelFileTest.bits(s, s.length), ModelFileTest.bits(loaded.layer(i).state(), s.length));
        }
        Tensor x = ModelFileTest.randomBatch(4, model.inputShape(), 7);
        Tensor a = model.forward(x.copy(), false).copy(), b = loaded.forward(x.copy(), false);
        assertArrayEquals(ModelFileTest.bits(a.data, a.size()), ModelFileTest.bits(b.data, b.size()));

        // every truncation of this larger file is refused too
        byte[] all = java.nio.file.Files.readAllBytes(f);
        Path cut = dir.resolve("cut.striate");
        for (int n = 0; n < all.length; n += 3) {
            java.nio.file.Files.write(cut, Arrays.copyOf(all, n));
            ModelFileTest.expectBad(cut);
        }

        // without the STAT section the statistics would be the initial ones and predictions would differ
        Graph fresh = LayerSpecs.parse(SPEC, "test", null).build(11);
        System.arraycopy(model.params(), 0, fresh.params(), 0, model.paramCount());
        Tensor c = fresh.forward(x.copy(), false);
        assertFalse(Arrays.equals(ModelFileTest.bits(a.data, a.size()), ModelFileTest.bits(c.data, c.size())));
    }

    static List<String> zoo() { return Zoo.names(); }

    @ParameterizedTest
    @MethodSource("zoo")
    void everyBuiltInModelRoundTripsBitIdentically(String name) throws IOException {
        Graph built;
        try {
            built = Zoo.build(name, 5);
        } catch (org.striate.nn.SpecException e) {
            // the zoo's own problem, covered by its tests; the model file cannot be checked without a model
            org.junit.jupiter.api.Assumptions.abort("zoo model " + name + " does not build: " + e.getMessage());
            return;
        }
        Graph model = built.classNames(org.striate.data.MnistFiles.FASHION_MNIST_CLASSES)
                .normalization(new float[] {0.2860f}, new float[] {0.3530f});
        Path f = dir.resolve(name + ModelFile.EXTENSION);
        ModelFile.save(model, f);
        Graph loaded = ModelFile.load(f);
        assertEquals(model.spec(), loaded.spec());
        assertArrayEquals(model.classNames(), loaded.classNames());
        assertArrayEquals(ModelFileTest.bits(model.params(), model.paramCount()), ModelFileTest.bits(loaded.params(), loaded.paramCount()));
        Tensor x = ModelFileTest.randomBatch(2, model.inputShape(), 9);
        Tensor a = model.forward(x.copy(), false).copy(), b = loaded.forward(x.copy(), false);
        assertArrayEquals(ModelFileTest.bits(a.data, a.size()), ModelFileTest.bits(b.data, b.size()));
    }

    /** BlurPool2d has no weights; the file keeps it through the architecture text, with its stride and size. */
    @Test
    void aModelWithBlurPoolRoundTrips() throws IOException {
        String spec = "input 1x12x12\nconv 4 3x3 pad=same\nrelu\nmaxpool 2 stride=1\nblurpool size=5\nconv 4 3x3 pad=same\nblurpool stride=3\nflatten\ndense 3\n";
        Graph model = LayerSpecs.parse(spec, "test", null).build(13);
        Path f = dir.resolve("blur" + ModelFile.EXTENSION);
        ModelFile.save(model, f);
        Graph loaded = ModelFile.load(f);
        assertEquals(spec, loaded.spec());
        assertEquals("BlurPool2d", loaded.layer(3).type());
        Tensor x = ModelFileTest.randomBatch(2, model.inputShape(), 3);
        Tensor a = model.forward(x.copy(), false).copy(), b = loaded.forward(x.copy(), false);
        assertArrayEquals(ModelFileTest.bits(a.data, a.size()), ModelFileTest.bits(b.data, b.size()));
    }
}
