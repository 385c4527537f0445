package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Two Tomcats behind one Apache and two model daemons on one queue (scripts/start --devices
 * cpu,cpu --tomcats 2): under load both Tomcats and both daemons work, and taking one of each
 * away mid-load loses nothing: Tomcat 2 through scripts/restart (drained in Apache's balancer
 * first), daemon 2 by SIGTERM (it finishes its batch). Every request succeeds. scripts/test runs
 * it with -Dit.layout=scale-out after starting that layout.
 */
@EnabledIfSystemProperty(named = "it.layout", matches = "scale-out")
class ScaleOutIT {

    private static final int REQUESTS = 240;
    private static final Path SECOND_DAEMON_LOG = StackControl.REPO.resolve("runtime/logs/model-daemon-2.log");
    private static final Path SECOND_TOMCAT_LOGS = StackControl.REPO.resolve("runtime/tomcat-2/logs");

    @Test
    void takingOneTomcatAndOneDaemonAwayMidLoadLosesNothing() throws Exception {
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
        ExecutorService restarts = Executors.newSingleThreadExecutor();
        Future<?> tomcatRestart;
        try (LoadGenerator load = new LoadGenerator(16)) {
            load.send(REQUESTS, ServiceClient.photo("dog.jpg"));
            // A third of the work done, shared by both daemons: then one of each goes away.
            assertTrue(StackControl.await(Duration.ofSeconds(120), () -> imagesSince(firstDaemonOffset, secondDaemonOffset)
                    >= REQUESTS / 3), "load under way");
            secondBatches = StackControl.batchSizesSince(SECOND_DAEMON_LOG, secondDaemonOffset);
            tomcatRestart = restarts.submit(() -> {
                StackControl.run(StackControl.REPO.resolve("scripts/restart").toString(), "tomcat", "2");
                return null;
            });
            StackControl.signal("TERM", StackControl.pid("model-daemon-2.pid"));
            statuses = load.statusCounts();
            errors = load.errorBodies();
            System.out.printf("scale-out: sent %d, statuses %s, errors %s, client errors %s%n",
                    load.sent(), statuses, load.errorBodies(), load.clientErrors());
        } finally {
            restarts.shutdown();
        }
        tomcatRestart.get(5, TimeUnit.MINUTES);
        firstBatches = StackControl.batchSizesSince(ServiceClient.DAEMON_LOG, firstDaemonOffset);
        long secondTomcatPredicts = predictLines(SECOND_TOMCAT_LOGS) - secondTomcatPredictsBefore;
        System.out.printf("scale-out: daemon 1 %d batches / %d images, daemon 2 %d batches before its stop;"
                        + " Tomcat 2 answered %d requests%n", firstBatches.size(), StackControl.sum(firstBatches),
                secondBatches.size(), secondTomcatPredicts);

        assertEquals(Map.of(200, REQUESTS), statuses, "every request succeeds; errors: " + errors);
        assertTrue(!firstBatches.isEmpty() && !secondBatches.isEmpty(), "both daemons did work");
        assertTrue(secondTomcatPredicts > 0, "both Tomcats served requests");

        // The stopped daemon comes back and the service goes on through both Tomcats again.
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
