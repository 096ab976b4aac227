package org.striate.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.striate.StriateException;
import org.striate.tensor.Shapes;

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
 * affine                           y = x·scale[c] + shift[c] per channel (what BatchNorm is at inference)
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

    /** Known keywords, sorted, for error messages and --help. */
    public static List<String> keywords() { return LayerRegistry.keywords(); }

    /**
     * Parses a whole spec into a graph builder; an "input CxHxW" line is required unless
     * {@code defaultInput} is given. A line reads the line above it unless it says {@code in=a,b};
     * {@code name=} names its node (else "type_k", counted per type).
     */
    public static GraphBuilder parse(String text, String source, int[] defaultInput) {
        List<Line> layerLines = new ArrayList<>();
        Line inputLine = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i];
            int hash = t.indexOf('#');
            if (hash >= 0) t = t.substring(0, hash);
            if (t.isBlank()) continue;
            Line line = new Line(source, i + 1, t);
            if (!line.keyword.equals("input")) {
                layerLines.add(line);
            } else if (inputLine != null) {
                throw line.error("a second 'input' line; a model takes one input (the first is on line " + inputLine.number + ")");
            } else if (!layerLines.isEmpty()) {
                throw line.error("the 'input' line must come before the layers");
            } else {
                inputLine = line;
            }
        }
        int[] input = defaultInput;
        if (inputLine != null) {
            inputLine.expectArgs(1, 1, "'input CxHxW', e.g. 'input 1x28x28'");
            String[] p = inputLine.args.get(0).toLowerCase().split("x", -1);
            input = new int[p.length];
            for (int j = 0; j < p.length; j++) input[j] = inputLine.positive(p[j], "input size");
        }
        if (input == null) throw new SpecException(source + ": no 'input CxHxW' line; add one first, e.g. 'input 1x28x28'.");
        if (layerLines.isEmpty()) throw new SpecException(source + ": no layers; write one layer per line, e.g. 'conv 32 3x3 pad=same'.");
        GraphBuilder g = Graph.builder();
        Node last = g.input(input);
        for (Line line : layerLines) last = addNode(g, line, last);
        try {
            g.checkedNodes();
        } catch (StriateException e) {
            throw new SpecException(source + ": " + e.getMessage(), e);
        }
        return g;
    }

    private static Node addNode(GraphBuilder g, Line line, Node previous) {
        Function<Line, Layer> f = LayerRegistry.factory(line.keyword);
        if (f == null) throw line.error("unknown layer; known layers are " + String.join(", ", keywords()));
        String name = line.option("name");
        String in = line.option("in");
        Layer layer;
        try {
            layer = f.apply(line);
        } catch (SpecException e) {
            throw e;
        } catch (StriateException e) {
            throw line.error(e.getMessage(), e);
        }
        line.checkAllOptionsUsed();
        if (name != null) {
            if (!name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) throw line.error("name=" + name + " must start with a letter or '_' and hold only letters, digits, '_', '.' or '-'");
            layer.named(name);
        }
        Node[] inputs = {previous};
        if (in != null) {
            String[] names = in.split(",", -1);
            inputs = new Node[names.length];
            for (int i = 0; i < names.length; i++) {
                inputs[i] = g.node(names[i]);
                if (inputs[i] == null) {
                    throw line.error("in=" + in + " refers to '" + names[i] + "', which no line above defines (a node reads nodes above it; names so far: "
                            + String.join(", ", namesOf(g)) + ")");
                }
            }
        }
        try {
            return g.add(layer, inputs);
        } catch (StriateException e) {
            throw line.error(e.getMessage(), e);
        }
    }

    private static List<String> namesOf(GraphBuilder g) {
        List<String> names = new ArrayList<>();
        for (Node n : g.nodes()) names.add(n.name());
        return names;
    }

    /**
     * The spec text of a model, which {@link #parse} reads back into the same graph: each node's
     * {@link Layer#spec()} line, with {@code name=} where the name is not the one parsing would give
     * and {@code in=} where the node does not read the line above. A plain stack is written as before
     * graphs existed.
     */
    static String write(Graph model) {
        StringBuilder b = new StringBuilder("input ").append(org.striate.tensor.Shapes.compact(model.inputShape())).append('\n');
        GraphBuilder names = Graph.builder(); // replays the auto naming that parsing will do
        names.input(model.inputShape());
        List<Node> nodes = model.nodes();
        for (int i = 1; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            b.append(n.layer.spec());
            if (!n.name.equals(names.autoNameFor(n.layer.type(), n.name))) b.append(" name=").append(n.name);
            boolean fromAbove = n.inputs.length == 1 && n.inputs[0].index == i - 1;
            if (!fromAbove) {
                b.append(" in=");
                for (int k = 0; k < n.inputs.length; k++) b.append(k == 0 ? "" : ",").append(n.inputs[k].name);
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * {@code model}'s layers, weights, state, normalisation and notes for input of another shape, built
     * again from its spec without the input line ({@link Graph#resized}). Refuses a model whose
     * parameter count depends on its input size (a dense layer after the convolutions).
     */
    static Graph resized(Graph model, int[] input) {
        StringBuilder text = new StringBuilder();
        for (String line : model.spec().split("\n")) if (!line.trim().toLowerCase().matches("input(\\s.*)?")) text.append(line).append('\n');
        Graph g = parse(text.toString(), "the model at input " + Shapes.str(input), input).build(0);
        float[] from = model.params(), to = g.params();
        if (to.length != from.length) {
            throw new StriateException("The model has " + from.length + " parameters at input " + Shapes.str(model.inputShape()) + " but " + to.length
                    + " at " + Shapes.str(input) + ". Expected a fully convolutional model (no dense layer) to change its input size.");
        }
        System.arraycopy(from, 0, to, 0, from.length);
        List<Layer> old = model.layers(), now = g.layers();
        for (int i = 0; i < old.size(); i++) {
            now.get(i).loadState(old.get(i).state());
            now.get(i).trainable(old.get(i).trainable());
        }
        return g.normalization(model.mean(), model.std()).classNames(model.classNames()).training(model.training());
    }
}
