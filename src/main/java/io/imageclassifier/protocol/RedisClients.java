package io.imageclassifier.protocol;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/** Builds the pooled Redis client both tiers use, from the shared settings. */
public final class RedisClients {

    private RedisClients() {
    }

    /**
     * @param longestBlockMillis the longest blocking command (BLPOP, XREADGROUP BLOCK) this client
     *                           will issue; its socket must wait at least that long
     */
    public static RedisClient create(Settings settings, int poolSize, long longestBlockMillis) {
        int timeoutMillis = Math.toIntExact(settings.redisTimeout().toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .database(settings.redisDatabase())
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .blockingSocketTimeoutMillis(Math.toIntExact(longestBlockMillis + timeoutMillis))
                .clientName("image-classifier");
        if (!settings.redisPassword().isEmpty()) {
            config.password(settings.redisPassword());
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        // A request waiting for a free connection longer than the Redis timeout is better off failing fast.
        pool.setMaxWait(settings.redisTimeout());
        pool.setTestWhileIdle(true);
        return RedisClient.builder()
                .hostAndPort(settings.redisHost(), settings.redisPort())
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
    }
}
