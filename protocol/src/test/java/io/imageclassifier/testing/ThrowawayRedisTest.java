package io.imageclassifier.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

class ThrowawayRedisTest {

    @Test
    void servesCommandsUntilClosed() throws Exception {
        ThrowawayRedis redis = ThrowawayRedis.start();
        try (redis; RedisClient client = redis.client()) {
            client.set("k", "v");
            assertEquals("v", client.get("k"));
            redis.flushAll();
            assertEquals(null, client.get("k"));
        }
        try (RedisClient after = redis.client()) {
            assertThrows(RuntimeException.class, after::ping, "the server is gone after close()");
        }
    }
}
