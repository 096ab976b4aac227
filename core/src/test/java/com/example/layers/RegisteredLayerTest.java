package com.example.layers;

import org.striate.train.Evaluator;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.io.ModelFile;
import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;
import org.striate.kernels.ScalarKernels;
import org.striate.nn.Graph;
import org.striate.nn.Layer;
import org.striate.nn.LayerRegistry;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Window;
import org.striate.tensor.Tensor;
import org.striate.train.Adam;
import org.striate.train.DataParallel;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;

/**
 * A layer written outside the library, as a user would: registered under a keyword of its own, it
 * appears in specs, trains with the batch split over two threads, and saves and loads bit-identically.
 */
class RegisteredLayerTest {
    private static Kernels previous;

    /** y = a·x with one trainable scale a; "scale [init=1.0]". */
    public static final class Scale extends Layer {
        private final float init;
        private Tensor x, y, dx;

        public Scale(float init) { this.init = init; }

        @Override protected int[] computeOutputShape(int[] in) { return in.clone(); }
        @Override public int paramCount() { return 1; }
        @Override public void initParams(Random rng) { params[offset] = init; }

        @Override
        public Tensor forward(Tensor x, boolean training) {
            checkInput(x);
            this.x = x;
            y = reuse(y, x.batch(), outputShape);
            float a = params[offset];
            for (int i = 0; i < x.size(); i++) y.data[i] = a * x.data[i];
            return y;
        }

        @Override
        public Tensor backward(Tensor dy) {
            double da = 0;
            for (int i = 0; i < dy.size(); i++) da += (double) dy.data[i] * x.data[i];
            grads[offset] += (float) da;
            dx = reuse(dx, dy.batch(), inputShape);
            float a = params[offset];
            for (int i = 0; i < dy.size(); i++) dx.data[i] = a * dy.data[i];
            return dx;
        }

        @Override public Window window() { return Window.ELEMENTWISE; }
        @Override public String spec() { return init == 1f ? "scale" : "scale init=" + init; }
    }

    static final String SPEC = "input 1x6x6\nconv 4 3x3 pad=same\nscale init=0.5\nrelu\nflatten\ndense 2\n";

    @BeforeAll
    static void twoThreads() {
        previous = Kernels.get();
        KernelProvider.use(new ScalarKernels(2));
        LayerRegistry.register("scale", line -> new Scale(line.floatOption("init", 1f)));
    }

    @AfterAll
    static void restore() { KernelProvider.use(previous instanceof ScalarKernels ? new ScalarKernels() : previous); }

    static Dataset stripes(int n) {
        Random r = new Random(5);
        Tensor images = new Tensor(n, 1, 6, 6);
        int[] labels = new int[n];
        for (int s = 0; s < n; s++) {
            labels[s] = s % 2;
            for (int i = 0; i < 36; i++) images.data[s * 36 + i] = r.nextFloat() * 0.2f + ((labels[s] == 0 ? i / 6 : i % 6) == 2 ? 0.8f : 0);
        }
        return new Dataset(images, labels, new String[] {"rows", "columns"});
    }

    @Test
    void aRegisteredLayerTrainsOnTwoThreadsAndRoundTripsThroughTheModelFile(@TempDir Path dir) throws Exception {
        Graph model = LayerSpecs.parse(SPEC, "user.spec", null).build(3);
        assertEquals(2, new DataParallel(model).threads(), "a registered layer copies itself, so the batch is split");
        new Trainer(model, TrainOptions.builder().epochs(2).batchSize(16).optimizer(new Adam(0.01)).seed(1).build()).fit(stripes(64));
        Path file = dir.resolve("user.striate");
        ModelFile.save(model, file);
        Graph loaded = ModelFile.load(file);
        assertEquals(model.spec(), loaded.spec());
        assertArrayEquals(model.params(), loaded.params());
        Tensor x = stripes(8).images();
        assertArrayEquals(Evaluator.predict(model, x).data, Evaluator.predict(loaded, x).data);
        assertArrayEquals(Files.readAllBytes(file), ModelFile.toBytes(loaded));
    }

    @Test
    void builtInKeywordsCannotBeTaken() {
        StriateException e = assertThrows(StriateException.class, () -> LayerRegistry.register("conv", line -> new Scale(1f)));
        assertEquals("'conv' is a built-in layer keyword. Choose another keyword for your layer.", e.getMessage());
        assertThrows(StriateException.class, () -> LayerRegistry.register("9lives", line -> new Scale(1f)));
    }
}
