package io.imageclassifier.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * A real {@code redis-server} of its own for one test class: on a free loopback port, with no
 * password, no persistence and a private directory, stopped and deleted by {@link #close()}.
 *
 * <p>For unit-level tests of code whose behaviour lives in Redis (the Lua scripts, stream and
 * consumer-group commands): a mock would only repeat what the test expects. Needs
 * {@code redis-server} on the PATH, which scripts/setup installs.
 */
public final class ThrowawayRedis implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path dir;
    private final int port;

    private ThrowawayRedis(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public static ThrowawayRedis start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("throwaway-redis");
        int port = freePort();
        Process process = new ProcessBuilder("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        ThrowawayRedis redis = new ThrowawayRedis(process, dir, port);
        try {
            redis.awaitPing();
        } catch (IOException | InterruptedException | RuntimeException e) {
            redis.close();
            throw e;
        }
        return redis;
    }

    public int port() {
        return port;
    }

    public HostAndPort hostAndPort() {
        return new HostAndPort("127.0.0.1", port);
    }

    /** A new client; the caller closes it. */
    public RedisClient client() {
        return RedisClient.builder().hostAndPort(hostAndPort()).build();
    }

    /** Empties the database between tests. */
    public void flushAll() {
        try (RedisClient client = client()) {
            client.flushAll();
        }
    }

    private void awaitPing() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            }
            try (RedisClient client = client()) {
                if ("PONG".equals(client.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("redis-server did not answer PING within " + START_TIMEOUT
                            + ": " + Files.readString(dir.resolve("redis.log")), notYet);
                }
            }
            Thread.sleep(20);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
