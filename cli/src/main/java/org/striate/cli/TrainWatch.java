package org.striate.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.striate.cli.dashboard.DashboardListener;
import org.striate.cli.dashboard.DashboardServer;
import org.striate.data.Dataset;
import org.striate.nn.Graph;
import org.striate.tensorboard.EventFileWriter;
import org.striate.tensorboard.TensorBoardListener;
import org.striate.train.Evaluation;
import org.striate.train.LearningRateSchedule;
import org.striate.train.Listeners;
import org.striate.train.TrainingListener;
import picocli.CommandLine.Option;

/** The options of 'striate train' that let a person watch a run: the live page and TensorBoard files. */
final class TrainWatch implements AutoCloseable {

    @Option(names = "--dashboard", arity = "0..1", paramLabel = "PORT", fallbackValue = "" + DashboardServer.DEFAULT_PORT,
            description = "Serve a live page of the run on http://127.0.0.1:PORT/ (default port " + DashboardServer.DEFAULT_PORT
                    + ", 0: any free port). It stays up after training until the command is stopped (Ctrl+C).")
    Integer dashboardPort;

    @Option(names = "--tensorboard", paramLabel = "DIR",
            description = "Write TensorBoard event files into DIR: scalars, weight and gradient histograms, filter and feature-map images.")
    Path tensorboard;

    private DashboardServer server;
    private DashboardListener dashboard;
    private EventFileWriter events;

    /** The option given, or null: the live page and TensorBoard files follow classification runs only. */
    String optionGiven() { return dashboardPort != null ? "--dashboard" : tensorboard != null ? "--tensorboard" : null; }

    /** Starts what was asked for and returns its listener, with the watch for a JVM left slow ({@link FallbackWatch}). */
    TrainingListener start(Graph net, String name, int batch, double baseRate, LearningRateSchedule schedule,
                           Dataset validation, String validationName, PrintWriter err) {
        TrainingListener tb = null;
        if (tensorboard != null) {
            events = EventFileWriter.create(tensorboard);
            tb = new TensorBoardListener(events, net, baseRate, schedule, validation);
            err.println("tensorboard: writing " + events.file() + " (view with: tensorboard --logdir " + tensorboard + ")");
        }
        if (dashboardPort != null) {
            server = DashboardServer.start(dashboardPort);
            dashboard = new DashboardListener(server, net, name, batch, baseRate, schedule, validation, validationName);
            err.println("dashboard: " + server.address());
            err.flush();
        }
        return Listeners.of(dashboard, tb, new FallbackWatch(err));
    }

    /** Whether the final test evaluation (with its confusion matrix) is wanted. */
    boolean wantsTestEvaluation() { return dashboard != null; }

    /** Tells the page the run is over. */
    void finish(Evaluation test, String message) {
        if (dashboard != null) dashboard.finish(test, message);
    }

    /** With a dashboard, keeps serving until the process is stopped. */
    void linger(PrintWriter err) throws InterruptedException {
        if (events != null) {
            events.close();
            events = null;
        }
        if (server == null) return;
        err.println("dashboard: " + server.address() + " stays up; press Ctrl+C to stop.");
        err.flush();
        new java.util.concurrent.CountDownLatch(1).await();
    }

    @Override
    public void close() {
        if (events != null) events.close();
        if (server != null) server.close();
    }
}
