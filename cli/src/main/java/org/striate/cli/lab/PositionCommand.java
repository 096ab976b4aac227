package org.striate.cli.lab;

import org.striate.io.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.striate.cli.ExitCode;
import org.striate.cli.StriateCommand;
import org.striate.lab.PositionData;
import org.striate.lab.PositionTask;
import org.striate.lab.PositionTask.Outcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A task where position is the class: locally connected against a CNN with global average pooling. */
@Command(name = "position",
        mixinStandardHelpOptions = true,
        description = {"Generate images where the same pattern in each of four quadrants is a different class, then train "
                + "a locally connected model (no parameter sharing) and a CNN ending in global average pooling "
                + "(translation invariant by construction, so at chance: 0.25)."},
        footer = {"", "Examples:", "  striate lab position", "  striate lab position --train-size 2000 --epochs 5 --json"})
public final class PositionCommand extends StriateCommand {

    @Option(names = "--train-size", defaultValue = "1000", paramLabel = "N", description = "Generated training images (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--test-size", defaultValue = "400", paramLabel = "N", description = "Generated test images (default: ${DEFAULT-VALUE}).")
    int testSize;

    @Option(names = "--epochs", defaultValue = "10", paramLabel = "N", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the data, the weights and the shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Override
    protected int run() {
        List<Outcome> outcomes = PositionTask.run(new PositionTask.Options(trainSize, testSize, epochs, seed));
        if (json) {
            Map<String, Object> o = Json.object();
            o.put("image_size", PositionData.SIZE);
            o.put("classes", PositionData.CLASSES);
            o.put("train_size", trainSize);
            o.put("test_size", testSize);
            o.put("epochs", epochs);
            List<Object> list = new ArrayList<>();
            for (Outcome r : outcomes) {
                Map<String, Object> m = Json.object();
                m.put("model", r.model());
                m.put("spec", r.spec());
                m.put("params", r.params());
                m.put("train_accuracy", r.trainAccuracy());
                m.put("test_accuracy", r.testAccuracy());
                list.add(m);
            }
            o.put("models", list);
            out().println(Json.write(o));
        } else {
            out().printf("A 3x3 pattern in one of four quadrants of a %dx%d noisy image; the class is the quadrant (chance: 0.25).%n",
                    PositionData.SIZE, PositionData.SIZE);
            out().printf("%d training and %d test images, %d epochs.%n%n", trainSize, testSize, epochs);
            out().printf("%-18s %8s %10s %10s  %s%n", "model", "params", "train acc", "test acc", "layers");
            for (Outcome r : outcomes) {
                out().printf("%-18s %,8d %10.4f %10.4f  %s%n", r.model(), r.params(), r.trainAccuracy(), r.testAccuracy(),
                        r.spec().replace("\n", " | "));
            }
        }
        out().flush();
        return ExitCode.OK;
    }
}
