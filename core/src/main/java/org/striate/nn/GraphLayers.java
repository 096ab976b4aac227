package org.striate.nn;

/** Spec keywords of the layers that graphs need: merging, up-sampling and the identity. */
final class GraphLayers {
    private GraphLayers() {}

    static void register() {
        LayerRegistry.register("add", l -> { l.expectArgs(0, 0, "'add in=a,b' with no arguments"); return new Add(); });
        LayerRegistry.register("concat", l -> { l.expectArgs(0, 0, "'concat in=a,b' with no arguments"); return new Concat(); });
        LayerRegistry.register("identity", l -> { l.expectArgs(0, 0, "'identity' with no arguments"); return new Identity(); });
        LayerRegistry.register("upsample", Upsample::fromSpec);
        LayerRegistry.register("convtranspose", ConvTranspose2d::fromSpec);
        LayerRegistry.register("zeropad", ZeroPad2d::fromSpec);
    }
}
