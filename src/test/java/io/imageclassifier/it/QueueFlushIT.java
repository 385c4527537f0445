package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * scripts/flush-queue removes the queued jobs and only those: their requests are answered at
 * once with the reason instead of timing out, and the daemons' group and anything else in
 * Redis stay.
 */
class QueueFlushIT {

    private static final int QUEUED = 5;

    @Test
    void flushAnswersEveryQueuedRequestAtOnceAndTouchesNothingElse() throws Exception {
        // No daemon, so the jobs stay queued. (A paused one would not do: Redis still hands a
        // blocked XREADGROUP its first job, which then belongs to that daemon, not the queue.)
        long daemonPid = StackControl.daemonPid();
        StackControl.stop("TERM", daemonPid);
        try (UnifiedJedis redis = StackControl.redis(); LoadGenerator load = new LoadGenerator(QUEUED)) {
            redis.set("another-application:key", "kept");
            try {
                load.send(QUEUED, ServiceClient.photo("dog.jpg"));
                assertTrue(StackControl.await(Duration.ofSeconds(30),
                        () -> redis.xlen(StackControl.KEYS.jobStream()) == QUEUED), "jobs queued");

                long started = System.nanoTime();
                StackControl.run(StackControl.REPO.resolve("scripts/flush-queue").toString());
                Map<Integer, Integer> statuses = load.statusCounts();
                Duration answeredIn = Duration.ofNanos(System.nanoTime() - started);

                assertEquals(Map.of(503, QUEUED), statuses, "each queued request answered: send it again");
                assertTrue(load.errorBodies().keySet().stream().allMatch(body -> body.contains("flush-queue")),
                        "the error names the flush: " + load.errorBodies());
                assertTrue(answeredIn.compareTo(Duration.ofSeconds(20)) < 0,
                        "answered at once, not at the 30 s timeout: " + answeredIn);
                assertEquals(0, redis.xlen(StackControl.KEYS.jobStream()), "queue empty");
                assertTrue(redis.xinfoGroups(StackControl.KEYS.jobStream()).stream()
                        .anyMatch(group -> group.getName().equals("model-daemons")), "the daemons' group stays");
                assertEquals("kept", redis.get("another-application:key"), "other data untouched");
            } finally {
                redis.del("another-application:key");
            }
        } finally {
            StackControl.restart("daemon");
        }
        assertEquals(200, new ServiceClient().predict(ServiceClient.photo("dog.jpg"), "dog.jpg").status(),
                "the service goes on after a flush");
    }
}
