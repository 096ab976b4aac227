package org.striate.train;

import org.striate.StriateException;

/**
 * The learning rate of each step, from the optimizer's base rate. {@code epoch} and {@code step} count
 * from 0; {@code stepsPerEpoch} is the number of batches in an epoch.
 *
 * <pre>{@code
 * LearningRateSchedule.warmup(2, LearningRateSchedule.cosine(20, 1e-5))
 * }</pre>
 */
public interface LearningRateSchedule {

    double rate(double base, int epoch, int step, int stepsPerEpoch);

    /** Always the base rate. */
    static LearningRateSchedule constant() { return new Constant(); }

    /** base · gamma^⌊epoch / every⌋: multiplied by gamma every {@code every} epochs. */
    static LearningRateSchedule step(int every, double gamma) { return new StepDecay(every, gamma); }

    /**
     * floor + (base − floor)·(1 + cos(π·e/epochs))/2 with e = epoch + step/stepsPerEpoch, so the rate
     * falls smoothly within each epoch and stays at {@code floor} from epoch {@code epochs} on.
     */
    static LearningRateSchedule cosine(int epochs, double floor) { return new CosineDecay(epochs, floor); }

    /**
     * Linear warm-up over the first {@code epochs} epochs (may be fractional): the rate of global step
     * s (from 0) is after's rate · (s + 1)/W, with W = ⌈epochs · stepsPerEpoch⌉ warm-up steps; then after's.
     */
    static LearningRateSchedule warmup(double epochs, LearningRateSchedule after) { return new LinearWarmup(epochs, after); }

    record Constant() implements LearningRateSchedule {
        @Override
        public double rate(double base, int epoch, int step, int stepsPerEpoch) { return base; }
    }

    record StepDecay(int every, double gamma) implements LearningRateSchedule {
        public StepDecay {
            if (every <= 0) throw new StriateException("Invalid value for argument `every`. Expected a number of epochs > 0. Received every=" + every + ".");
            if (!(gamma > 0) || Double.isInfinite(gamma)) throw new StriateException("Invalid value for argument `gamma`. Expected a finite value > 0. Received gamma=" + gamma + ".");
        }

        @Override
        public double rate(double base, int epoch, int step, int stepsPerEpoch) { return base * Math.pow(gamma, epoch / every); }
    }

    record CosineDecay(int epochs, double floor) implements LearningRateSchedule {
        public CosineDecay {
            if (epochs <= 0) throw new StriateException("Invalid value for argument `epochs`. Expected a number of epochs > 0. Received epochs=" + epochs + ".");
            if (!(floor >= 0)) throw new StriateException("Invalid value for argument `floor`. Expected a learning rate >= 0. Received floor=" + floor + ".");
        }

        @Override
        public double rate(double base, int epoch, int step, int stepsPerEpoch) {
            double e = Math.min(epochs, epoch + (double) step / stepsPerEpoch);
            return floor + (base - floor) * (1 + Math.cos(Math.PI * e / epochs)) / 2;
        }
    }

    record LinearWarmup(double epochs, LearningRateSchedule after) implements LearningRateSchedule {
        public LinearWarmup {
            if (!(epochs > 0) || Double.isInfinite(epochs)) throw new StriateException("Invalid value for argument `warmup`. Expected a number of epochs > 0. Received warmup=" + epochs + ".");
            if (after == null) throw new StriateException("Invalid warm-up: expected a schedule to follow it, received none.");
        }

        @Override
        public double rate(double base, int epoch, int step, int stepsPerEpoch) {
            double r = after.rate(base, epoch, step, stepsPerEpoch);
            long warm = (long) Math.ceil(epochs * stepsPerEpoch);
            long global = (long) epoch * stepsPerEpoch + step;
            return global < warm ? r * (global + 1) / warm : r;
        }
    }
}
