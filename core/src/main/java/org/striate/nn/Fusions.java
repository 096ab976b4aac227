package org.striate.nn;

import java.util.Arrays;

/**
 * Which nodes of a {@link Graph} run as one pass with their readers, as the layers say
 * ({@link Layer#fusesForwardWith}, {@link Layer#fusesBackwardWith}): a node pairs with its only reader,
 * and a forward pair may take that reader's only reader in too (Conv2d → ReLU → 2×2 max pool). Such a
 * triple may also train as one pass ({@link Layer#fusesTrainingWith}): its backward is then one call too.
 */
final class Fusions {
    /** forwardInto[i] = j when node i runs fused with its only reader j (or, with forwardVia, that reader's reader), else −1. */
    final int[] forwardInto;
    /** forwardVia[i] = m when node i runs fused with its reader m and m's reader forwardInto[i], else −1. */
    final int[] forwardVia;
    /** backwardInto[j] = i when node j's backward runs fused with that of its input i, else −1. */
    final int[] backwardInto;
    /** backwardFrom[k] = i when node k's backward is that of the triple i → forwardVia[i] → k, one call of i's layer, else −1. */
    final int[] backwardFrom;
    /** Nodes whose pass another node's runs. */
    final boolean[] skipForward, skipBackward;

    Fusions(Node[] nodes, int[][] inputsOf, int[] consumers) {
        int n = nodes.length;
        forwardInto = new int[n];
        forwardVia = new int[n];
        backwardInto = new int[n];
        backwardFrom = new int[n];
        skipForward = new boolean[n];
        skipBackward = new boolean[n];
        Arrays.fill(forwardInto, -1);
        Arrays.fill(forwardVia, -1);
        Arrays.fill(backwardInto, -1);
        Arrays.fill(backwardFrom, -1);
        int out = nodes.length - 1;
        for (int j = 1; j < nodes.length; j++) {
            if (inputsOf[j].length != 1) continue;
            int i = inputsOf[j][0];
            if (i == 0 || i == out || consumers[i] != 1) continue;
            if (!skipForward[i] && forwardInto[i] < 0 && nodes[i].layer.fusesForwardWith(nodes[j].layer)) {
                forwardInto[i] = j;
                skipForward[j] = true;
            }
            if (backwardInto[j] < 0 && !skipBackward[j] && nodes[j].layer.fusesBackwardWith(nodes[i].layer)) {
                backwardInto[j] = i;
                skipBackward[i] = true;
            }
        }
        // a fused pair whose second node has one reader may take that reader in too
        for (int k = 1; k < nodes.length; k++) {
            if (inputsOf[k].length != 1) continue;
            int m = inputsOf[k][0];
            if (m == 0 || m == out || consumers[m] != 1 || !skipForward[m] || skipForward[k]) continue;
            int i = inputsOf[m][0];
            if (inputsOf[i].length == 1 && forwardInto[i] == m && forwardVia[i] < 0 && nodes[i].layer.fusesForwardWith(nodes[m].layer, nodes[k].layer)) {
                forwardInto[i] = k;
                forwardVia[i] = m;
                skipForward[k] = true;
                if (nodes[i].layer.fusesTrainingWith(nodes[m].layer, nodes[k].layer)) {
                    backwardInto[k] = -1;  // the pair k → m is now part of the triple
                    backwardFrom[k] = i;
                    skipBackward[m] = skipBackward[i] = true;
                }
            }
        }
    }

    /** The forward pass node i starts, the names of the nodes it runs joined by '+', or null when i runs inside another's. */
    String passName(Node[] nodes, int i) {
        if (skipForward[i]) return null;
        String pass = nodes[i].name;
        if (forwardVia[i] >= 0) pass += "+" + nodes[forwardVia[i]].name;
        if (forwardInto[i] >= 0) pass += "+" + nodes[forwardInto[i]].name;
        return pass;
    }
}
