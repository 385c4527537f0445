package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamConsumerInfo;

/**
 * kill -9 of the model daemon in the middle of a batch loses nothing: the restarted daemon takes
 * over the jobs the dead one had taken, and every request ends as a success or, if its deadline
 * passed, a 504.
 */
class DaemonCrashIT {

    private static final int REQUESTS = 100;

    @Test
    void killedDaemonMidBatchLosesNoRequestAndLeavesNoKeysBehind() throws Exception {
        byte[] photo = ServiceClient.photo("dog.jpg");
        try (UnifiedJedis redis = StackControl.redis(); LoadGenerator load = new LoadGenerator(REQUESTS)) {
            int baselineKeys = StackControl.serviceKeyCount(redis);

            load.send(REQUESTS, photo);
            boolean midBatch = StackControl.await(Duration.ofSeconds(60),
                    () -> redis.xpending(StackControl.KEYS.jobStream(), "model-daemons").getTotal() > 0);
            assertTrue(midBatch, "the daemon took jobs");
            long killedPid = StackControl.daemonPid();
            StackControl.signal("KILL", killedPid);
            StackControl.restart("daemon");

            Map<Integer, Integer> statuses = load.statusCounts();
            int succeeded = statuses.getOrDefault(200, 0);
            int timedOut = statuses.getOrDefault(504, 0);
            System.out.printf("daemon kill -9: sent %d, succeeded %d, timed out %d, lost %d (statuses %s)%n",
                    load.sent(), succeeded, timedOut, load.sent() - succeeded - timedOut, statuses);
            assertTrue(Set.of(200, 504).containsAll(statuses.keySet()),
                    "only 200 or 504: " + statuses + " " + load.clientErrors());
            assertEquals(REQUESTS, succeeded + timedOut, "no request lost: " + statuses);
            assertTrue(succeeded > 0, "the restarted daemon served requests: " + statuses);

            boolean keysBack = StackControl.await(Duration.ofSeconds(60),
                    () -> StackControl.serviceKeyCount(redis) == baselineKeys
                            && redis.xpending(StackControl.KEYS.jobStream(), "model-daemons").getTotal() == 0
                            && redis.xlen(StackControl.KEYS.jobStream()) == 0);
            assertTrue(keysBack, "Redis back to its idle state: " + StackControl.serviceKeyCount(redis) + " keys (baseline "
                    + baselineKeys + "), " + redis.xlen(StackControl.KEYS.jobStream()) + " queued");

            // The killed daemon's consumer (named host-pid) is removed once its jobs are taken over.
            boolean consumerRemoved = StackControl.await(Duration.ofSeconds(60),
                    () -> consumers(redis).stream().noneMatch(name -> name.endsWith("-" + killedPid)));
            assertTrue(consumerRemoved, "the killed daemon left the group: " + consumers(redis));
        }
    }

    private static List<String> consumers(UnifiedJedis redis) {
        return redis.xinfoConsumers2(StackControl.KEYS.jobStream(), "model-daemons").stream()
                .map(StreamConsumerInfo::getName).toList();
    }
}
