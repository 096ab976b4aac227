package org.striate.bench;

import org.striate.kernels.KernelProvider;
import org.striate.nn.Graph;
import org.striate.nn.Zoo;

/**
 * Runs the benchmark without the command line:
 * {@code java --add-modules jdk.incubator.vector -cp core/target/classes org.striate.bench.BenchMain
 * fashion-cnn [seconds] [auto|scalar|simd] [threads] [--json]}. Use Java 21 or later for SIMD speed.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) {
        boolean json = false;
        String[] a = new String[4];
        int n = 0;
        for (String arg : args) {
            if (arg.equals("--json")) json = true;
            else if (n < a.length) a[n++] = arg;
        }
        String model = a[0] == null ? "fashion-cnn" : a[0];
        double seconds = a[1] == null ? BenchOptions.defaults().seconds() : Double.parseDouble(a[1]);
        if (a[2] != null) {
            KernelProvider.configure(a[2], a[3] == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(a[3]));
        }
        Graph net = Zoo.build(model, Zoo.defaultInput(model), Zoo.defaultClasses(model), 42);
        BenchResult r = ModelBench.run(model, net, BenchOptions.defaults(net).withSeconds(seconds));
        System.out.println(json ? r.toJson() : r.toText());
    }
}
