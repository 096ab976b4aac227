package org.striate.cli.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.striate.io.Json;
import org.striate.data.Dataset;
import org.striate.lab.MapImages;
import org.striate.lab.TrainingPictures;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;
import org.striate.train.EpochStats;
import org.striate.train.Evaluation;
import org.striate.train.LearningRateSchedule;
import org.striate.train.TrainingListener;
import org.striate.train.UpdateRatios;

/**
 * Turns a fit's progress into the dashboard's events: "begin"; "step" (the batch's own loss and
 * accuracy, recovered from the running means, and those means, learning rate, images/s) at most about
 * {@value #STEP_EVENTS} times per run; "ratio" (per-layer update/weight ratio of one step) every tenth
 * of those; "epoch" (figures, validation confusion matrix, first-layer filters, one validation image's
 * feature maps); "end" from {@link #finish}. Runs on the training thread.
 */
public final class DashboardListener implements TrainingListener {
    /** Step events per run at most (about); the charts stay light for long runs. */
    static final int STEP_EVENTS = 1500;

    private final DashboardServer server;
    private final Graph model;
    private final String modelName;
    private final int batch;
    private final double baseRate;
    private final LearningRateSchedule schedule;
    private final Dataset sample;
    private final String validationName;
    private final UpdateRatios ratios;
    private int epochs, steps, samples, stride;
    private long global;
    private double lastLoss, lastAccuracy;
    private int[][] confusion;

    /**
     * {@code sample} holds the image whose feature maps are drawn (its first); {@code validationName}
     * is "val" or "test", as the epoch lines say.
     */
    public DashboardListener(DashboardServer server, Graph model, String modelName, int batch, double baseRate,
                             LearningRateSchedule schedule, Dataset sample, String validationName) {
        this.server = server;
        this.model = model;
        this.modelName = modelName;
        this.batch = batch;
        this.baseRate = baseRate;
        this.schedule = schedule;
        this.sample = sample;
        this.validationName = validationName;
        this.ratios = new UpdateRatios(model);
    }

    @Override
    public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) {
        this.epochs = epochs;
        this.steps = stepsPerEpoch;
        this.samples = samples;
        this.stride = (int) Math.max(1, (long) epochs * stepsPerEpoch / STEP_EVENTS);
        Map<String, Object> o = event("begin");
        o.put("model", modelName);
        o.put("params", model.paramCount());
        o.put("epochs", epochs);
        o.put("steps", stepsPerEpoch);
        o.put("samples", samples);
        o.put("batch", batch);
        o.put("validation", validationName);
        o.put("layers", ratios.names());
        o.put("classes", model.classNames());
        server.publish(Json.write(o));
        pictures(0);
    }

    @Override
    public void onBatch(int epoch, int step, int steps, double loss, double accuracy, double imagesPerSecond) {
        global++;
        long seen = Math.min((long) step * batch, samples), before = Math.min((long) (step - 1) * batch, samples);
        int n = (int) (seen - before);
        // the trainer reports running means over the epoch; the batch's own figures follow from two of them
        double batchLoss = step == 1 ? loss : (loss * seen - lastLoss * before) / n;
        double batchAccuracy = step == 1 ? accuracy : (accuracy * seen - lastAccuracy * before) / n;
        lastLoss = loss;
        lastAccuracy = accuracy;
        if (ratios.armed()) {
            Map<String, Object> o = event("ratio");
            o.put("g", global);
            o.put("values", ratios.after());
            server.publish(Json.write(o));
        }
        if (global % stride == 0 || step == steps) {
            Map<String, Object> o = event("step");
            o.put("epoch", epoch);
            o.put("step", step);
            o.put("g", global);
            o.put("loss", batchLoss);
            o.put("acc", batchAccuracy);
            o.put("avg_loss", loss);
            o.put("avg_acc", accuracy);
            o.put("lr", schedule.rate(baseRate, epoch - 1, step - 1, steps));
            o.put("ips", Math.round(imagesPerSecond));
            server.publish(Json.write(o));
        }
        // measure the next step's update every tenth step event, and after the first step so a short run shows one too
        if ((global == 1 || global % (stride * 10L) == 0) && !(epoch == epochs && step == steps)) ratios.before();
    }

    @Override
    public void onValidation(int epoch, Evaluation validation) { confusion = validation.confusion(); }

    @Override
    public void onEpoch(EpochStats s) {
        Map<String, Object> o = event("epoch");
        o.put("epoch", s.epoch());
        o.put("train_loss", s.trainLoss());
        o.put("train_acc", s.trainAccuracy());
        o.put("val_loss", s.validationLoss());
        o.put("val_acc", s.validationAccuracy());
        o.put("lr", s.learningRate());
        o.put("seconds", s.seconds());
        o.put("confusion", confusion);
        server.publish(Json.write(o));
        confusion = null;
        pictures(s.epoch());
    }

    /** The last event: the final test figures and what was written. */
    public void finish(Evaluation test, String message) {
        Map<String, Object> o = event("end");
        o.put("test_acc", test == null ? null : test.accuracy());
        o.put("confusion", test == null ? null : test.confusion());
        o.put("message", message);
        server.publish(Json.write(o));
    }

    /** First-layer filters and one image's feature maps, as PNG data URIs. */
    private void pictures(int epoch) {
        Map<String, Object> o = event("pictures");
        o.put("epoch", epoch);
        var filters = TrainingPictures.firstFilters(model);
        o.put("filters", filters == null ? null : uri(MapImages.png(filters)));
        o.put("filters_layer", TrainingPictures.firstFiltersLayer(model));
        if (sample != null && sample.size() > 0 && model.inputShape().length == 3) {
            Tensor one = sample.images().slice(0, 1);
            o.put("input", uri(MapImages.png(TrainingPictures.input(one))));
            o.put("input_label", sample.classNames()[sample.labels()[0]]);
            List<Map<String, Object>> maps = new ArrayList<>();
            for (TrainingPictures.Maps m : TrainingPictures.featureMaps(model, one)) {
                Map<String, Object> e = Json.object();
                e.put("layer", m.layerName() + " (" + m.type() + ")");
                e.put("caption", m.shown() + " of " + m.shape()[0] + " maps, " + m.shape()[1] + "x" + m.shape()[2]);
                e.put("png", uri(MapImages.png(m.image())));
                maps.add(e);
            }
            o.put("maps", maps);
        }
        server.publish(Json.write(o));
    }

    private static String uri(byte[] png) { return "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png); }

    private static Map<String, Object> event(String type) {
        Map<String, Object> o = Json.object();
        o.put("type", type);
        return o;
    }
}
