package org.striate.nn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.striate.StriateException;

/**
 * The architecture text format, one layer per line, the inverse of {@link Layer#spec()}:
 * <pre>
 * input 1x28x28
 * conv 32 3x3 pad=same
 * relu
 * maxpool 2
 * flatten
 * dense 10
 * </pre>
 * Blank lines and text after '#' are ignored. Each line is a keyword, positional arguments, then
 * key=value options. Sizes are N or NxM (NxMxL for conv3d). Errors name the source and line number
 * and say what would be valid; a shape that cannot work is reported with the line of the layer.
 * <pre>
 * conv FILTERS KxK [stride=S] [pad=P|same] [dilation=D] [groups=G] [bias=false]
 * conv1d FILTERS K [stride=S] [pad=P|same] [dilation=D] [groups=G] [bias=false]    (C, L) input
 * conv3d FILTERS KxKxK [stride=S] [pad=P|same] [bias=false]                        (C, D, H, W) input
 * lc FILTERS KxK [stride=S] [pad=P|same] [bias=false]      locally connected: no parameter sharing
 * dense UNITS [bias=false]
 * maxpool K [stride=S] [pad=P]     also minpool, avgpool; the stride defaults to K
 * gap                              global average pooling (C, H, W) → (C,)
 * relu | leakyrelu [alpha=0.01] | sigmoid | tanh | softmax
 * dropout RATE                     inverted dropout, identity in evaluation
 * batchnorm [momentum=0.1] [eps=1e-5]
 * flatten
 * </pre>
 */
public final class LayerSpecs {
    private LayerSpecs() {}

    /** One parsed line: keyword, positional words, options; helpers convert and report errors. */
    public static final class Line {
        public final String source;
        public final int number;
        public final String keyword;
        public final List<String> args = new ArrayList<>();
        public final Map<String, String> options = new LinkedHashMap<>();
        private final java.util.Set<String> used = new java.util.HashSet<>();

        Line(String source, int number, String text) {
            this.source = source;
            this.number = number;
            String[] words = text.trim().split("\\s+");
            this.keyword = words[0].toLowerCase();
            for (int i = 1; i < words.length; i++) {
                int eq = words[i].indexOf('=');
                if (eq > 0) options.put(words[i].substring(0, eq).toLowerCase(), words[i].substring(eq + 1));
                else if (options.isEmpty()) args.add(words[i]);
                else throw error("positional argument '" + words[i] + "' after options; put options (key=value) last");
            }
        }

        public SpecException error(String what) { return error(what, null); }

        /** "SOURCE line N ('keyword'): what." — the message of every error about this line. */
        public SpecException error(String what, Throwable cause) {
            return new SpecException(source + " line " + number + " ('" + keyword + "'): " + what + (what.endsWith(".") ? "" : "."), cause);
        }

        public int argCount() { return args.size(); }

        public void expectArgs(int min, int max, String usage) {
            if (args.size() < min || args.size() > max) throw error("expected " + usage + ", received " + args.size() + " argument(s)");
        }

        /** A positive integer, positional. */
        public int intArg(int i, String what) { return positive(args.get(i), what); }

        /** "3" or "3x5" → {3,3} or {3,5}. */
        public int[] pairArg(int i, String what) { return pair(args.get(i), what); }

        /** "3" or "3x3x5" → {3,3,3} or {3,3,5}. */
        public int[] tripleArg(int i, String what) { return triple(args.get(i), what, false); }

        /** A number, positional, e.g. the rate of 'dropout 0.5'. */
        public float floatArg(int i, String what) {
            try { return Float.parseFloat(args.get(i)); } catch (NumberFormatException e) { throw error(what + " must be a number, received '" + args.get(i) + "'"); }
        }

        public String option(String key) { used.add(key); return options.get(key); }

        public int intOption(String key, int dflt, boolean allowZero) {
            String v = option(key);
            if (v == null) return dflt;
            int n = parseInt(v, key);
            if (n < (allowZero ? 0 : 1)) throw error(key + "=" + v + " must be " + (allowZero ? ">= 0" : "> 0"));
            return n;
        }

        public float floatOption(String key, float dflt) {
            String v = option(key);
            if (v == null) return dflt;
            try { return Float.parseFloat(v); } catch (NumberFormatException e) { throw error(key + "=" + v + " is not a number"); }
        }

        public boolean boolOption(String key, boolean dflt) {
            String v = option(key);
            if (v == null) return dflt;
            if (v.equalsIgnoreCase("true")) return true;
            if (v.equalsIgnoreCase("false")) return false;
            throw error(key + "=" + v + " must be true or false");
        }

        public int[] pairOption(String key, int[] dflt, boolean allowZero) {
            String v = option(key);
            if (v == null) return dflt;
            String[] p = v.toLowerCase().split("x", -1);
            if (p.length < 1 || p.length > 2) throw error(key + "=" + v + " must be N or NxM");
            int a = parseInt(p[0], key), b = p.length == 2 ? parseInt(p[1], key) : a;
            if (a < (allowZero ? 0 : 1) || b < (allowZero ? 0 : 1)) throw error(key + "=" + v + " must be " + (allowZero ? ">= 0" : "> 0"));
            return new int[] {a, b};
        }

        /** "2" or "1x2x2" as a triple; {@code dflt} when the option is absent. */
        public int[] tripleOption(String key, int[] dflt, boolean allowZero) {
            String v = option(key);
            return v == null ? dflt : triple(v, key, allowZero);
        }

