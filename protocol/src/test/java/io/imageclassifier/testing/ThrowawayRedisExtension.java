package io.imageclassifier.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.RedisClient;

/**
 * A {@link ThrowawayRedis} for one test class, registered as
 * {@code @RegisterExtension static final ThrowawayRedisExtension REDIS = new ThrowawayRedisExtension();}:
 * the server starts before the first test and stops after the last; before each test the
 * database is emptied and {@link #client()} is a new connection, closed after the test.
 *
 * <p>It runs before the class's own {@code @BeforeEach} methods, so they may use the client.
 */
public final class ThrowawayRedisExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private ThrowawayRedis server;
    private RedisClient client;

    /** The server, for tests that open connections of their own. */
    public ThrowawayRedis server() {
        return server;
    }

    /** This test's connection to an empty database. */
    public RedisClient client() {
        return client;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = ThrowawayRedis.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server.flushAll();
        client = server.client();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        client.close();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        server.close();
    }
}
