package org.striate.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.striate.StriateException;

/**
 * The spec keywords and the layers they make. Every built-in layer registers here; a user's own layer
 * can too, which lets it appear in spec files, be saved in and loaded from model files, and be
 * copied for each thread of a split batch ({@link Layer#copy()} reads its spec line back here):
 * <pre>{@code
 * LayerRegistry.register("scale", line -> new Scale(line.floatOption("factor", 1f)));
 * }</pre>
 * The layer's {@link Layer#spec()} must then write a line that this factory reads back.
 */
public final class LayerRegistry {
    private LayerRegistry() {}

    private static final Map<String, Function<LayerSpecs.Line, Layer>> FACTORIES = new ConcurrentHashMap<>();
    private static final Set<String> BUILT_IN = ConcurrentHashMap.newKeySet();
    private static boolean builtIn;

    /**
     * Registers {@code keyword} (letters, digits, '-' and '_') for a layer of the user's own. A
     * built-in keyword cannot be taken; registering a user keyword again replaces its factory.
     */
    public static void register(String keyword, Function<LayerSpecs.Line, Layer> factory) {
        String k = keyword == null ? "" : keyword.toLowerCase();
        if (!k.matches("[a-z][a-z0-9_-]*")) {
            throw new StriateException("Invalid layer keyword '" + keyword + "'. Expected a letter, then letters, digits, '-' or '_'.");
        }
        if (k.equals("input")) throw new StriateException("'input' is the spec format's input line, not a layer keyword.");
        if (builtIn) BUILT_IN.add(k);
        else if (BUILT_IN.contains(k)) throw new StriateException("'" + k + "' is a built-in layer keyword. Choose another keyword for your layer.");
        FACTORIES.put(k, factory);
    }

    public static boolean has(String keyword) { return FACTORIES.containsKey(keyword.toLowerCase()); }

    /** Known keywords, sorted, for error messages and --help ("input" included). */
    public static List<String> keywords() {
        List<String> k = new ArrayList<>(FACTORIES.keySet());
        k.add("input");
        k.sort(null);
        return k;
    }

    static Function<LayerSpecs.Line, Layer> factory(String keyword) { return FACTORIES.get(keyword); }

    /** The layer one spec line describes, or null when the line does not parse. */
    static Layer tryParse(String specLine) {
        try {
            LayerSpecs.Line line = new LayerSpecs.Line("copy", 1, specLine);
            Function<LayerSpecs.Line, Layer> f = FACTORIES.get(line.keyword);
            if (f == null) return null;
            Layer layer = f.apply(line);
            line.checkAllOptionsUsed();
            return layer;
        } catch (StriateException e) {
            return null;
        }
    }

