package org.striate.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.striate.StriateException;

/**
 * The built-in models, one namespace for every command, written in the spec format of
 * {@link LayerSpecs} so that what {@code striate summary} prints, what a spec file holds and what the
 * zoo builds are one and the same text. The last layer has one output (or one map) per class.
 *
 * <ul>
 * <li>{@code lenet5}: LeCun's LeNet-5 with ReLU and max pooling, 61,706 parameters.</li>
 * <li>{@code fashion-cnn}: two 3×3 conv blocks and a 128-unit head, 421,642 parameters; the default
 *     Fashion-MNIST model. Both match {@code bench/torch_reference.py} layer for layer.</li>
 * <li>{@code mlp}: dense layers only, 418,060 parameters, about as many as fashion-cnn.</li>
 * <li>{@code lc}: fashion-cnn with locally connected layers (no parameter sharing).</li>
 * <li>{@code resnet8}: a residual network (BatchNorm after every convolution, identity and 1×1
 *     stride-2 shortcuts, global average pooling), layer for layer the resnet8 of the peers' benchmark.</li>
 * <li>{@code resnet18}: torchvision's ImageNet ResNet-18 (7×7/2 stem without bias, BatchNorm, 3×3/2 max
 *     pooling, BasicBlocks [2, 2, 2, 2] of widths 64 to 512, 1×1 stride-2 shortcuts, global average
 *     pooling, dense 1000), 11,689,512 parameters; built at its own 3×224×224 and 1000 classes where
 *     no data says otherwise ({@link #defaultInput(String)}).</li>
 * <li>{@code unet-small}: a 2-level U-Net, encoder maps concatenated into a decoder that up-samples
 *     with transposed convolutions, ending in one map per class at the input resolution (H and W
 *     divisible by 4).</li>
 * <li>{@code sr-small}: 2× super-resolution, SRCNN-style on a bilinear base: the input up-sampled
 *     bilinearly plus a residual from three convolutions at the large size (9-5-5 style, here 5-3-3);
 *     its output has the input's channels (the class count does not apply).</li>
 * <li>{@code det-small}: a single-shot grid detector (YOLO v1 style, {@code tasks.GridDetector}):
 *     three conv-pool stages to stride 8, two more convolutions, and a 1×1 convolution to 5 + classes
 *     maps per cell.</li>
 * <li>{@code small-cnn}, {@code small-cnn-blurpool}, {@code small-lc}, {@code small-mlp}: the lab's
 *     small models, sized to train in seconds; they differ in one thing each (weight sharing, anti-aliased
 *     pooling, windows at all). {@code small-cnn-gap} ends in global average pooling instead of a dense
 *     read-out of every cell; {@code small-mlp-narrow} has as many parameters as {@code small-cnn}.</li>
 * </ul>
 */
public final class Zoo {
    private Zoo() {}

    /** The input every built-in model takes unless told otherwise: one 28×28 grey channel. */
    private static final int[] DEFAULT_INPUT = {1, 28, 28};
    /** Classes unless told otherwise: Fashion-MNIST's ten. */
    public static final int DEFAULT_CLASSES = 10;
    private static final String CLASSES = "{classes}";
    /** The input's channel count, for models whose output is an image like their input. */
    private static final String CHANNELS = "{channels}";
    /** A grid detector's channels per cell: 5 box channels and one per class. */
    private static final String DETECTION = "{classes+5}";

    private static final Map<String, String> SPECS = new LinkedHashMap<>();
    /** Models made for other input than 1×28×28 and ten classes: where no data gives them, these do. */
    private static final Map<String, int[]> OWN_INPUT = Map.of("resnet18", new int[] {3, 224, 224});
    private static final Map<String, Integer> OWN_CLASSES = Map.of("resnet18", 1000);

    private static void put(String name, String... lines) { SPECS.put(name, String.join("\n", lines)); }

