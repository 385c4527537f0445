package io.imageclassifier.protocol;

import java.time.Duration;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/** Builds the pooled Redis client both tiers use, from the shared settings. */
public final class RedisClients {

    private RedisClients() {
    }

    /**
     * How long a caller waits for a free pooled connection: as long as a request waits for its
     * answer. A request waiting for a connection is only waiting in line, and on a loaded machine
     * the connections' holders may wait seconds for a CPU; refusing work is the queue limit's job.
     * A dead Redis still fails at once (connections are refused), a hung one within its timeouts.
     */
    public static Duration poolWait(Settings settings) {
        return settings.requestTimeout();
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
        if (settings.redisTls()) {
            config.ssl(true).sslSocketFactory(RedisTls.socketFactory(settings));
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setMaxWait(poolWait(settings));
        // First come, first served: under load a waiting caller is not overtaken again and again.
        pool.setFairness(true);
        pool.setTestWhileIdle(true);
        return RedisClient.builder()
                .hostAndPort(settings.redisHost(), settings.redisPort())
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
    }
}
