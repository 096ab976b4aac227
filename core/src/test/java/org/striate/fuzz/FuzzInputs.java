package org.striate.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.striate.StriateException;
import org.striate.nn.Layer;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

/** What the fuzz tests share: a scratch file for readers that take a path, and one forward pass. */
public final class FuzzInputs {
    /** Models larger than this are not run: running them proves nothing a small one does not. */
    private static final long MAX_VALUES = 1 << 22;
    private static Path dir;

    private FuzzInputs() {}

    /** A file named {@code name} in a scratch folder of this JVM, holding {@code bytes}. */
    public static synchronized Path file(String name, byte[] bytes) {
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("striate-fuzz");
                dir.toFile().deleteOnExit();
            }
            Path f = dir.resolve(name);
            Files.write(f, bytes);
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs one zero sample through a model that was read without error, in evaluation mode: a model
     * the reader accepted must either run or be refused with a {@link StriateException}.
     */
    public static void runOneSample(Graph model) {
        long values = model.paramCount();
        for (Layer l : model.layers()) values += size(l.outputShape());
        if (values + size(model.inputShape()) > MAX_VALUES) return;
        int[] in = model.inputShape();
        int[] shape = new int[in.length + 1];
        shape[0] = 1;
        System.arraycopy(in, 0, shape, 1, in.length);
        try {
            model.forward(new Tensor(shape), false);
        } catch (StriateException expected) {
            // a shape the model cannot take is a typed error
        }
    }

    private static long size(int[] shape) {
        long n = 1;
        for (int d : shape) n = Math.min(n * Math.max(d, 0), Long.MAX_VALUE / (1L << 31));
        return n;
    }
}
