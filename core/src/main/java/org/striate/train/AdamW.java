package org.striate.train;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter): before the Adam update the weights shrink
 * by p = p·(1 − lr·wd), and the decay never enters the moments, so it is not rescaled by them.
 * Default weight decay 0.01, as in PyTorch.
 */
public final class AdamW extends Adam {
    public AdamW(double learningRate) {
        super(learningRate, true);
        weightDecay = 0.01;
    }

    @Override
    protected String name() { return "adamw"; }
}
