package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two daemons on one queue share the work and never take the same job twice while healthy. */
class TwoDaemonsIT {

    private static final int REQUESTS = 120;
    private static final Path SECOND_LOG = StackControl.REPO.resolve("runtime/logs/model-daemon-it-second.log");

    @Test
    void twoHealthyDaemonsProcessEveryJobExactlyOnceAndBothWork() throws Exception {
        Files.deleteIfExists(SECOND_LOG);
        Process second = startSecondDaemon();
        try {
            assertTrue(StackControl.await(Duration.ofMinutes(2), () -> logContains(SECOND_LOG, "model daemon ready")),
                    "second daemon ready");
            long firstOffset = StackControl.logSize(ServiceClient.DAEMON_LOG);
            long secondOffset = StackControl.logSize(SECOND_LOG);

            Map<Integer, Integer> statuses;
            try (LoadGenerator load = new LoadGenerator(32)) {
                statuses = load.send(REQUESTS, ServiceClient.photo("dog.jpg")).statusCounts();
            }

            List<Integer> firstBatches = StackControl.batchSizesSince(ServiceClient.DAEMON_LOG, firstOffset);
            List<Integer> secondBatches = StackControl.batchSizesSince(SECOND_LOG, secondOffset);
            System.out.printf("two daemons: %d requests, statuses %s; first daemon %d batches / %d images, "
                            + "second %d batches / %d images%n", REQUESTS, statuses, firstBatches.size(),
                    StackControl.sum(firstBatches), secondBatches.size(), StackControl.sum(secondBatches));
            assertEquals(Map.of(200, REQUESTS), statuses);
            assertEquals(REQUESTS, StackControl.sum(firstBatches) + StackControl.sum(secondBatches),
                    "each job processed exactly once");
            assertTrue(!firstBatches.isEmpty() && !secondBatches.isEmpty(), "both daemons did work");
        } finally {
            // SIGTERM: the daemon finishes its batch, leaves the group and exits.
            second.destroy();
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "second daemon stops on SIGTERM");
        }
        assertTrue(logContains(SECOND_LOG, "model daemon stopped after"), "second daemon stopped cleanly");
    }

    private static Process startSecondDaemon() throws Exception {
        ProcessBuilder daemon = new ProcessBuilder("java", "-jar",
                StackControl.REPO.resolve("model-daemon/target/model-daemon.jar").toString());
        daemon.environment().put("CLASSIFIER_CONFIG", StackControl.REPO.resolve("runtime/classifier.properties").toString());
        daemon.directory(StackControl.REPO.toFile());
        daemon.redirectErrorStream(true).redirectOutput(SECOND_LOG.toFile());
        return daemon.start();
    }

    private static boolean logContains(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
