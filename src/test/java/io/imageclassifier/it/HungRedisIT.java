package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A Redis that hangs (SIGSTOP: connections stay open, nothing answers) is worse than one that is
 * down: every call waits. Under steady load, no request may wait past the Redis timeout plus its
 * own deadline, each gets 200, a 503 with Retry-After or a 504, and once Redis answers again
 * (SIGCONT) the service recovers by itself.
 */
class HungRedisIT {

    private static final int CLIENTS = 4;
    private static final Duration HUNG_FOR = Duration.ofSeconds(10);
    private static final int PROBES = 2;

    private final ServiceClient client = new ServiceClient();

    @Test
    void requestsStayBoundedWhileRedisHangsAndTheServiceRecoversWhenItWakes() throws Exception {
        byte[] photo = ServiceClient.photo("eagle.jpg");
        assertEquals(200, client.predict(photo, "eagle.jpg").status(), "healthy before Redis hangs");
        long redisPid = StackControl.pid("redis.pid");
        // The longest any request may take: waiting for Redis (each call is bounded by its
        // timeout) and then for its result (bounded by the request timeout), with room for a
        // loaded machine.
        long boundMillis = StackControl.SETTINGS.requestTimeout().toMillis()
                + 2 * StackControl.SETTINGS.redisTimeout().toMillis() + 10_000;

        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong slowest = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<List<String>>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                outcomes.add(clients.submit(() -> {
                    List<String> seen = new ArrayList<>();
                    while (loading.get()) {
                        long started = System.nanoTime();
                        ServiceClient.Reply reply = client.predict(photo, "eagle.jpg");
                        long millis = (System.nanoTime() - started) / 1_000_000;
                        String retryAfter = reply.headers().firstValue("Retry-After").orElse("");
                        seen.add(reply.status() + (reply.status() == 503 && retryAfter.isEmpty() ? " without Retry-After" : "")
                                + (millis > boundMillis ? " after " + millis + " ms" : ""));
                        slowest.accumulateAndGet(millis, Math::max);
                    }
                    return seen;
                }));
            }
            Thread.sleep(2000);
            StackControl.signal("STOP", redisPid);
            long hungAt = System.nanoTime();
            try {
                // The closed-loop clients are waiting for results by now; a new request must not
                // wait for Redis longer than its timeout allows (each call it makes is bounded).
                long probeBound = 2 * StackControl.SETTINGS.redisTimeout().toMillis() + 3000;
                for (int i = 0; i < PROBES; i++) {
                    long started = System.nanoTime();
                    ServiceClient.Reply probe = client.predict(photo, "eagle.jpg");
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    System.out.printf("request while Redis hangs: %d in %d ms: %s%n", probe.status(), millis, probe.body());
                    assertEquals(503, probe.status(), probe.body());
                    assertTrue(probe.headers().firstValue("Retry-After").isPresent(), "a 503 says when to retry");
                    assertTrue(millis < probeBound, "answered within " + probeBound + " ms: " + millis);
                }
                Thread.sleep(Math.max(0, HUNG_FOR.toMillis() - (System.nanoTime() - hungAt) / 1_000_000));
            } finally {
                StackControl.signal("CONT", redisPid);
            }
            Thread.sleep(5000);
        } finally {
            loading.set(false);
            clients.shutdown();
        }

        Map<String, Integer> counts = new TreeMap<>();
        for (Future<List<String>> outcome : outcomes) {
            outcome.get().forEach(seen -> counts.merge(seen, 1, Integer::sum));
        }
        System.out.printf("Redis hung for %d s under %d clients: %s; slowest answer %d ms%n", HUNG_FOR.toSeconds(),
                CLIENTS, counts, slowest.get());
        assertTrue(counts.keySet().stream().allMatch(o -> o.equals("200") || o.equals("503") || o.equals("504")),
                "200, 503 with Retry-After or 504, each within " + boundMillis + " ms: " + counts);

        StackControl.assertServesAgain(photo, "requests succeed again once Redis answers");
    }
}
