package org.striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.striate.StriateException;
import org.striate.data.Box;
import org.striate.data.FashionScenes;
import org.striate.data.TrainTestSplit;
import org.striate.lab.MapImages;
import org.striate.lab.TaskImages;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code striate data}: data sets Striate builds itself, written out for inspection or for other tools. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Write the data sets Striate builds itself.",
        subcommands = {DataCommand.Scenes.class})
public final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand. Expected one of " + String.join(", ", spec.subcommands().keySet()) + ".");
    }

    @Command(name = "scenes", mixinStandardHelpOptions = true,
            description = {"Write fashion-scenes, the segmentation and detection set 'train --task segment|detect' builds in memory:",
                    "DIR/train and DIR/test each hold images/NNNNN.png (64x64 grey), masks/NNNNN.png (indexed PNG: each pixel's",
                    "value is its class, 0 background, 1-10 the garments; shown in colour) and boxes.csv (one row per garment:",
                    "image,class,name,x0,y0,x1,y1 in pixels, x1 and y1 exclusive)."},
            footer = {"", "Examples:", "  striate data scenes --out scenes", "  striate data scenes --out scenes --scenes 2000 --test-scenes 500"})
    static final class Scenes extends StriateCommand {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write (created).")
        Path out;

        @Option(names = "--data", paramLabel = "DIR", description = "Garments: IDX files of a grey labelled set (default: Fashion-MNIST).")
        Path data;

        @Option(names = "--scenes", defaultValue = "20000", paramLabel = "N", description = "Training scenes. Default: ${DEFAULT-VALUE}.")
        int scenes;

        @Option(names = "--test-scenes", defaultValue = "2000", paramLabel = "N", description = "Test scenes. Default: ${DEFAULT-VALUE}.")
        int testScenes;

        @Override
        protected int run() throws IOException {
            if (scenes <= 0 || testScenes <= 0) {
                throw new StriateException("Invalid scene counts " + scenes + " (--scenes) and " + testScenes + " (--test-scenes). Expected positive counts.");
            }
            org.striate.io.AtomicFile.checkDirectory(out, "--out");
            TrainTestSplit g = TaskData.garments(data);
            write(FashionScenes.generate(g.train(), scenes, TaskData.TRAIN_SEED), out.resolve("train"));
            write(FashionScenes.generate(g.test(), testScenes, TaskData.TEST_SEED), out.resolve("test"));
            out().printf(Locale.ROOT, "wrote %d training and %d test scenes to %s%n", scenes, testScenes, out);
            out().flush();
            return ExitCode.OK;
        }

        private static void write(FashionScenes.Scenes s, Path dir) throws IOException {
            Files.createDirectories(dir);
            int side = FashionScenes.SIDE, plane = side * side;
            int[] classes = new int[plane];
            String[] names = s.garmentNames();
            try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(dir.resolve("boxes.csv"), StandardCharsets.UTF_8))) {
                csv.println("image,class,name,x0,y0,x1,y1");
                for (int i = 0; i < s.size(); i++) {
                    String name = String.format(Locale.ROOT, "%05d.png", i);
                    MapImages.writePng(TaskImages.grey(s.images().data, i * plane, side, side, 1), dir.resolve("images").resolve(name));
                    for (int p = 0; p < plane; p++) classes[p] = (int) s.masks().data[i * plane + p];
                    MapImages.writePng(TaskImages.indexedMask(classes, side, side), dir.resolve("masks").resolve(name));
                    for (Box b : s.boxes().get(i)) {
                        csv.printf(Locale.ROOT, "%s,%d,%s,%d,%d,%d,%d%n", name, b.cls(), names[b.cls()], (int) b.x0(), (int) b.y0(), (int) b.x1(), (int) b.y1());
                    }
                }
            }
        }
    }
}
