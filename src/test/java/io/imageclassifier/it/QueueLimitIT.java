package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageclassifier.protocol.PredictionJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;

/** A full queue answers 503 with Retry-After at once instead of queueing work that would time out. */
class QueueLimitIT {

    private final ServiceClient client = new ServiceClient();

    @Test
    void fullQueueAnswers503WithRetryAfter() throws Exception {
        long daemonPid = StackControl.daemonPid();
        long limit = StackControl.SETTINGS.queueMaxLength();
        try (UnifiedJedis redis = StackControl.redis()) {
            StackControl.signal("STOP", daemonPid);
            try {
                fillQueue(redis, limit);

                ServiceClient.Reply full = client.predict(ServiceClient.photo("eagle.jpg"), "eagle.jpg");

                assertEquals(503, full.status(), full.body());
                assertTrue(full.headers().firstValue("Retry-After").isPresent(), "Retry-After header");
                assertFalse(full.json().get("success").getAsBoolean());
                assertTrue(full.json().get("error").getAsString().contains("queue is full"), full.body());
            } finally {
                StackControl.signal("CONT", daemonPid);
            }
            assertTrue(StackControl.await(Duration.ofSeconds(60),
                    () -> redis.xlen(StackControl.KEYS.jobStream()) == 0), "the daemon drained the abandoned jobs");
            ServiceClient.Reply after = client.predict(ServiceClient.photo("eagle.jpg"), "eagle.jpg");
            assertEquals(200, after.status(), "served again once the queue drained: " + after.body());
        }
    }

    /** Many requests racing for the last free places: exactly that many get in, never more. */
    @Test
    void concurrentRequestsNeverPushTheQueuePastItsLimit() throws Exception {
        long daemonPid = StackControl.daemonPid();
        long limit = StackControl.SETTINGS.queueMaxLength();
        int freePlaces = 10;
        int racing = 60;
        byte[] photo = ServiceClient.photo("eagle.jpg");
        ExecutorService clients = Executors.newFixedThreadPool(racing);
        try (UnifiedJedis redis = StackControl.redis()) {
            List<Future<ServiceClient.Reply>> replies = new ArrayList<>();
            StackControl.signal("STOP", daemonPid);
            try {
                fillQueue(redis, limit - freePlaces);
                for (int i = 0; i < racing; i++) {
                    replies.add(clients.submit(() -> client.predict(photo, "eagle.jpg")));
                }
                // The refused ones answer at once; the admitted ones wait for the paused daemon.
                assertTrue(StackControl.await(Duration.ofSeconds(60),
                        () -> replies.stream().filter(Future::isDone).count() == racing - freePlaces),
                        "all but " + freePlaces + " requests refused at once");
                assertEquals(limit, redis.xlen(StackControl.KEYS.jobStream()), "queue filled exactly to its limit");
            } finally {
                StackControl.signal("CONT", daemonPid);
            }
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (Future<ServiceClient.Reply> reply : replies) {
                ServiceClient.Reply answered = reply.get();
                statuses.merge(answered.status(), 1, Integer::sum);
                if (answered.status() == 503) {
                    assertTrue(answered.json().get("error").getAsString().contains("queue is full"), answered.body());
                }
            }
            assertEquals(Map.of(200, freePlaces, 503, racing - freePlaces), statuses);
            assertTrue(StackControl.await(Duration.ofSeconds(60),
                    () -> redis.xlen(StackControl.KEYS.jobStream()) == 0), "the daemon drained the abandoned jobs");
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * Tops the queue up to {@code length} with jobs nobody waits for (deadline long past): the
     * daemon acknowledges them without computing anything once it runs again.
     */
    private static void fillQueue(UnifiedJedis redis, long length) {
        byte[] stream = StackControl.KEYS.jobStream().getBytes(StandardCharsets.UTF_8);
        PredictionJob abandoned = new PredictionJob("it-filler", StackControl.KEYS.resultList("it-nobody"),
                0, 1, 1, new byte[3]);
        AbstractPipeline pipeline = redis.pipelined();
        try (pipeline) {
            for (long i = redis.xlen(StackControl.KEYS.jobStream()); i < length; i++) {
                pipeline.xadd(stream, XAddParams.xAddParams(), abandoned.toStreamFields());
            }
            pipeline.sync();
        }
    }
}
