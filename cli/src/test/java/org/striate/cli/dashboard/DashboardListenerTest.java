package org.striate.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.data.Dataset;
import org.striate.nn.Graph;
import org.striate.nn.Zoo;
import org.striate.tensor.Tensor;
import org.striate.train.Adam;
import org.striate.train.LearningRateSchedule;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;

/** The events a short run sends to the page. */
class DashboardListenerTest {

    @Test
    void aRunOfAFewStepsStillShowsTheUpdateToWeightRatios() throws Exception {
        Random r = new Random(1);
        Tensor x = new Tensor(80, 1, 28, 28);
        for (int i = 0; i < x.size(); i++) x.data[i] = r.nextFloat();
        int[] y = new int[80];
        for (int i = 0; i < y.length; i++) y[i] = i % 10;
        String[] names = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
        Dataset data = new Dataset(x, y, names);
        Graph model = Zoo.build("small-cnn", new int[] {1, 28, 28}, 10, 3).classNames(names);
        List<String> types = new ArrayList<>();
        try (DashboardServer s = DashboardServer.start(0)) {
            DashboardListener l = new DashboardListener(s, model, "small-cnn", 16, 1e-3, LearningRateSchedule.constant(), data.head(1), "test");
            new Trainer(model, TrainOptions.builder().epochs(1).batchSize(16).optimizer(new Adam(1e-3)).validation(data).listener(l).build()).fit(data);
            HttpURLConnection c = DashboardServerTest.get(s, "/events");
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
            while (!types.contains("epoch")) {
                String line = in.readLine();
                if (line.startsWith("data: ")) types.add(line.replaceAll(".*\"type\":\"([a-z]+)\".*", "$1"));
            }
            c.disconnect();
        }
        assertEquals(5, types.stream().filter("step"::equals).count(), types.toString());
        assertTrue(types.contains("ratio"), "five steps are fewer than ten between measurements, so the first step is measured: " + types);
    }
}
