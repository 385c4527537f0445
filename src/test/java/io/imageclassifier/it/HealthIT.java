package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** /health/ready follows the model daemon: 503 when none runs, 200 again once one is back. */
class HealthIT {

    private final ServiceClient client = new ServiceClient();

    @Test
    void readinessFollowsTheModelDaemon() throws Exception {
        assertEquals(200, get("/health/live").status());
        ServiceClient.Reply ready = get("/health/ready");
        assertEquals(200, ready.status(), ready.body());
        assertEquals("ready", ready.json().get("status").getAsString(), ready.body());
        assertTrue(!ready.json().has("daemons"), "which daemons run is not for everyone: " + ready.body());
        ServiceClient.Reply detail = get("/health/detail");
        assertEquals(200, detail.status(), detail.body());
        assertTrue(detail.json().getAsJsonArray("daemons").size() >= 1, detail.body());
        assertEquals("CPU", detail.json().getAsJsonArray("daemons").get(0).getAsJsonObject().get("device").getAsString());

        long pid = StackControl.daemonPid();
        StackControl.stop("TERM", pid);
        ServiceClient.Reply notReady = get("/health/ready");
        assertEquals(503, notReady.status(), notReady.body());
        assertTrue(notReady.json().get("error").getAsString().contains("no model daemon"), notReady.body());

        StackControl.restart("daemon");
        assertTrue(StackControl.await(Duration.ofSeconds(30), () -> status("/health/ready") == 200),
                "ready again once the daemon is back");
    }

    private ServiceClient.Reply get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(ServiceClient.BASE.resolve(path)).GET());
    }

    private int status(String path) {
        try {
            return get(path).status();
        } catch (Exception e) {
            return 0;
        }
    }
}
