package io.imageclassifier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageclassifier.testing.ThrowawayRedis;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * A client that finds Redis through a Sentinel, against a real redis-server and a real Sentinel.
 * Undeploying the web app closes its client; any thread of the client still running afterwards
 * is a thread of the web app's class loader that Tomcat reports as a leak.
 */
class RedisClientsSentinelTest {

    private static final String MASTER = "testmaster";

    @Test
    void closingTheClientEndsItsSentinelListenersEvenWhenTheSentinelIsGone() throws Exception {
        Path dir = Files.createTempDirectory("sentinel-test");
        try (ThrowawayRedis master = ThrowawayRedis.start()) {
            int sentinelPort = freePort();
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, String.join("\n", "port " + sentinelPort, "bind 127.0.0.1", "dir " + dir,
                    "sentinel monitor " + MASTER + " 127.0.0.1 " + master.port() + " 1", ""));
            Process sentinel = new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.log").toFile()).start();
            Settings settings = Settings.fromEnvironment(Map.of())
                    .with("redis.sentinels", "127.0.0.1:" + sentinelPort)
                    .with("redis.sentinel.master", MASTER);

            UnifiedJedis client = createWhenTheSentinelAnswers(settings);
            try {
                assertEquals("PONG", client.ping(), "the Sentinel names the master and the client reaches it");
                assertTrue(!listeners().isEmpty(), "the client watches the Sentinel for failovers");

                // The Sentinel goes away first, as when a test or an operator stops it: the listener
                // loses its subscription and pauses before trying again.
                sentinel.destroyForcibly().waitFor();
                Thread.sleep(500);
            } finally {
                client.close();
            }
            assertEquals(List.of(), listeners(), "no Sentinel listener outlives its client");
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static UnifiedJedis createWhenTheSentinelAnswers(Settings settings) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                return RedisClients.create(settings, 2, 0);
            } catch (RuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(50);
            }
        }
    }

    private static List<String> listeners() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith(MASTER + "-SentinelListener-"))
                .toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