    static {
        put("lenet5", "conv 6 5x5 pad=2", "relu", "maxpool 2", "conv 16 5x5", "relu", "maxpool 2",
                "flatten", "dense 120", "relu", "dense 84", "relu", "dense " + CLASSES);
        put("fashion-cnn", "conv 32 3x3 pad=1", "relu", "maxpool 2", "conv 64 3x3 pad=1", "relu", "maxpool 2",
                "flatten", "dense 128", "relu", "dense " + CLASSES);
        put("mlp", "flatten", "dense 500", "relu", "dense 50", "relu", "dense " + CLASSES);
        put("lc", "lc 32 3x3 pad=1", "relu", "maxpool 2", "lc 64 3x3 pad=1", "relu", "maxpool 2",
                "flatten", "dense 128", "relu", "dense " + CLASSES);
        put("resnet8", "conv 32 3x3 pad=1", "batchnorm", "relu name=stem",
                "conv 32 3x3 pad=1", "batchnorm", "relu", "conv 32 3x3 pad=1", "batchnorm name=res1",
                "add in=res1,stem", "relu name=block1",
                "conv 64 3x3 stride=2 pad=1", "batchnorm", "relu", "conv 64 3x3 pad=1", "batchnorm name=res2",
                "conv 64 1x1 stride=2 in=block1", "batchnorm name=short2", "add in=res2,short2", "relu name=block2",
                "conv 128 3x3 stride=2 pad=1", "batchnorm", "relu", "conv 128 3x3 pad=1", "batchnorm name=res3",
                "conv 128 1x1 stride=2 in=block2", "batchnorm name=short3", "add in=res3,short3", "relu",
                "gap", "dense " + CLASSES);
        put("resnet18", resnet18());
        put("unet-small", "conv 16 3x3 pad=1", "batchnorm", "relu", "conv 16 3x3 pad=1", "batchnorm", "relu name=enc1",
                "maxpool 2", "conv 32 3x3 pad=1", "batchnorm", "relu", "conv 32 3x3 pad=1", "batchnorm", "relu name=enc2",
                "maxpool 2", "conv 64 3x3 pad=1", "batchnorm", "relu", "conv 64 3x3 pad=1", "batchnorm", "relu",
                "convtranspose 32 2x2 stride=2 name=up2", "concat in=up2,enc2",
                "conv 32 3x3 pad=1", "batchnorm", "relu", "conv 32 3x3 pad=1", "batchnorm", "relu",
                "convtranspose 16 2x2 stride=2 name=up1", "concat in=up1,enc1",
                "conv 16 3x3 pad=1", "batchnorm", "relu", "conv 16 3x3 pad=1", "batchnorm", "relu",
                "conv " + CLASSES + " 1x1");
        put("sr-small", "upsample 2 mode=bilinear name=base", "conv 32 5x5 pad=2", "relu", "conv 16 3x3 pad=1", "relu",
                "conv {channels} 3x3 pad=1 name=residual", "add in=residual,base");
        put("det-small", "conv 16 3x3 pad=1", "batchnorm", "relu", "maxpool 2", "conv 32 3x3 pad=1", "batchnorm", "relu", "maxpool 2",
                "conv 64 3x3 pad=1", "batchnorm", "relu", "maxpool 2", "conv 64 3x3 pad=1", "batchnorm", "relu",
                "conv 64 3x3 pad=1", "batchnorm", "relu", "conv " + DETECTION + " 1x1");
        put("small-cnn", "conv 8 3x3 pad=same", "relu", "maxpool 2", "conv 16 3x3 pad=same", "relu", "maxpool 2",
                "flatten", "dense " + CLASSES);
        // anti-aliased pooling as in Zhang 2019: the max taken densely (3×3 at stride 1, padded so the map keeps
        // its size and stays periodic), then a binomial blur subsampled by 2
        put("small-cnn-blurpool", "conv 8 3x3 pad=same", "relu", "maxpool 3 stride=1 pad=1", "blurpool",
                "conv 16 3x3 pad=same", "relu", "maxpool 3 stride=1 pad=1", "blurpool", "flatten", "dense " + CLASSES);
        put("small-lc", "lc 8 3x3 pad=same", "relu", "maxpool 2", "lc 16 3x3 pad=same", "relu", "maxpool 2",
                "flatten", "dense " + CLASSES);
        put("small-mlp", "flatten", "dense 64", "relu", "dense " + CLASSES);
        // small-cnn's layers with the positions averaged away before the head (a third conv gives the mean
        // something to average), for the head's share in shift invariance
        put("small-cnn-gap", "conv 8 3x3 pad=same", "relu", "maxpool 2", "conv 16 3x3 pad=same", "relu", "maxpool 2",
                "conv 32 3x3 pad=same", "relu", "gap", "dense " + CLASSES);
        // as many parameters as small-cnn (8,755 against 9,098 for ten classes), so a comparison is not one of sizes
        put("small-mlp-narrow", "flatten", "dense 11", "relu", "dense " + CLASSES);
    }

