package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * With Redis down, /predict answers 503 at once instead of hanging; requests whose jobs Redis
 * lost get 503 soon after it is back; the web app and the daemon reconnect by themselves and
 * requests succeed again.
 */
class RedisOutageIT {

    private final ServiceClient client = new ServiceClient();

    @Test
    void answers503WhileRedisIsDownAndRecoversWithoutAManualStep() throws Exception {
        byte[] photo = ServiceClient.photo("eagle.jpg");
        assertEquals(200, client.predict(photo, "eagle.jpg").status(), "healthy before the outage");

        long redisPid = StackControl.pid("redis.pid");
        Map<Integer, Integer> duringLoad;
        try (LoadGenerator load = new LoadGenerator(4)) {
            load.send(40, photo);
            StackControl.signal("TERM", redisPid);
            assertTrue(StackControl.await(Duration.ofSeconds(15), () -> !processAlive(redisPid)), "Redis stopped");

            for (int i = 0; i < 5; i++) {
                long started = System.nanoTime();
                ServiceClient.Reply reply = client.predict(photo, "eagle.jpg");
                long millis = (System.nanoTime() - started) / 1_000_000;
                System.out.printf("request with Redis down: %d in %d ms: %s%n", reply.status(), millis, reply.body());
                assertEquals(503, reply.status(), reply.body());
                assertFalse(reply.json().get("success").getAsBoolean());
                assertTrue(reply.json().get("error").getAsString().contains("Redis"), reply.body());
                // Bounded by the Redis connect timeout (2 s), not by the request timeout (30 s).
                assertTrue(millis < 10_000, "answered without waiting for the request timeout: " + millis + " ms");
            }

            StackControl.restart("redis");
            duringLoad = load.statusCounts();
        }
        System.out.println("Redis outage, load statuses: " + duringLoad);
        // Jobs queued before the outage vanished with Redis (no persistence): the web app finds
        // their entries gone once Redis is back and answers 503 (send it again), not 504 at the
        // deadline.
        assertTrue(Set.of(200, 503).containsAll(duringLoad.keySet()), "200 or 503 only: " + duringLoad);

        StackControl.assertServesAgain(photo, "requests succeed again after Redis is back");
    }

    private static boolean processAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
