package org.striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.tensor.Tensor;

/** Building graphs with the functional builder and the spec format, and what each refuses. */
class GraphTest {

    static Tensor random(Random rng, int... shape) {
        Tensor x = new Tensor(shape);
        for (int i = 0; i < x.size(); i++) x.data[i] = (float) rng.nextGaussian();
        return x;
    }

    @Test
    void aResidualBlockAddsItsShortcut() {
        GraphBuilder g = Graph.builder();
        Node x = g.input(2, 6, 6);
        Node c = g.add(new Conv2d(2, 3).padding(Conv2d.SAME), x);
        Node sum = g.add(new Add(), c, x);
        Graph model = g.build(3);
        assertEquals(sum.name(), model.nodes().get(2).name());
        Tensor in = random(new Random(1), 3, 2, 6, 6);
        Tensor conv = model.layer(0).forward(in, false).copy();
        Tensor y = model.forward(in, false);
        for (int i = 0; i < y.size(); i++) assertEquals(conv.data[i] + in.data[i], y.data[i], 1e-6);
        assertFalse(model.isChain());
    }

    @Test
    void aTensorReadByTwoNodesGetsTheSumOfTheirGradients() {
        GraphBuilder g = Graph.builder();
        Node x = g.input(3);
        Node a = g.add(new Identity(), x);
        g.add(new Add(), a, a);            // y = 2a: dy/da = 2
        Graph model = g.build(1);
        Tensor in = Tensor.of(new float[] {1, 2, 3}, 1, 3);
        model.forward(in, true);
        Tensor dx = model.backward(Tensor.of(new float[] {1, -1, 0.5f}, 1, 3));
        assertArrayEquals(new float[] {2, -2, 1}, dx.data);
    }

    @Test
    void concatJoinsChannelsAndSplitsTheGradient() {
        GraphBuilder g = Graph.builder();
        Node x = g.input(1, 2, 2);
        Node up = g.add(new Upsample(1), x);
        g.add(new Concat(), x, up, x);
        Graph model = g.build(1);
        assertArrayEquals(new int[] {3, 2, 2}, model.outputShape());
        Tensor in = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 1, 2, 2);
        Tensor y = model.forward(in, true);
        assertArrayEquals(new float[] {1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 5, 6, 7, 8, 5, 6, 7, 8}, java.util.Arrays.copyOf(y.data, 24));
        Tensor dy = new Tensor(2, 3, 2, 2);
        for (int i = 0; i < dy.size(); i++) dy.data[i] = i;
        Tensor dx = model.backward(dy);
        // each input cell receives its three copies' gradients
        assertEquals(0 + 4 + 8, dx.data[0], 0);
        assertEquals(15 + 19 + 23, dx.data[7], 0);
    }

    @Test
    void impossibleGraphsFailAtBuildTimeNamingTheNode() {
        GraphBuilder g = Graph.builder();
        Node x = g.input(1, 8, 8);
        Node c = g.add(new Conv2d(4, 3).named("wide"), x);
        StriateException add = assertThrows(StriateException.class, () -> g.add(new Add().named("join"), c, x));
        assertTrue(add.getMessage().contains("'join'") && add.getMessage().contains("(4, 6, 6)") && add.getMessage().contains("(1, 8, 8)"), add.getMessage());

        GraphBuilder h = Graph.builder();
        Node in = h.input(1, 8, 8);
        h.add(new Conv2d(2, 3).named("unused"), in);
        h.add(new Flatten(), in);
        StriateException dangling = assertThrows(StriateException.class, () -> h.build(1));
        assertTrue(dangling.getMessage().contains("'unused'") && dangling.getMessage().contains("does not lead to the output"), dangling.getMessage());

        GraphBuilder other = Graph.builder();
        Node foreign = other.input(1, 8, 8);
        StriateException wrongGraph = assertThrows(StriateException.class, () -> h.add(new ReLU().named("r"), foreign));
        assertTrue(wrongGraph.getMessage().contains("'r'") && wrongGraph.getMessage().contains("not a node of this graph"), wrongGraph.getMessage());

        StriateException one = assertThrows(StriateException.class, () -> h.add(new Add().named("lonely"), in));
        assertTrue(one.getMessage().contains("'lonely'") && one.getMessage().contains("2 or more inputs"), one.getMessage());
        Conv2d used = new Conv2d(1, 1);
        h.add(used, in);
        assertThrows(StriateException.class, () -> h.add(used, in));
    }

    @Test
    void specGraphsNameNodesAndReadEarlierOnes() {
        String spec = """
                input 8x6x6
                conv 8 3x3 pad=same name=c1
                relu name=r1
                conv 8 3x3 pad=same name=c2
                add in=r1,c2
                """;
        Graph model = LayerSpecs.parse(spec, "block.spec", null).build(2);
        assertEquals("add_1", model.layer(3).name());
        assertEquals(java.util.List.of("r1", "c2"), model.nodeOf(3).inputs().stream().map(Node::name).toList());
        Graph again = LayerSpecs.parse(model.spec(), "again", null).build(2);
        assertEquals(model.spec(), again.spec());
        assertTrue(model.spec().contains("add in=r1,c2"), model.spec());

        SpecException forward = assertThrows(SpecException.class, () -> LayerSpecs.parse("""
                input 1x4x4
                relu name=a
                add in=a,b
                relu name=b
                """, "cycle.spec", null));
        assertTrue(forward.getMessage().contains("cycle.spec line 3") && forward.getMessage().contains("'b', which no line above defines"), forward.getMessage());
        SpecException mismatch = assertThrows(SpecException.class, () -> LayerSpecs.parse("input 1x4x4\nconv 2 3x3\nadd in=input,conv2d_1\n", "m.spec", null));
        assertTrue(mismatch.getMessage().contains("m.spec line 3") && mismatch.getMessage().contains("one shape"), mismatch.getMessage());
        SpecException dangling = assertThrows(SpecException.class, () -> LayerSpecs.parse("input 1x4x4\nrelu name=x\nflatten in=input\n", "d.spec", null));
        assertTrue(dangling.getMessage().contains("'x'"), dangling.getMessage());
    }

    @Test
    void plainStacksWriteTheirSpecAsBefore() {
        Graph m = Zoo.build("fashion-cnn", 1);
        assertTrue(m.isChain());
        assertFalse(m.spec().contains("name=") || m.spec().contains("in="), m.spec());
    }

    @Test
    void residualAndUNetModelsBuildWithTheExpectedShapes() {
        Graph resnet = Zoo.build("resnet8", 1);
        assertArrayEquals(new int[] {10}, resnet.outputShape());
        assertEquals(3, resnet.layers().stream().filter(l -> l instanceof Add).count());
        Graph unet = Zoo.build("unet-small", new int[] {1, 16, 16}, 3, 1);
        assertArrayEquals(new int[] {3, 16, 16}, unet.outputShape());
        assertEquals(2, unet.layers().stream().filter(l -> l instanceof Concat).count());
        assertEquals(2, unet.layers().stream().filter(l -> l instanceof ConvTranspose2d).count());
    }
}
