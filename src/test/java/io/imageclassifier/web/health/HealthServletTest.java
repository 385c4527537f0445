package io.imageclassifier.web.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.imageclassifier.protocol.DaemonHeartbeat;
import io.imageclassifier.web.http.RecordedResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthServletTest {

    private static final DaemonHeartbeat DAEMON = new DaemonHeartbeat("host-a-4242", "resnet50.onnx", "CPU", 32,
            7, 90, 1, null, null);

    private final ReadinessProbe probe = mock(ReadinessProbe.class);
    private final HealthServlet servlet = new HealthServlet(probe);
    private final RecordedResponse response = new RecordedResponse();

    @Test
    void readyTellsAnyoneTheVerdictButNotWhichDaemonsRunWhere() throws IOException {
        when(probe.check()).thenReturn(new ReadinessProbe.Readiness(null, new ServiceState.LiveDaemons(List.of(DAEMON), List.of())));

        get("/ready");

        assertEquals(200, response.status());
        assertEquals("{\"status\":\"ready\"}", response.body());
    }

    @Test
    void notReadyIs503WithAOneLineReason() throws IOException {
        when(probe.check()).thenReturn(new ReadinessProbe.Readiness("Redis is unreachable: Connection refused (10.0.0.7:6379)",
                new ServiceState.LiveDaemons(List.of(), List.of())));

        get("/ready");

        assertEquals(503, response.status());
        assertEquals("the job queue (Redis) is unreachable", response.error());
        assertFalse(response.body().contains("10.0.0.7"), "no addresses for outsiders: " + response.body());
    }

    @Test
    void detailNamesEachDaemonItsModelAndCounts() throws IOException {
        when(probe.check()).thenReturn(new ReadinessProbe.Readiness(null, new ServiceState.LiveDaemons(List.of(DAEMON), List.of())));

        get("/detail");

        assertEquals(200, response.status());
        assertEquals("ok", response.json().get("redis").getAsString());
        assertEquals("host-a-4242", response.json().getAsJsonArray("daemons").get(0).getAsJsonObject()
                .get("daemon").getAsString());
        assertEquals(90, response.json().getAsJsonArray("daemons").get(0).getAsJsonObject().get("images").getAsInt());
    }

    @Test
    void detailWithoutDaemonsIs503SayingSo() throws IOException {
        when(probe.check()).thenReturn(new ReadinessProbe.Readiness(null, new ServiceState.LiveDaemons(List.of(), List.of())));

        get("/detail");

        assertEquals(503, response.status());
        assertEquals("no model daemon is running (no fresh heartbeat); see the model daemon's log", response.error());
    }

    @Test
    void liveIs200WithItsStatusOnly() throws IOException {
        get("/live");

        assertEquals(200, response.status());
        assertEquals("{\"status\":\"live\"}", response.body());
        verify(response.servletResponse()).setHeader("Cache-Control", "no-store");
    }

    @Test
    void detailIsWrittenFieldByFieldInThisOrder() throws IOException {
        when(probe.check()).thenReturn(new ReadinessProbe.Readiness(null,
                new ServiceState.LiveDaemons(List.of(DAEMON), List.of("host-b-7"))));

        get("/detail");

        assertEquals("{\"status\":\"ready\",\"redis\":\"ok\",\"daemons\":[{\"daemon\":\"host-a-4242\","
                + "\"model\":\"resnet50.onnx\",\"device\":\"CPU\",\"batch_size\":32,\"batches\":7,\"images\":90,"
                + "\"skipped_expired\":1}],\"daemons_unreadable\":[\"host-b-7\"]}", response.body());
        assertEquals("application/json", response.contentType());
        verify(response.servletResponse()).setCharacterEncoding("UTF-8");
        verify(response.servletResponse()).setHeader("Cache-Control", "no-store");
    }

    @Test
    void detailWithRedisDownSaysWhyAndListsNoDaemons() throws IOException {
        when(probe.check()).thenReturn(new ReadinessProbe.Readiness("Redis is unreachable: Connection refused",
                new ServiceState.LiveDaemons(List.of(), List.of())));

        get("/detail");

        assertEquals(503, response.status());
        assertEquals("{\"status\":\"not ready\",\"error\":\"the job queue (Redis) is unreachable\","
                + "\"redis\":\"Redis is unreachable: Connection refused\",\"daemons\":[]}", response.body());
    }

    @Test
    void unknownHealthPathIs404NamingTheRealOnes() throws IOException {
        get("/status");

        assertEquals(404, response.status());
        assertEquals("{\"success\":false,\"error\":\"use /health/live, /health/ready or /health/detail\"}",
                response.body());
    }

    private void get(String path) throws IOException {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getPathInfo()).thenReturn(path);
        servlet.doGet(request, response.servletResponse());
    }
}
