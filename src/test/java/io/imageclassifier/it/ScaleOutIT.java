package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Two Tomcats behind one Apache and two model daemons on one queue (scripts/start --devices
 * cpu,cpu --tomcats 2): under load both Tomcats and both daemons work, and stopping one of each
 * mid-load loses nothing. Every request succeeds, or gets a clear JSON error, within its deadline. scripts/test runs it with -Dit.layout=scale-out after starting
 * that layout.
 */
@EnabledIfSystemProperty(named = "it.layout", matches = "scale-out")
class ScaleOutIT {

    private static final int REQUESTS = 240;
    private static final Path SECOND_DAEMON_LOG = StackControl.REPO.resolve("runtime/logs/model-daemon-2.log");
    private static final Path SECOND_TOMCAT_LOGS = StackControl.REPO.resolve("runtime/tomcat-2/logs");

    @Test
    void stoppingOneTomcatAndOneDaemonMidLoadLosesNothing() throws Exception {
        assertTrue(Files.exists(StackControl.RUN.resolve("service/tomcat-2.pid"))
                        && Files.exists(StackControl.RUN.resolve("model-daemon-2.pid")),
                "needs the stack started with --devices cpu,cpu --tomcats 2");
        long firstDaemonOffset = StackControl.logSize(ServiceClient.DAEMON_LOG);
        long secondDaemonOffset = StackControl.logSize(SECOND_DAEMON_LOG);
        long secondTomcatPredictsBefore = predictLines(SECOND_TOMCAT_LOGS);

        Map<Integer, Integer> statuses;
        Map<String, Integer> errors;
        List<Integer> firstBatches;
        List<Integer> secondBatches;
        try (LoadGenerator load = new LoadGenerator(16)) {
            load.send(REQUESTS, ServiceClient.photo("dog.jpg"));
            // A third of the work done, shared by both daemons: then one of each goes away.
            assertTrue(StackControl.await(Duration.ofSeconds(120), () -> imagesSince(firstDaemonOffset, secondDaemonOffset)
                    >= REQUESTS / 3), "load under way");
            secondBatches = StackControl.batchSizesSince(SECOND_DAEMON_LOG, secondDaemonOffset);
            StackControl.signal("TERM", StackControl.pid("tomcat-2.pid"));
            StackControl.signal("TERM", StackControl.pid("model-daemon-2.pid"));
            statuses = load.statusCounts();
            errors = load.errorBodies();
            System.out.printf("scale-out: sent %d, statuses %s, errors %s, client errors %s%n",
                    load.sent(), statuses, load.errorBodies(), load.clientErrors());
        }
        firstBatches = StackControl.batchSizesSince(ServiceClient.DAEMON_LOG, firstDaemonOffset);
        long secondTomcatPredicts = predictLines(SECOND_TOMCAT_LOGS) - secondTomcatPredictsBefore;
        System.out.printf("scale-out: daemon 1 %d batches / %d images, daemon 2 %d batches before its stop;"
                        + " Tomcat 2 answered %d requests%n", firstBatches.size(), StackControl.sum(firstBatches),
                secondBatches.size(), secondTomcatPredicts);

        // A request caught in the stopping Tomcat gets a JSON error: 503 from the web app, or
        // Apache's JSON 500/502/503 (mod_proxy or mod_jk) when Tomcat dropped its connection.
        // None hangs or is lost.
        assertTrue(Set.of(200, 500, 502, 503).containsAll(statuses.keySet()), "only 200 or a clear error: " + statuses);
        assertTrue(errors.keySet().stream().allMatch(e -> e.replace(" ", "").contains("\"success\":false")),
                "every error is the service's JSON: " + errors);
        assertEquals(REQUESTS, statuses.values().stream().mapToInt(Integer::intValue).sum(), "every request answered");
        assertTrue(statuses.getOrDefault(200, 0) > REQUESTS / 2, "most succeed: " + statuses);
        assertTrue(!firstBatches.isEmpty() && !secondBatches.isEmpty(), "both daemons did work");
        assertTrue(secondTomcatPredicts > 0, "both Tomcats served requests");

        // The stopped parts come back and the service goes on through both Tomcats again.
        StackControl.run(StackControl.REPO.resolve("scripts/restart").toString(), "tomcat", "2");
        StackControl.run(StackControl.REPO.resolve("scripts/restart").toString(), "daemon", "2");
        try (LoadGenerator load = new LoadGenerator(4)) {
            assertEquals(Map.of(200, 20), load.send(20, ServiceClient.photo("dog.jpg")).statusCounts());
        }
    }

    private static int imagesSince(long firstOffset, long secondOffset) {
        try {
            return StackControl.sum(StackControl.batchSizesSince(ServiceClient.DAEMON_LOG, firstOffset))
                    + StackControl.sum(StackControl.batchSizesSince(SECOND_DAEMON_LOG, secondOffset));
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** POST /predict lines in a Tomcat's access logs. */
    private static long predictLines(Path logDir) throws java.io.IOException {
        long count = 0;
        for (Path log : StackControl.accessLogs(logDir)) {
            try (Stream<String> lines = Files.lines(log)) {
                count += lines.filter(l -> l.contains("\"POST /predict ")).count();
            }
        }
        return count;
    }
}