    static {
        builtIn = true;
        register("conv", l -> {
            l.expectArgs(2, 2, "'conv FILTERS KxK [stride=S] [pad=P|same] [dilation=D] [groups=G] [bias=false]'");
            int[] k = l.pairArg(1, "kernel");
            Conv2d c = new Conv2d(l.intArg(0, "filters"), k[0], k[1]);
            int[] s = l.pairOption("stride", new int[] {1, 1}, false);
            c.stride(s[0], s[1]);
            String pad = l.option("pad");
            if ("same".equalsIgnoreCase(pad)) c.padding(Conv2d.SAME);
            else { int[] p = l.pairOption("pad", new int[] {0, 0}, true); c.padding(p[0], p[1]); }
            int[] d = l.pairOption("dilation", new int[] {1, 1}, false);
            c.dilation(d[0], d[1]);
            c.groups(l.intOption("groups", 1, false));
            c.bias(l.boolOption("bias", true));
            return c;
        });
        register("dense", l -> {
            l.expectArgs(1, 1, "'dense UNITS [bias=false]'");
            return new Dense(l.intArg(0, "units")).bias(l.boolOption("bias", true));
        });
        register("relu", l -> { l.expectArgs(0, 0, "'relu' with no arguments"); return new ReLU(); });
        register("flatten", l -> { l.expectArgs(0, 0, "'flatten' with no arguments"); return new Flatten(); });
        register("maxpool", l -> pool(l, MaxPool2d::new));
        register("minpool", l -> pool(l, MinPool2d::new));
        register("avgpool", l -> ((AvgPool2d) pool(l, AvgPool2d::new)).countPadding(l.boolOption("count_pad", false)));
        register("gap", l -> { l.expectArgs(0, 0, "'gap' with no arguments"); return new GlobalAvgPool2d(); });
        register("leakyrelu", l -> {
            l.expectArgs(0, 0, "'leakyrelu [alpha=0.01]'");
            return new LeakyReLU(l.floatOption("alpha", LeakyReLU.DEFAULT_ALPHA));
        });
        register("sigmoid", l -> { l.expectArgs(0, 0, "'sigmoid' with no arguments"); return new Sigmoid(); });
        register("tanh", l -> { l.expectArgs(0, 0, "'tanh' with no arguments"); return new Tanh(); });
        register("softmax", l -> { l.expectArgs(0, 0, "'softmax' with no arguments"); return new Softmax(); });
        register("dropout", l -> { l.expectArgs(1, 1, "'dropout RATE', e.g. 'dropout 0.5'"); return new Dropout(l.floatArg(0, "rate")); });
        register("batchnorm", l -> {
            l.expectArgs(0, 0, "'batchnorm [momentum=0.1] [eps=1e-5]'");
            return new BatchNorm2d(l.floatOption("momentum", BatchNorm2d.DEFAULT_MOMENTUM), l.floatOption("eps", BatchNorm2d.DEFAULT_EPS));
        });
        register("affine", l -> { l.expectArgs(0, 0, "'affine' with no arguments"); return new ChannelAffine(); });
        register("lc", l -> {
            l.expectArgs(2, 2, "'lc FILTERS KxK [stride=S] [pad=P|same] [bias=false]'");
            int[] k = l.pairArg(1, "kernel");
            LocallyConnected2d c = new LocallyConnected2d(l.intArg(0, "filters"), k[0], k[1]);
            int[] s = l.pairOption("stride", new int[] {1, 1}, false);
            c.stride(s[0], s[1]);
            if (isSame(l)) c.padding(Conv2d.SAME);
            else { int[] p = l.pairOption("pad", new int[] {0, 0}, true); c.padding(p[0], p[1]); }
            return c.bias(l.boolOption("bias", true));
        });
        register("conv1d", l -> {
            l.expectArgs(2, 2, "'conv1d FILTERS K [stride=S] [pad=P|same] [dilation=D] [groups=G] [bias=false]'");
            Conv1d c = new Conv1d(l.intArg(0, "filters"), l.intArg(1, "kernel"));
            c.stride(l.intOption("stride", 1, false));
            c.padding(isSame(l) ? Conv2d.SAME : l.intOption("pad", 0, true));
            c.dilation(l.intOption("dilation", 1, false));
            c.groups(l.intOption("groups", 1, false));
            return c.bias(l.boolOption("bias", true));
        });
        register("conv3d", l -> {
            l.expectArgs(2, 2, "'conv3d FILTERS KxKxK [stride=S|SxSxS] [pad=P|PxPxP|same] [bias=false]'");
            int[] k = l.tripleArg(1, "kernel");
            Conv3d c = new Conv3d(l.intArg(0, "filters"), k[0], k[1], k[2]);
            int[] s = l.tripleOption("stride", new int[] {1, 1, 1}, false);
            c.stride(s[0], s[1], s[2]);
            if (isSame(l)) c.padding(Conv2d.SAME);
            else { int[] p = l.tripleOption("pad", new int[] {0, 0, 0}, true); c.padding(p[0], p[1], p[2]); }
            return c.bias(l.boolOption("bias", true));
        });
        register("blurpool", BlurPool2d::fromSpec);
        GraphLayers.register();
        builtIn = false;
    }

    private static boolean isSame(LayerSpecs.Line l) {
        String pad = l.options.get("pad");
        if (!"same".equalsIgnoreCase(pad)) return false;
        l.option("pad");
        return true;
    }

    /** 'maxpool K [stride=S] [pad=P]': the stride defaults to the window size. */
    private static Layer pool(LayerSpecs.Line l, BiFunction<Integer, Integer, Pool2d> make) {
        l.expectArgs(1, 1, "'" + l.keyword + " K [stride=S] [pad=P]', e.g. '" + l.keyword + " 2'");
        int[] k = l.pairArg(0, "pool size");
        Pool2d p = make.apply(k[0], k[1]);
        int[] s = l.pairOption("stride", null, false);
        if (s != null) p.stride(s[0], s[1]);
        int[] pad = l.pairOption("pad", new int[] {0, 0}, true);
        return p.padding(pad[0], pad[1]);
    }

}
