package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageclassifier.protocol.PredictionJob;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.XAddParams;

/** A full queue answers 503 with Retry-After at once instead of queueing work that would time out. */
class QueueLimitIT {

    private final ServiceClient client = new ServiceClient();

    @Test
    void fullQueueAnswers503WithRetryAfter() throws Exception {
        long daemonPid = StackControl.daemonPid();
        long limit = StackControl.SETTINGS.queueMaxLength();
        byte[] stream = StackControl.KEYS.jobStream().getBytes(StandardCharsets.UTF_8);
        try (RedisClient redis = StackControl.redis()) {
            StackControl.signal("STOP", daemonPid);
            try {
                // Fill the queue with jobs nobody waits for (deadline long past): the daemon
                // acknowledges them without computing anything once it runs again.
                PredictionJob abandoned = new PredictionJob("it-filler", StackControl.KEYS.resultList("it-nobody"),
                        0, 1, 1, new byte[3]);
                AbstractPipeline pipeline = redis.pipelined();
                try (pipeline) {
                    for (long i = redis.xlen(StackControl.KEYS.jobStream()); i < limit; i++) {
                        pipeline.xadd(stream, XAddParams.xAddParams(), abandoned.toStreamFields());
                    }
                    pipeline.sync();
                }

                ServiceClient.Reply full = client.predict(ServiceClient.photo("eagle.jpg"), "eagle.jpg");

                assertEquals(503, full.status(), full.body());
                assertTrue(full.headers().firstValue("Retry-After").isPresent(), "Retry-After header");
                assertFalse(full.json().get("success").getAsBoolean());
                assertTrue(full.json().get("error").getAsString().contains("queue is full"), full.body());
            } finally {
                StackControl.signal("CONT", daemonPid);
            }
            assertTrue(StackControl.await(java.time.Duration.ofSeconds(60),
                    () -> redis.xlen(StackControl.KEYS.jobStream()) == 0), "the daemon drained the abandoned jobs");
            ServiceClient.Reply after = client.predict(ServiceClient.photo("eagle.jpg"), "eagle.jpg");
            assertEquals(200, after.status(), "served again once the queue drained: " + after.body());
        }
    }
}
