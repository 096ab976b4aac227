package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.io.ModelFile;
import org.striate.nn.Graph;
import org.striate.nn.Layer;
import org.striate.nn.LayerSpecs;
import org.striate.onnx.Onnx;

/** striate train --freeze, --freeze-until and --new-head on an imported ONNX model. */
class FineTuneCommandTest {
    @TempDir
    static Path dir;
    static Path data, onnx;
    static Graph original;

    /** A small trained-elsewhere stand-in: named layers and a normalisation of its own, saved as ONNX. */
    @BeforeAll
    static void model() throws Exception {
        data = TinyData.write(dir.resolve("data"), 256, 64, 4);
        original = LayerSpecs.parse("""
                input 1x28x28
                conv 4 3x3 pad=1 name=conv1
                relu
                maxpool 2
                conv 8 3x3 pad=1 name=conv2
                batchnorm name=bn
                relu
                maxpool 2
                flatten
                dense 16 name=fc1
                relu
                dense 10 name=fc2
                """, "test", null).build(8).normalization(new float[] {0.37f}, new float[] {0.21f});
        onnx = dir.resolve("model.onnx");
        Onnx.save(original, onnx);
        original = Onnx.load(onnx);
    }

    private static float[] paramsOf(Graph g, String name) {
        Layer l = g.layers().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        return Arrays.copyOfRange(g.params(), l.paramOffset(), l.paramOffset() + l.paramCount());
    }

    private static float[] stateOf(Graph g, String name) {
        return g.layers().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow().state();
    }

    private static Cli train(String out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--model", onnx.toString(), "--data", data.toString(), "--epochs", "1",
                "--batch", "32", "--optimizer", "adamw", "--weight-decay", "0.1", "--no-progress", "--out", dir.resolve(out).toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(new String[0]));
    }

    @Test
    void frozenLayersStayBitIdenticalAndTheImportedNormalisationIsKept() throws Exception {
        Cli r = train("frozen.striate", "--freeze", "conv1,bn");
        assertEquals(0, r.code(), r.toString());
        Graph g = ModelFile.load(dir.resolve("frozen.striate"));
        assertArrayEquals(paramsOf(original, "conv1"), paramsOf(g, "conv1"));
        assertArrayEquals(paramsOf(original, "bn"), paramsOf(g, "bn"));
        assertArrayEquals(stateOf(original, "bn"), stateOf(g, "bn"), "a frozen BatchNorm keeps its running statistics");
        for (String trained : new String[] {"conv2", "fc1", "fc2"}) assertFalse(Arrays.equals(paramsOf(original, trained), paramsOf(g, trained)), trained);
        assertArrayEquals(new float[] {0.37f}, g.mean(), "not the data's statistics: the weights were trained on these");
        assertArrayEquals(new float[] {0.21f}, g.std());
    }

    @Test
    void freezeUntilFreezesEveryLayerUpToTheNamedOne() throws Exception {
        Cli r = train("until.striate", "--freeze-until", "fc1");
        assertEquals(0, r.code(), r.toString());
        Graph g = ModelFile.load(dir.resolve("until.striate"));
        for (String frozen : new String[] {"conv1", "conv2", "bn", "fc1"}) assertArrayEquals(paramsOf(original, frozen), paramsOf(g, frozen), frozen);
        assertArrayEquals(stateOf(original, "bn"), stateOf(g, "bn"));
        assertFalse(Arrays.equals(paramsOf(original, "fc2"), paramsOf(g, "fc2")));
    }

    @Test
    void newHeadTakesTheDataClassCount() throws Exception {
        Path four = dir.resolve("four.onnx");
        Graph g4 = LayerSpecs.parse(original.spec().replace("dense 10", "dense 4"), "test", null).build(1);
        Onnx.save(g4, four);
        Cli r = Cli.run("train", "--model", four.toString(), "--data", data.toString(), "--epochs", "1", "--no-progress",
                "--freeze-until", "fc1", "--new-head", "10", "--out", dir.resolve("head.striate").toString());
        assertEquals(0, r.code(), r.toString());
        Graph g = ModelFile.load(dir.resolve("head.striate"));
        assertArrayEquals(new int[] {10}, g.outputShape());
        assertEquals(10, g.classNames().length, "class names from the data");
        assertArrayEquals(paramsOf(g4, "conv2"), paramsOf(g, "conv2"));
    }

    @Test
    void unknownLayerNamesAreOneLineWithAHintAndExitTwo() {
        Cli r = train("never.striate", "--freeze", "conv1,cnv2");
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err().contains("'cnv2'") && r.err().contains("did you mean 'conv2'"), r.err());
        Cli u = train("never.striate", "--freeze-until", "fc3");
        assertEquals(2, u.code(), u.toString());
        assertTrue(u.err().contains("'fc3'") && u.err().contains("conv1, "), u.err());
        Cli all = train("never.striate", "--freeze-until", "fc2");
        assertEquals(2, all.code(), all.toString());
        assertTrue(all.err().contains("frozen"), all.err());
        Cli head = train("never.striate", "--new-head", "1");
        assertEquals(2, head.code(), head.toString());
        assertFalse(Files.exists(dir.resolve("never.striate")));
    }
}
