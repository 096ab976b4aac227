package org.striate.nn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
 * key=value options. Errors name the source and line number and say what would be valid.
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

        public SpecException error(String what) {
            return new SpecException(source + " line " + number + " ('" + keyword + "'): " + what + ".");
        }

        public int argCount() { return args.size(); }

        public void expectArgs(int min, int max, String usage) {
            if (args.size() < min || args.size() > max) throw error("expected " + usage + ", received " + args.size() + " argument(s)");
        }

        /** A positive integer, positional. */
        public int intArg(int i, String what) { return positive(args.get(i), what); }

        /** "3" or "3x5" → {3,3} or {3,5}. */
        public int[] pairArg(int i, String what) { return pair(args.get(i), what); }

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
            String[] p = v.toLowerCase().split("x");
            if (p.length < 1 || p.length > 2) throw error(key + "=" + v + " must be N or NxM");
            int a = parseInt(p[0], key), b = p.length == 2 ? parseInt(p[1], key) : a;
            if (a < (allowZero ? 0 : 1) || b < (allowZero ? 0 : 1)) throw error(key + "=" + v + " must be " + (allowZero ? ">= 0" : "> 0"));
            return new int[] {a, b};
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
            String[] p = s.toLowerCase().split("x");
            if (p.length < 1 || p.length > 2) throw error(what + " must be N or NxM, received " + s);
            return new int[] {positive(p[0], what), p.length == 2 ? positive(p[1], what) : positive(p[0], what)};
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
        register("blurpool", BlurPool2d::fromSpec);
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
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i];
            int hash = t.indexOf('#');
            if (hash >= 0) t = t.substring(0, hash);
            if (t.isBlank()) continue;
            Line line = new Line(source, i + 1, t);
            if (line.keyword.equals("input")) {
                line.expectArgs(1, 1, "'input CxHxW', e.g. 'input 1x28x28'");
                String[] p = line.args.get(0).toLowerCase().split("x");
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
            } catch (org.striate.StriateException e) {
                throw line.error(e.getMessage());
            }
            line.checkAllOptionsUsed();
            layers.add(layer);
        }
        if (input == null) throw new SpecException(source + ": no 'input CxHxW' line; add one first, e.g. 'input 1x28x28'.");
        if (layers.isEmpty()) throw new SpecException(source + ": no layers; write one layer per line, e.g. 'conv 32 3x3 pad=same'.");
        Sequential.Builder b = Sequential.builder(input);
        for (Layer l : layers) b.add(l);
        return b;
    }
}
