package org.striate.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;

/** The dashboard's server without a browser: what it serves, to whom, and the event stream's replay. */
class DashboardServerTest {

    static HttpURLConnection get(DashboardServer s, String path) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(s.address() + path.substring(1)).openConnection();
        c.setReadTimeout(10_000);
        return c;
    }

    @Test
    void servesThePageItsFilesAndNothingElseUnderAStrictPolicy() throws Exception {
        try (DashboardServer s = DashboardServer.start(0)) {
            assertTrue(s.address().matches("http://127\\.0\\.0\\.1:\\d+/"), s.address());
            for (String path : new String[] {"/", "/dashboard.js", "/dashboard.css"}) {
                HttpURLConnection c = get(s, path);
                assertEquals(200, c.getResponseCode(), path);
                assertEquals(DashboardServer.CSP, c.getHeaderField("Content-Security-Policy"), path);
                String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(!body.contains("http://") && !body.contains("https://") && !body.contains("//cdn"), path + " names no other address");
            }
            assertEquals(404, get(s, "/etc/passwd").getResponseCode());
        }
    }

    /** A page elsewhere that rebinds its own name to 127.0.0.1 still sends its own name as Host. */
    @Test
    void refusesRequestsForAnotherHost() throws Exception {
        try (DashboardServer s = DashboardServer.start(0);
             Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.getOutputStream().write("GET /events HTTP/1.1\r\nHost: attacker.example:80\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertTrue(status.contains(" 403 "), status);
        }
    }

    @Test
    void theStreamReplaysEverythingThenFollowsAndResumesAfterLastEventId() throws Exception {
        try (DashboardServer s = DashboardServer.start(0)) {
            s.publish("{\"n\":0}");
            s.publish("{\"n\":1}");
            HttpURLConnection c = get(s, "/events");
            assertEquals("text/event-stream; charset=utf-8", c.getHeaderField("Content-Type"));
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
            List<String> data = new ArrayList<>();
            new Thread(() -> s.publish("{\"n\":2}")).start();
            while (data.size() < 3) {
                String line = in.readLine();
                if (line.startsWith("data: ")) data.add(line.substring(6));
            }
            assertEquals(List.of("{\"n\":0}", "{\"n\":1}", "{\"n\":2}"), data);
            c.disconnect();

            HttpURLConnection again = get(s, "/events");
            again.setRequestProperty("Last-Event-ID", "1");
            BufferedReader in2 = new BufferedReader(new InputStreamReader(again.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("id: 2", in2.readLine());
            assertEquals("data: {\"n\":2}", in2.readLine());
            again.disconnect();
        }
    }

    @Test
    void aPortInUseIsTheCallersToChange() {
        try (DashboardServer s = DashboardServer.start(0)) {
            StriateException e = assertThrows(StriateException.class, () -> DashboardServer.start(s.port()));
            assertTrue(e.getMessage().contains("is in use") && e.getMessage().contains("--dashboard 0"), e.getMessage());
        }
        assertThrows(StriateException.class, () -> DashboardServer.start(70000));
    }
}