    private static void put(String name, List<String> lines) { put(name, lines.toArray(String[]::new)); }

    /**
     * torchvision's resnet18 line for line: BasicBlock(c, stride) = conv3x3 c stride BN ReLU conv3x3 c BN,
     * plus the input or, where the shape changes, a 1×1 stride-2 conv + BN, then ReLU. No conv has a bias
     * (the BatchNorm after it has the shift).
     */
    private static List<String> resnet18() {
        List<String> l = new java.util.ArrayList<>(List.of("conv 64 7x7 stride=2 pad=3 bias=false", "batchnorm", "relu",
                "maxpool 3 stride=2 pad=1 name=pool"));
        String in = "pool";
        int block = 0, width = 64;
        for (int c : new int[] {64, 64, 128, 128, 256, 256, 512, 512}) {
            block++;
            boolean down = c != width;
            width = c;
            l.add("conv " + c + " 3x3" + (down ? " stride=2" : "") + " pad=1 bias=false");
            l.addAll(List.of("batchnorm", "relu", "conv " + c + " 3x3 pad=1 bias=false", "batchnorm name=res" + block));
            String shortcut = in;
            if (down) {
                shortcut = "short" + block;
                l.addAll(List.of("conv " + c + " 1x1 stride=2 bias=false in=" + in, "batchnorm name=" + shortcut));
            }
            in = "block" + block;
            l.addAll(List.of("add in=res" + block + "," + shortcut, "relu name=" + in));
        }
        l.addAll(List.of("gap", "dense " + CLASSES));
        return l;
    }

    /** (1, 28, 28), a fresh copy: the input of a spec file without an input line, and of a built-in model trained on data. */
    public static int[] defaultInput() { return DEFAULT_INPUT.clone(); }

    /** The input a built-in model is made for when no data gives one: (3, 224, 224) for resnet18, else (1, 28, 28). */
    public static int[] defaultInput(String name) { return OWN_INPUT.getOrDefault(name, DEFAULT_INPUT).clone(); }

    /** The classes a built-in model is made for when no data gives them: 1000 for resnet18, else ten. */
    public static int defaultClasses(String name) { return OWN_CLASSES.getOrDefault(name, DEFAULT_CLASSES); }

    /** The names of the built-in models, in a fixed order. */
    public static List<String> names() { return List.copyOf(SPECS.keySet()); }

    public static boolean has(String name) { return SPECS.containsKey(name); }

    /** The layers of a built-in model in the spec format, without the input line, ending in {@code classes} outputs. */
    public static String layers(String name, int classes) { return layers(name, classes, DEFAULT_INPUT[0]); }

    /** The same for input of {@code channels} channels (which fixes the output of an image-to-image model). */
    public static String layers(String name, int classes, int channels) {
        String s = SPECS.get(name);
        if (s == null) {
            throw new StriateException("Unknown model '" + name + "'. Expected one of " + String.join(", ", names())
                    + ", or the path of a spec file or model file.");
        }
        if (classes < 1) throw new StriateException("Invalid number of classes " + classes + ". Expected at least 1.");
        return s.replace(DETECTION, Integer.toString(classes + 5)).replace(CLASSES, Integer.toString(classes))
                .replace(CHANNELS, Integer.toString(channels)) + "\n";
    }

    public static String layers(String name) { return layers(name, DEFAULT_CLASSES); }

    /** The full spec of a built-in model for 1×28×28 input and ten classes (as {@link #build(String, long)}). */
    public static String spec(String name) {
        return "input " + DEFAULT_INPUT[0] + "x" + DEFAULT_INPUT[1] + "x" + DEFAULT_INPUT[2] + "\n" + layers(name);
    }

    /** A built-in model for the given per-sample input and classes, weights initialised from {@code seed}. */
    public static Graph build(String name, int[] input, int classes, long seed) {
        if (input.length < 1) throw new StriateException("Invalid input shape for model " + name + ". Expected (C, H, W) or another shape with channels first.");
        return LayerSpecs.parse(layers(name, classes, input[0]), "model " + name, input).build(seed);
    }

    public static Graph build(String name, int[] input, long seed) { return build(name, input, DEFAULT_CLASSES, seed); }

    /**
     * A built-in model for 1×28×28 input and ten classes, whatever it was made for: what the tests over
     * the whole zoo run. {@link #defaultInput(String)} and {@link #defaultClasses(String)} give its own.
     */
    public static Graph build(String name, long seed) { return build(name, DEFAULT_INPUT, seed); }
}
