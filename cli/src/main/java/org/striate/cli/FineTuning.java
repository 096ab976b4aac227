package org.striate.cli;

import java.util.ArrayList;
import java.util.List;
import org.striate.StriateException;
import org.striate.nn.Graph;
import org.striate.nn.Node;
import org.striate.nn.Transfer;
import picocli.CommandLine.Option;

/**
 * The transfer-learning options of 'striate train': layers to freeze (by name, as 'striate summary'
 * prints them) and a new head for another class count. Freezing is not saved with the model: it is
 * a choice of this run, made again on the next (as Keras keeps trainable out of the weights).
 */
final class FineTuning {

    @Option(names = "--freeze", split = ",", paramLabel = "NAME",
            description = "Keep these layers' weights as they are (and a BatchNorm's running statistics), e.g. --freeze conv1,conv2. "
                    + "Names as 'striate summary' prints them.")
    List<String> freeze;

    @Option(names = "--freeze-until", paramLabel = "NAME",
            description = "Freeze every layer up to and including NAME, in the order 'striate summary' lists them.")
    String freezeUntil;

    @Option(names = "--new-head", paramLabel = "K",
            description = "Replace the last dense layer by a new one with K outputs (fresh weights from --seed), for another set of classes; "
                    + "the class names then come from the data.")
    Integer newHead;

    void validate() {
        if (newHead != null && newHead < 2) throw new StriateException("Invalid value for option '--new-head'. Expected at least 2 outputs. Received " + newHead + ".");
    }

    /** Refuses names the model does not have, all at once, with the nearest name and the list: before any data is read. */
    void checkNames(Graph net) {
        List<String> names = names(net);
        List<String> unknown = new ArrayList<>();
        if (freeze != null) for (String name : freeze) if (!names.contains(name.trim())) unknown.add(name.trim());
        if (freezeUntil != null && !names.contains(freezeUntil.trim())) unknown.add(freezeUntil.trim());
        if (!unknown.isEmpty()) {
            String first = unknown.get(0);
            throw new StriateException("Unknown layer" + (unknown.size() > 1 ? "s '" + String.join("', '", unknown) + "'" : " '" + first + "'")
                    + " to freeze" + DidYouMean.suffix(first, names) + ". Expected names of the model's layers: " + String.join(", ", names) + ".");
        }
    }

    /** The model with its new head, if asked for, and the named layers frozen. */
    Graph apply(Graph net, long seed) {
        if (newHead != null) net = Transfer.newHead(net, newHead, seed);
        checkNames(net);
        List<String> names = names(net);
        List<Node> nodes = net.nodes().subList(1, net.nodes().size());
        int until = freezeUntil == null ? -1 : names.indexOf(freezeUntil.trim());
        for (int i = 0; i <= until; i++) nodes.get(i).layer().trainable(false);
        if (freeze != null) for (String name : freeze) nodes.get(names.indexOf(name.trim())).layer().trainable(false);
        return net;
    }

    /** The layers' names in graph order (the input left out). */
    private static List<String> names(Graph net) {
        List<String> names = new ArrayList<>();
        for (Node n : net.nodes().subList(1, net.nodes().size())) names.add(n.name());
        return names;
    }
}
