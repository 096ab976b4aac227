package org.striate.kernels;

/**
 * The terms of one Adam step, as floats, so that every kernel computes
 * <pre>
 * p' = shrink·p
 * g  = grad + coupled·p
 * m  = beta1·m + oneMinusBeta1·g
 * v  = beta2·v + oneMinusBeta2·g·g
 * p  = p' − stepSize·m / (sqrt(v)/sqrtCorrection2 + epsilon)
 * </pre>
 * stepSize is lr/(1 − β1^t), sqrtCorrection2 is sqrt(1 − β2^t); shrink is 1 − lr·wd for AdamW's
 * decoupled decay (else 1) and coupled is Adam's L2 decay wd (else 0). Owned by the optimizer and
 * filled in before each step, so that a step allocates nothing.
 */
public final class AdamTerms {
    public float beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon, stepSize, sqrtCorrection2, shrink, coupled;
}