        /** Fails on any option no builder asked for, so a typo is never silently ignored. */
        public void checkAllOptionsUsed() {
            for (String k : options.keySet()) {
                if (!used.contains(k)) throw error("unknown option '" + k + "'");
            }
        }

        int positive(String s, String what) {
            int n = parseInt(s, what);
            if (n <= 0) throw error(what + " must be > 0, received " + s);
            return n;
        }

        int[] pair(String s, String what) {
            String[] p = s.toLowerCase().split("x", -1);
            if (p.length < 1 || p.length > 2) throw error(what + " must be N or NxM, received " + s);
            return new int[] {positive(p[0], what), p.length == 2 ? positive(p[1], what) : positive(p[0], what)};
        }

        int[] triple(String s, String what, boolean allowZero) {
            String[] p = s.toLowerCase().split("x", -1);
            if (p.length != 1 && p.length != 3) throw error(what + " must be N or NxNxN, received " + s);
            int[] t = new int[3];
            for (int i = 0; i < 3; i++) {
                t[i] = parseInt(p[p.length == 1 ? 0 : i], what);
                if (t[i] < (allowZero ? 0 : 1)) throw error(what + "=" + s + " must be " + (allowZero ? ">= 0" : "> 0"));
            }
            return t;
        }

        private int parseInt(String s, String what) {
            try { return Integer.parseInt(s); } catch (NumberFormatException e) { throw error(what + " must be a whole number, received '" + s + "'"); }
        }
    }

    private static final Map<String, Function<Line, Layer>> FACTORIES = new HashMap<>();

    /** Registers a keyword; each layer family adds its own here. */
    static void register(String keyword, Function<Line, Layer> factory) { FACTORIES.put(keyword, factory); }

    static {
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
        register("avgpool", l -> pool(l, AvgPool2d::new));
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
    }

    private static boolean isSame(Line l) {
        String pad = l.options.get("pad");
        if (!"same".equalsIgnoreCase(pad)) return false;
        l.option("pad");
        return true;
    }

    /** 'maxpool K [stride=S] [pad=P]': the stride defaults to the window size. */
    private static Layer pool(Line l, BiFunction<Integer, Integer, Pool2d> make) {
        l.expectArgs(1, 1, "'" + l.keyword + " K [stride=S] [pad=P]', e.g. '" + l.keyword + " 2'");
        int[] k = l.pairArg(0, "pool size");
        Pool2d p = make.apply(k[0], k[1]);
        int[] s = l.pairOption("stride", null, false);
        if (s != null) p.stride(s[0], s[1]);
        int[] pad = l.pairOption("pad", new int[] {0, 0}, true);
        return p.padding(pad[0], pad[1]);
    }

    /**
     * Infers every shape once, as building the model will, so that an impossible shape is reported
     * with the spec line that made it. Layers get the names the model will give them
     * (type_k, counted per type) for the message, and lose them again afterwards.
     */
    private static void checkShapes(int[] input, List<Layer> layers, List<Line> lines) {
        int[] shape = input;
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String stem = layer.type().toLowerCase();
            boolean autoName = !layer.hasName();
            if (autoName) layer.named(stem + "_" + counts.merge(stem, 1, Integer::sum));
            try {
                shape = layer.build(shape);
            } catch (StriateException e) {
                throw lines.get(i).error(e.getMessage(), e);
            } finally {
                if (autoName) layer.named(null);
            }
        }
    }

    /** Known keywords, sorted, for error messages and --help. */
    public static List<String> keywords() {
        List<String> k = new ArrayList<>(FACTORIES.keySet());
        k.add("input");
        k.sort(null);
        return k;
    }

    /** Parses a whole spec; an "input CxHxW" line is required unless {@code defaultInput} is given. */
    public static Sequential.Builder parse(String text, String source, int[] defaultInput) {
        int[] input = defaultInput;
        List<Layer> layers = new ArrayList<>();
        List<Line> layerLines = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i];
            int hash = t.indexOf('#');
            if (hash >= 0) t = t.substring(0, hash);
            if (t.isBlank()) continue;
            Line line = new Line(source, i + 1, t);
            if (line.keyword.equals("input")) {
                line.expectArgs(1, 1, "'input CxHxW', e.g. 'input 1x28x28'");
                String[] p = line.args.get(0).toLowerCase().split("x", -1);
                input = new int[p.length];
                for (int j = 0; j < p.length; j++) input[j] = line.positive(p[j], "input size");
                continue;
            }
            Function<Line, Layer> f = FACTORIES.get(line.keyword);
            if (f == null) throw line.error("unknown layer; known layers are " + String.join(", ", keywords()));
            Layer layer;
            try {
                layer = f.apply(line);
            } catch (SpecException e) {
                throw e;
            } catch (StriateException e) {
                throw line.error(e.getMessage(), e);
            }
            line.checkAllOptionsUsed();
            layers.add(layer);
            layerLines.add(line);
        }
        if (input == null) throw new SpecException(source + ": no 'input CxHxW' line; add one first, e.g. 'input 1x28x28'.");
        if (layers.isEmpty()) throw new SpecException(source + ": no layers; write one layer per line, e.g. 'conv 32 3x3 pad=same'.");
        checkShapes(input, layers, layerLines);
        Sequential.Builder b = Sequential.builder(input);
        for (Layer l : layers) b.add(l);
        return b;
    }
}
