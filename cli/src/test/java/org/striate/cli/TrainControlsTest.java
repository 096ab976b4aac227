package org.striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.striate.cli.BadInputTest.assertOneLine;
import static org.striate.cli.TrainEvalPredictTest.number;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options of 'striate train' that steer a run, each with a check that fails when the option does nothing. */
class TrainControlsTest {

    @TempDir
    static Path tmp;
    static Path data, spec;

    @BeforeAll
    static void data() throws Exception {
        data = TinyData.write(tmp.resolve("data"), 600, 200, 7);
        spec = tmp.resolve("tiny.spec");
        Files.writeString(spec, TrainEvalPredictTest.SPEC);
    }

    static Cli train(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--batch", "32", "--lr", "0.01",
                "--threads", "1", "--out", out.toString()));
        if (!List.of(more).contains("--init-from")) args.addAll(List.of("--model", spec.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    /** Train accuracy of epoch {@code epoch} from the epoch lines. */
    static double epochAccuracy(String text, int epoch) {
        Matcher m = Pattern.compile("epoch " + epoch + "/\\d+  loss [0-9.]+ acc ([0-9.]+)").matcher(text);
        assertTrue(m.find(), text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void anExistingModelIsNotOverwrittenWithoutTheFlag() throws Exception {
        Path model = tmp.resolve("keep/model.striate");
        Cli first = train(model, "--epochs", "1");
        assertEquals(ExitCode.OK, first.code(), first::toString);
        byte[] before = Files.readAllBytes(model);
        Cli again = train(model, "--epochs", "1", "--seed", "5");
        assertOneLine(again, "--out " + model, "already exists", "--overwrite");
        assertArrayEquals(before, Files.readAllBytes(model), "the model is untouched");
        Cli replaced = train(model, "--epochs", "1", "--seed", "5", "--overwrite");
        assertEquals(ExitCode.OK, replaced.code(), replaced::toString);
        assertTrue(replaced.out().contains("saved to " + model + "\n") && replaced.out().contains("replaced the previous " + model), replaced::toString);
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(model)), "another seed wrote other weights");
    }

    @Test
    void theDefaultNameMovesOnToAFreeOneAndSaysSo() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("defaults"));
        Files.writeString(dir.resolve("tiny.striate"), "a trained model");
        String saved = System.getProperty("striate.models.default");
        System.setProperty("striate.models.default", dir.toString());
        try {
            Cli r = Cli.run("train", "--model", spec.toString(), "--data", data.toString(), "--epochs", "1", "--threads", "1");
            assertEquals(ExitCode.OK, r.code(), r::toString);
            assertTrue(r.out().contains("saved to " + dir.resolve("tiny-2.striate") + "\n" + dir.resolve("tiny.striate") + " exists, so this run went to a new name"), r::toString);
            assertTrue(r.out().contains("per-epoch figures in " + dir.resolve("tiny-2.metrics.csv")), r::toString);
            assertEquals("a trained model", Files.readString(dir.resolve("tiny.striate")));
            assertTrue(Files.size(dir.resolve("tiny-2.striate")) > 0);
        } finally {
            if (saved == null) System.clearProperty("striate.models.default");
            else System.setProperty("striate.models.default", saved);
        }
    }

    @Test
    void initFromContinuesTheWeightsAndATrainedModelFileIsOnlyAnArchitecture() throws Exception {
        Path base = tmp.resolve("init/base.striate");
        assertEquals(ExitCode.OK, train(base, "--epochs", "2").code());
        Cli continued = train(tmp.resolve("init/continued.striate"), "--init-from", base.toString(), "--epochs", "1");
        assertEquals(ExitCode.OK, continued.code(), continued::toString);
        Cli fresh = Cli.run("train", "--model", base.toString(), "--data", data.toString(), "--batch", "32", "--lr", "0.01",
                "--threads", "1", "--epochs", "1", "--out", tmp.resolve("init/fresh.striate").toString());
        assertEquals(ExitCode.OK, fresh.code(), fresh::toString);
        assertTrue(fresh.err().contains("note: " + base + " is a trained model; training its architecture from new weights"), fresh::toString);
        double c = epochAccuracy(continued.out(), 1), f = epochAccuracy(fresh.out(), 1);
        assertTrue(c > 0.9 && c > f + 0.05, "continued " + c + ", from new weights " + f);
        assertOneLine(train(tmp.resolve("init/x.striate"), "--init-from", base.toString(), "--model", "lenet5", "--epochs", "1"),
                "--model and --init-from");
    }

    @Test
    void valSplitHoldsOutPartOfTheTrainingSetAndTheTestSetStaysForTheEnd() throws Exception {
        Path model = tmp.resolve("val/model.striate");
        Cli r = train(model, "--epochs", "1", "--val-split", "0.25", "--json");
        assertEquals(ExitCode.OK, r.code(), r::toString);
        int trainN = (int) number(r.out(), "train_samples"), valN = (int) number(r.out(), "validation_samples");
        assertEquals(600, trainN + valN);
        assertEquals(150, valN, 6);
        assertEquals(200, (int) number(r.out(), "test_samples"));
        assertTrue(r.err().contains("  val loss "), r::toString);
        assertTrue(Files.readAllLines(tmp.resolve("val/model.metrics.csv")).get(0).contains("val_loss,val_accuracy"));
        // the final figure is the test set's: eval reproduces it
        Cli e = Cli.run("eval", "--model", model.toString(), "--data", data.toString(), "--json");
        assertEquals(number(r.out(), "test_accuracy"), number(e.out(), "accuracy"), 0.0);
    }

    /**
     * On labels drawn at random there is nothing to learn, only to memorise: the validation loss rises
     * within a few epochs, so early stopping must end the run well before its 30 epochs.
     */
    @Test
    void earlyStoppingEndsTheRunAndSaveBestKeepsAnEpoch() throws Exception {
        Path noisy = TinyData.write(tmp.resolve("noisy"), 300, 50, 8);
        byte[] labels = new byte[300];
        Random rng = new Random(1);
        for (int i = 0; i < labels.length; i++) labels[i] = (byte) rng.nextInt(10);
        Files.write(noisy.resolve("train-labels-idx1-ubyte.gz"), TinyData.gzip(TinyData.idx(2049, new int[] {300}, labels)));
        Path model = tmp.resolve("stop/model.striate");
        Cli r = Cli.run("train", "--model", spec.toString(), "--data", noisy.toString(), "--batch", "32", "--threads", "1",
                "--out", model.toString(), "--epochs", "30", "--early-stop", "1", "--save-best", "--json");
        assertEquals(ExitCode.OK, r.code(), r::toString);
        assertTrue(r.err().matches("(?s)note: holding out \\d+ of 300 training images for validation \\(--val-split 0.1\\).*"), r::toString);
        assertEquals(300, (int) number(r.out(), "train_samples") + (int) number(r.out(), "validation_samples"));
        int ran = (int) number(r.out(), "epochs"), best = (int) number(r.out(), "best_epoch");
        assertTrue(ran < 40, r::toString);
        assertTrue(r.err().contains("stopped after epoch " + ran + ": validation loss did not improve for 1 epoch"), r::toString);
        // patience 1: the best epoch is the one before the last
        assertEquals(ran - 1, best, r::toString);
        assertTrue(r.err().contains("kept the weights of epoch " + best), r::toString);
        assertEquals(ran + 1, Files.readAllLines(tmp.resolve("stop/model.metrics.csv")).size());
    }

    @Test
    void splitCutsOneClassFolderTreeTheSameWayEveryRunAndBuiltInModelsFollowItsClasses() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Random rng = new Random(3);
        for (String cls : new String[] {"dark", "light", "mid"}) {
            Path d = Files.createDirectories(tree.resolve(cls));
            int level = cls.equals("dark") ? 20 : cls.equals("light") ? 230 : 128;
            for (int i = 0; i < 10; i++) {
                BufferedImage img = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 12; y++) for (int x = 0; x < 12; x++) img.getRaster().setSample(x, y, 0, level + rng.nextInt(20));
                ImageIO.write(img, "png", d.resolve(i + ".png").toFile());
            }
        }
        String[] args = {"train", "--model", "mlp", "--data", tree.toString(), "--split", "0.8", "--epochs", "1", "--threads", "1", "--json"};
        Cli a = Cli.run(concat(args, "--out", tmp.resolve("tree-a.striate").toString()));
        Cli b = Cli.run(concat(args, "--out", tmp.resolve("tree-b.striate").toString()));
        assertEquals(ExitCode.OK, a.code(), a::toString);
        assertEquals(24, (int) number(a.out(), "train_samples"));
        assertEquals(6, (int) number(a.out(), "test_samples"));
        // mlp ends in 3 outputs here: 784·500+500 + 500·50+50 + 50·3+3
        assertEquals(784 * 500 + 500 + 500 * 50 + 50 + 50 * 3 + 3, (int) number(a.out(), "params"));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("tree-a.striate")), Files.readAllBytes(tmp.resolve("tree-b.striate")), "same split, same run");
        // eval finds the same test part
        Cli e = Cli.run("eval", "--model", tmp.resolve("tree-a.striate").toString(), "--data", tree.toString(), "--train-fraction", "0.8", "--json");
        assertEquals(ExitCode.OK, e.code(), e::toString);
        assertEquals(6, (int) number(e.out(), "samples"));
        assertEquals(number(a.out(), "test_accuracy"), number(e.out(), "accuracy"), 0.0);
        assertOneLine(Cli.run("train", "--data", data.toString(), "--split", "0.8", "--epochs", "1"), "--split");
        assertOneLine(Cli.run("train", "--data", tree.toString(), "--split", "1.5", "--epochs", "1"), "--split", "between 0 and 1");
    }

    @Test
    void scheduleOptimizerAndSmoothingOptionsAreCheckedAndNamed() {
        assertOneLine(train(tmp.resolve("bad.striate"), "--lr-schedule", "cosin"), "--lr-schedule", "did you mean 'cosine'");
        assertOneLine(train(tmp.resolve("bad.striate"), "--lr-schedule", "step,evry=2"), "unknown parameter evry");
        assertOneLine(train(tmp.resolve("bad.striate"), "--optimizer", "adam-w"), "did you mean 'adamw'");
        assertOneLine(train(tmp.resolve("bad.striate"), "--optimizer", "nadam"), "Expected adam, adamw or sgd");
        assertOneLine(train(tmp.resolve("bad.striate"), "--label-smoothing", "1.2"), "label_smoothing");
        assertOneLine(train(tmp.resolve("bad.striate"), "--weight-decay", "-1"), "--weight-decay");
        assertOneLine(train(tmp.resolve("bad.striate"), "--monitor", "f1"), "--monitor");
        Cli r = train(tmp.resolve("sched/model.striate"), "--epochs", "2", "--optimizer", "adamw", "--weight-decay", "0.05",
                "--label-smoothing", "0.1", "--lr-schedule", "step,every=1,gamma=0.5");
        assertEquals(ExitCode.OK, r.code(), r::toString);
        List<String> csv;
        try {
            csv = Files.readAllLines(tmp.resolve("sched/model.metrics.csv"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        // learning_rate column: 0.01 in epoch 1, halved in epoch 2
        assertEquals(0.01, Double.parseDouble(csv.get(1).split(",")[5]), 1e-9);
        assertEquals(0.005, Double.parseDouble(csv.get(2).split(",")[5]), 1e-9);
    }

    @Test
    void mistypedCommandsOptionsAndModelsGetASuggestion() {
        assertOneLine(Cli.run("trian"), "Did you mean 'train'?");
        assertOneLine(Cli.run("train", "--epoch", "2"), "Did you mean '--epochs'?");
        assertOneLine(Cli.run("train", "--model", "LeNet5", "--data", data.toString()), "Unknown model 'LeNet5' (did you mean 'lenet5'?)");
    }

    static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
