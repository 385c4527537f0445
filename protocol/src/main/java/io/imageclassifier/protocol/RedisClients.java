package io.imageclassifier.protocol;

import java.time.Duration;
import java.util.Set;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Builds the pooled Redis client both tiers use, from the shared settings: to Redis itself, or,
 * with {@code redis.sentinels}, to whichever Redis the Sentinels name master. Jedis's Sentinel
 * client listens for the Sentinels' failover announcements and moves its pool to the new master
 * by itself; commands in between fail like those to a Redis that is down, and the callers' own
 * retry and backoff carry them over. Closing the client also waits for those listeners to end
 * ({@link StoppingSentinelConnectionProvider}).
 */
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
    public static UnifiedJedis create(Settings settings, int poolSize, long longestBlockMillis) {
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

        Set<HostAndPort> sentinels = settings.redisSentinels();
        if (sentinels.isEmpty()) {
            return RedisClient.builder()
                    .hostAndPort(settings.redisHost(), settings.redisPort())
                    .clientConfig(config.build())
                    .poolConfig(pool)
                    .build();
        }
        DefaultJedisClientConfig.Builder sentinelConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .clientName("image-classifier");
        if (!settings.redisSentinelPassword().isEmpty()) {
            sentinelConfig.password(settings.redisSentinelPassword());
        }
        if (settings.redisTls()) {
            sentinelConfig.ssl(true).sslSocketFactory(RedisTls.socketFactory(settings));
        }
        JedisClientConfig masterConfig = config.build();
        return RedisSentinelClient.builder()
                .masterName(settings.redisSentinelMaster())
                .sentinels(sentinels)
                .clientConfig(masterConfig)
                .connectionProvider(new StoppingSentinelConnectionProvider(settings.redisSentinelMaster(),
                        masterConfig, pool, sentinels, sentinelConfig.build()))
                .build();
    }

    /** Where clients find Redis, for log lines: "127.0.0.1:6379" or "master 'x' via Sentinels [...]". */
    public static String describe(Settings settings) {
        Set<HostAndPort> sentinels = settings.redisSentinels();
        return sentinels.isEmpty() ? settings.redisHost() + ":" + settings.redisPort()
                : "master '" + settings.redisSentinelMaster() + "' via Sentinels " + sentinels;
    }
}
