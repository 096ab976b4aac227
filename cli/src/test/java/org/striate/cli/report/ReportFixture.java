package org.striate.cli.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.striate.cli.Striate;
import org.striate.cli.lab.GeneratedIdx;
import org.striate.data.MnistFiles;
import org.striate.data.TrainTestSplit;
import org.striate.io.ModelFile;
import org.striate.nn.Zoo;
import org.striate.nn.Graph;
import org.striate.train.Adam;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;

/** A trained model file with its metrics CSV and a small data set, and a way to run {@code striate report} on them. */
record ReportFixture(Path model, Path data, Path out) {

    static ReportFixture create(Path dir) throws IOException {
        Path data = GeneratedIdx.write(dir.resolve("data"), 120, 60);
        TrainTestSplit split = MnistFiles.load(data);
        Graph m = Zoo.build("small-cnn", new int[] {1, 28, 28}, 10, 3);
        new Trainer(m, TrainOptions.builder().epochs(2).batchSize(16).optimizer(new Adam(3e-3)).build()).fit(split.train());
        Path model = dir.resolve("model" + ModelFile.EXTENSION);
        ModelFile.save(m, model);
        Files.writeString(dir.resolve("model.metrics.csv"),
                "epoch,train_loss,train_accuracy,test_loss,test_accuracy,learning_rate,epoch_seconds,elapsed_seconds\n"
                        + "1,2.1,0.31,1.9,0.42,0.001,0.5,0.5\n2,1.2,0.66,1.1,0.71,0.001,0.5,1.0\n");
        return new ReportFixture(model, data, dir.resolve("report"));
    }

    /** Runs the report command through the root command line; returns {exit code, stdout, stderr}. */
    String[] run(String... extra) {
        StringWriter stdout = new StringWriter(), stderr = new StringWriter();
        var cl = Striate.commandLine();
        cl.setOut(new PrintWriter(stdout, true));
        cl.setErr(new PrintWriter(stderr, true));
        String[] base = {"report", "--model", model.toString(), "--out", out.toString(), "--data", data.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), stdout.toString(), stderr.toString()};
    }

    /** {@code striate eval} on the same model and data: {exit code, stdout, stderr}. */
    String[] eval() {
        StringWriter stdout = new StringWriter(), stderr = new StringWriter();
        var cl = Striate.commandLine();
        cl.setOut(new PrintWriter(stdout, true));
        cl.setErr(new PrintWriter(stderr, true));
        int code = cl.execute("eval", "--model", model.toString(), "--data", data.toString());
        return new String[] {Integer.toString(code), stdout.toString(), stderr.toString()};
    }

    String html() throws IOException { return Files.readString(out.resolve("index.html")); }
}
