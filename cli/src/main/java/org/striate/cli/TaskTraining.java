package org.striate.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.striate.data.Dataset;
import org.striate.data.Normalization;
import org.striate.io.Json;
import org.striate.io.ModelFile;
import org.striate.nn.Graph;
import org.striate.tasks.Detection;
import org.striate.tasks.Segmentation;
import org.striate.tasks.Task;
import org.striate.tasks.Upscaling;
import org.striate.train.EpochStats;
import org.striate.train.History;
import org.striate.train.Evaluator;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;
import org.striate.train.TrainingListener;

/** {@code striate train --task segment|upscale|detect}: the dense tasks' data, training and figures. */
final class TaskTraining {
    private TaskTraining() {}

    static int run(TrainCommand c, Task task, Path target) throws java.io.IOException {
        TaskData.Split split = TaskData.load(task, c.data, c.scenes, c.testScenes);
        int[] shape = c.input == null ? null : ModelSource.parseShape(c.input, "--input");
        int classes = task == Task.SEGMENT ? split.train().classes() : task == Task.DETECT ? split.trainScenes().garmentNames().length : 1;
        Graph net = ModelSource.load(c.model, shape, classes, c.seed);
        int[] dataShape = split.train().sampleShape();
        if (shape == null && !Arrays.equals(dataShape, net.inputShape()) && ModelSource.inputFollowsData(c.model)) {
            net = ModelSource.load(c.model, dataShape, classes, c.seed);
        }
        Dataset train = split.train(), test = split.test();
        if (task == Task.DETECT) {
            train = Detection.dataset(split.trainScenes(), net.outputShape());
            test = Detection.dataset(split.testScenes(), net.outputShape());
        }
        if (c.limit != null) train = train.head(c.limit);
        net = c.fineTuning.apply(net, c.seed);
        // an imported model's weights expect the inputs they were trained on: it keeps its own normalisation
        if (!ModelSource.isImported(c.model)) {
            if (task == Task.UPSCALE) {
                net.normalization(new float[] {0f}, new float[] {1f}); // the residual adds the input itself: keep it in [0, 1]
            } else {
                Normalization.ChannelStats stats = Normalization.perChannel(train);
                net.normalization(stats.mean(), stats.std());
            }
        }
        net.classNames(train.classNames());

        PrintWriter lines = c.json ? c.err() : c.out();
        Path metrics = ModelTarget.metricsFile(target);
        boolean bar = !c.noProgress && EpochProgress.stderrIsTerminal();
        int size = train.size(), epochs = c.epochs;
        try (EpochProgress progress = new EpochProgress(c.err(), bar, epochs)) {
            TrainingListener listener = new TrainingListener() {
                @Override
                public void onBatch(int epoch, int step, int steps, double loss, double accuracy, double imagesPerSecond) {
                    if (step == 1) progress.startEpoch(epoch, size);
                    progress.progress(Math.min((long) step * c.batch, size), loss, accuracy);
                }

                @Override
                public void onEpoch(EpochStats s) {
                    progress.endEpochBar();
                    boolean pixels = !Double.isNaN(s.trainAccuracy());
                    lines.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f%s  test loss %.4f%s  elapsed %s%n", s.epoch(), epochs, s.trainLoss(),
                            pixels ? String.format(Locale.ROOT, "  train pixel accuracy %.4f", s.trainAccuracy()) : "", s.validationLoss(),
                            pixels ? String.format(Locale.ROOT, "  test pixel accuracy %.4f", s.validationAccuracy()) : "", progress.elapsed());
                    lines.flush();
                }
            };
            History history = new Trainer(net, TrainOptions.builder().epochs(epochs).batchSize(c.batch).optimizer(c.optimizer()).seed(c.seed)
                    .schedule(c.controls.schedule(epochs)).loss(task.loss()).validation(test).listener(listener).build()).fit(train);
            double seconds = progress.seconds();
            Map<String, Object> o = Json.object();
            o.put("model", c.model);
            o.put("task", task.keyword());
            String[] summary = switch (task) {
                case SEGMENT -> segmentation(net, test, o);
                case UPSCALE -> upscaling(net, test, o);
                case DETECT -> detection(net, split, o);
                case CLASSIFY -> throw new IllegalStateException("classification is TrainCommand's");
            };
            net.training("task: " + task.keyword() + "\n" + TrainingNotes.of(c, train, test, false, history, null, null));
            Files.createDirectories(target.toAbsolutePath().getParent());
            ModelFile.save(net, target);
            MetricsCsv.write(metrics, history);
            String time = EpochProgress.format(java.time.Duration.ofMillis((long) (seconds * 1000)));
            if (c.json) {
                o.put("epochs", epochs);
                o.put("seconds", Math.round(seconds * 10) / 10.0);
                o.put("train_samples", train.size());
                o.put("test_samples", test.size());
                o.put("params", net.paramCount());
                o.put("out", target.toString());
                o.put("metrics", metrics.toString());
                c.out().println(Json.write(o));
            } else {
                c.out().print(summary[0]);
                c.out().printf(Locale.ROOT, "%s (%s, %d epoch%s, %s) saved to %s%n", summary[1], c.model, epochs, epochs == 1 ? "" : "s", time, target);
            }
            c.out().flush();
        }
        return ExitCode.OK;
    }

    private static String[] segmentation(Graph net, Dataset test, Map<String, Object> o) {
        Segmentation m = Segmentation.evaluate(net, test, Evaluator.DEFAULT_BATCH);
        String[] names = test.classNames();
        Map<String, Object> iou = Json.object();
        for (int k = 0; k < m.classes(); k++) iou.put(k < names.length ? names[k] : Integer.toString(k), m.iou(k));
        o.put("pixel_accuracy", m.pixelAccuracy());
        o.put("mean_iou", m.meanIou());
        o.put("iou", iou);
        return new String[] {perClass("IoU", iou), String.format(Locale.ROOT, "test pixel accuracy %.4f mean IoU %.4f", m.pixelAccuracy(), m.meanIou())};
    }

    private static String[] upscaling(Graph net, Dataset test, Map<String, Object> o) {
        Upscaling.Quality q = Upscaling.evaluate(net, test, Evaluator.DEFAULT_BATCH);
        o.put("psnr", q.psnr());
        o.put("ssim", q.ssim());
        o.put("bicubic_psnr", q.bicubicPsnr());
        o.put("bicubic_ssim", q.bicubicSsim());
        o.put("psnr_gain", q.psnrGain());
        return new String[] {"", String.format(Locale.ROOT, "test PSNR %.2f dB SSIM %.4f (bicubic %.2f dB, %.4f; gain %+.2f dB)",
                q.psnr(), q.ssim(), q.bicubicPsnr(), q.bicubicSsim(), q.psnrGain())};
    }

    private static String[] detection(Graph net, TaskData.Split split, Map<String, Object> o) {
        Detection.Result r = Detection.evaluate(net, split.testScenes());
        String[] names = split.testScenes().garmentNames();
        Map<String, Object> ap = Json.object();
        for (int k = 0; k < names.length; k++) ap.put(names[k], r.ap50()[k]);
        o.put("map50", r.map50());
        o.put("map50_95", r.map5095());
        o.put("ap50", ap);
        return new String[] {perClass("AP@0.5", ap), String.format(Locale.ROOT, "test mAP@0.5 %.4f mAP@[.5:.95] %.4f", r.map50(), r.map5095())};
    }

    /** A table of one figure per class, printed before the summary line. */
    private static String perClass(String figure, Map<String, Object> values) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %-12s %8s%n", "class", figure));
        for (Map.Entry<String, Object> e : values.entrySet()) {
            b.append(String.format(Locale.ROOT, "  %-12s %8.4f%n", e.getKey(), (Double) e.getValue()));
        }
        return b.toString();
    }
}
