package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * With redis.appendonly=true, jobs queued when Redis restarts survive it: their requests are
 * answered once the daemon reads them, instead of ending with 504. The test turns the setting on
 * for itself (scripts/setup renders it into Redis's configuration) and off again afterwards.
 */
class RedisPersistenceIT {

    private static final int QUEUED = 5;
    private static final Path SETTINGS = StackControl.REPO.resolve("runtime/classifier.properties");

    @Test
    void jobsQueuedBeforeARedisRestartAreAnsweredWithTheAppendOnlyFile() throws Exception {
        String before = Files.readString(SETTINGS);
        try {
            Files.writeString(SETTINGS, before + "redis.appendonly=true\n");
            StackControl.run(StackControl.REPO.resolve("scripts/setup").toString());
            StackControl.restart("redis");
            StackControl.restart("daemon");
            try (UnifiedJedis redis = StackControl.redis()) {
                assertEquals("yes", redis.configGet("appendonly").get("appendonly"), "Redis keeps an append-only file");
            }
            assertEquals(200, new ServiceClient().predict(ServiceClient.photo("eagle.jpg"), "eagle.jpg").status(),
                    "serving on the restarted Redis");

            long daemonPid = StackControl.daemonPid();
            Map<Integer, Integer> statuses;
            try (UnifiedJedis redis = StackControl.redis(); LoadGenerator load = new LoadGenerator(QUEUED)) {
                StackControl.signal("STOP", daemonPid);
                try {
                    load.send(QUEUED, ServiceClient.photo("eagle.jpg"));
                    assertTrue(StackControl.await(Duration.ofSeconds(30),
                            () -> redis.xlen(StackControl.KEYS.jobStream()) >= QUEUED), "the jobs are queued");
                    StackControl.restart("redis");
                } finally {
                    StackControl.signal("CONT", daemonPid);
                }
                statuses = load.statusCounts();
            }
            System.out.println("jobs queued across a Redis restart with the append-only file: " + statuses);
            assertEquals(Map.of(200, QUEUED), statuses, "every queued job answered after the restart");
        } finally {
            Files.writeString(SETTINGS, before);
            StackControl.run(StackControl.REPO.resolve("scripts/setup").toString());
            StackControl.restart("redis");
            StackControl.restart("daemon");
        }
    }
}
