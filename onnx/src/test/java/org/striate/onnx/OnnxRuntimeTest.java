package org.striate.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.data.Normalization;
import org.striate.nn.Add;
import org.striate.nn.AvgPool2d;
import org.striate.nn.BatchNorm2d;
import org.striate.nn.BlurPool2d;
import org.striate.nn.Concat;
import org.striate.nn.Conv2d;
import org.striate.nn.ConvTranspose2d;
import org.striate.nn.Dense;
import org.striate.nn.Dropout;
import org.striate.nn.Flatten;
import org.striate.nn.GlobalAvgPool2d;
import org.striate.nn.Graph;
import org.striate.nn.GraphBuilder;
import org.striate.nn.Identity;
import org.striate.nn.Layer;
import org.striate.nn.LeakyReLU;
import org.striate.nn.MaxPool2d;
import org.striate.nn.MinPool2d;
import org.striate.nn.Node;
import org.striate.nn.ReLU;
import org.striate.nn.Sigmoid;
import org.striate.nn.Softmax;
import org.striate.nn.Tanh;
import org.striate.nn.Upsample;
import org.striate.nn.ZeroPad2d;
import org.striate.nn.Zoo;
import org.striate.tensor.Tensor;

/** Striate's exports run in ONNX Runtime (Java) and give Striate's outputs within 1e-4. */
class OnnxRuntimeTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    static float[] runInOrt(byte[] model, Tensor x) throws Exception {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = ENV.createSession(model, o);
                 OnnxTensor in = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x.data, 0, x.size()), toLong(x.shape()));
                 OrtSession.Result r = s.run(Map.of("input", in))) {
                FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[b.remaining()];
                b.get(out);
                return out;
            }
        }
    }

    /** What Striate's loaders feed the model: the input after its normalisation (ONNX has it as nodes). */
    static Tensor normalised(Graph g, Tensor x) {
        Tensor n = x.copy();
        int c = g.inputShape()[0], plane = x.size() / x.batch() / c;
        for (int i = 0; i < x.batch(); i++) Normalization.normalizeSample(x.data, i * c * plane, n.data, i * c * plane, c, plane, g.mean(), g.std());
        return n;
    }

    static long[] toLong(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) l[i] = s[i];
        return l;
    }

    static void assertClose(Graph g, int opset, long seed, String what) throws Exception {
        Tensor x = RoundTripTest.randomInput(g.inputShape(), 2, seed);
        float[] ours = g.forward(normalised(g, x), false).copy().data;
        float[] theirs = runInOrt(Onnx.toBytes(g, opset), x);
        assertTrue(ours.length == theirs.length, what + ": " + ours.length + " vs " + theirs.length + " outputs");
        for (int i = 0; i < ours.length; i++) {
            float tol = 1e-4f * Math.max(1f, Math.abs(ours[i]));
            if (!(Math.abs(ours[i] - theirs[i]) <= tol)) throw new AssertionError(what + " output " + i + ": " + ours[i] + " vs ONNX Runtime " + theirs[i] + "\n" + g.spec());
        }
    }

    @Test
    void everyBuiltInModel() throws Exception {
        for (String name : Zoo.names()) {
            if (name.equals("lc") || name.equals("small-lc")) continue; // no ONNX operator (RoundTripTest checks the error)
            Graph g = Zoo.build(name, 5);
            g.normalization(new float[] {0.3f}, new float[] {0.4f});
            for (Layer l : g.layers()) if (l instanceof BatchNorm2d bn) bn.loadState(randomState(bn.state().length, new Random(9)));
            assertClose(g, name.equals("resnet8") ? 13 : 17, 3, name);
        }
    }

    private static float[] randomState(int n, Random r) {
        float[] s = new float[n];
        for (int i = 0; i < n / 2; i++) s[i] = (float) r.nextGaussian();
        for (int i = n / 2; i < n; i++) s[i] = 0.5f + r.nextFloat();
        return s;
    }

    @Test
    void sixtyRandomGraphs() throws Exception {
        int built = 0;
        for (long seed = 0; built < 60; seed++) {
            Graph g = randomGraph(new Random(seed));
            if (g == null) continue;
            built++;
            assertClose(g, 13 + (int) (seed % 6), seed, "random graph " + seed);
            RoundTripTest.assertSamePredictions(g, Onnx.fromBytes(Onnx.toBytes(g, 17), "random " + seed), seed);
        }
    }

    /** Up to eight random layers over (C, H, W) maps, with skips and joins, then a head; null when the draw cannot work. */
    static Graph randomGraph(Random r) {
        GraphBuilder b = Graph.builder();
        int c0 = 1 + r.nextInt(3);
        List<Node> nodes = new ArrayList<>(List.of(b.input(c0, 8 + r.nextInt(9), 8 + r.nextInt(9))));
        try {
            for (int i = 0, n = 2 + r.nextInt(7); i < n; i++) {
                Node x = nodes.get(nodes.size() - 1 - (nodes.size() > 1 && r.nextInt(4) == 0 ? 1 : 0));
                int c = x.shape()[0];
                Layer l = switch (r.nextInt(16)) {
                    case 0, 1 -> new Conv2d(1 + r.nextInt(6), 1 + r.nextInt(3), 1 + r.nextInt(3)).stride(1 + r.nextInt(2)).padding(r.nextInt(2), r.nextInt(2))
                            .dilation(1 + r.nextInt(2)).bias(r.nextBoolean());
                    case 2 -> new Conv2d(2 * c, 3).padding(1).groups(c);
                    case 3 -> new BatchNorm2d(0.1f + 0.5f * r.nextFloat(), 1e-3f);
                    case 4 -> r.nextBoolean() ? new ReLU() : new LeakyReLU(0.2f);
                    case 5 -> r.nextBoolean() ? new Sigmoid() : new Tanh();
                    case 6 -> new MaxPool2d(2 + r.nextInt(2)).stride(1 + r.nextInt(2)).padding(r.nextInt(2));
                    case 7 -> new AvgPool2d(3).countPadding(r.nextBoolean()).stride(1 + r.nextInt(2)).padding(1);
                    case 8 -> new MinPool2d(2);
                    case 9 -> new ZeroPad2d(r.nextInt(2), r.nextInt(3), r.nextInt(3), r.nextInt(2));
                    case 10 -> new Upsample(2, r.nextBoolean() ? Upsample.Mode.NEAREST : Upsample.Mode.BILINEAR);
                    case 11 -> new ConvTranspose2d(1 + r.nextInt(4), 2 + r.nextInt(2)).stride(1 + r.nextInt(2)).padding(r.nextInt(2));
                    case 12 -> new BlurPool2d();
                    case 13 -> r.nextBoolean() ? new Identity() : new Dropout(0.3f);
                    default -> null;
                };
                if (l != null) { nodes.add(b.add(l, x)); continue; }
                Node y = b.add(new Conv2d(c, 3).padding(1), x);
                nodes.add(b.add(r.nextBoolean() ? new Add() : new Concat(), y, x));
            }
            Node last = nodes.get(nodes.size() - 1);
            Node flat = b.add(r.nextBoolean() ? new Flatten() : new GlobalAvgPool2d(), last);
            Node head = b.add(new Dense(2 + r.nextInt(5)), flat);
            if (r.nextInt(3) == 0) b.add(new Softmax(), head);
            Graph g = b.build(r.nextLong());
            for (Layer l : g.layers()) if (l instanceof BatchNorm2d bn) bn.loadState(randomState(bn.state().length, r));
            if (r.nextBoolean()) g.normalization(new float[] {0.1f * r.nextInt(5)}, new float[] {0.5f + r.nextFloat()});
            return g;
        } catch (StriateException e) {
            return null; // shapes that do not work (a pool larger than the map): draw again
        }
    }

    @Test
    void exportsHaveADynamicBatch() throws Exception {
        Graph g = Zoo.build("lenet5", 1);
        byte[] onnx = Onnx.toBytes(g, 17);
        for (int n : new int[] {1, 5}) {
            Tensor x = RoundTripTest.randomInput(g.inputShape(), n, n);
            assertArrayEquals(g.forward(x, false).copy().data, runInOrt(onnx, x), 1e-4f);
        }
    }
}
