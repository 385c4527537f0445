package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Redis high availability with Sentinel: the stack's Redis as master, a replica and three
 * Sentinels, all on loopback; the web app and the daemon are restarted to find Redis through the
 * Sentinels (redis.sentinels). Under steady load the master is killed with -9. The Sentinels
 * promote the replica, the web app and the daemon follow it by themselves, and every request
 * ends 200, 503 with Retry-After, or 504, none later than its deadline.
 */
class SentinelFailoverIT {

    private static final String MASTER_NAME = "imageclassifier";
    private static final int REPLICA_PORT = 6390;
    private static final List<Integer> SENTINEL_PORTS = List.of(26390, 26391, 26392);
    private static final int CLIENTS = 4;
    /** The longest any request may take: its deadline, plus the upload and the answer's way back. */
    private static final Duration LONGEST_ANSWER = StackControl.SETTINGS.requestTimeout().plusSeconds(5);

    record Outcome(long startedMillis, long tookMillis, String kind) {
    }

    @Test
    void killingTheMasterUnderLoadFailsOverToTheReplica() throws Exception {
        Path dir = Files.createTempDirectory("sentinel-it");
        List<Process> processes = new ArrayList<>();
        String password = StackControl.SETTINGS.redisPassword();
        int masterPort = StackControl.SETTINGS.redisPort();
        try {
            processes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(REPLICA_PORT),
                    "--bind", "127.0.0.1", "--requirepass", password, "--masterauth", password,
                    "--replicaof", "127.0.0.1", Integer.toString(masterPort), "--save", "", "--appendonly", "no",
                    "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("replica.log").toFile()).start());
            assertTrue(StackControl.await(Duration.ofSeconds(30), () -> info(REPLICA_PORT, password, "replication")
                    .contains("master_link_status:up")), "the replica follows the master");
            for (int port : SENTINEL_PORTS) {
                Path conf = dir.resolve("sentinel-" + port + ".conf");
                // Down after 1 s without an answer; a quorum of 2 of the 3 agrees on a failover.
                Files.writeString(conf, String.join("\n",
                        "port " + port, "bind 127.0.0.1", "dir " + dir,
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
                        "sentinel auth-pass " + MASTER_NAME + " " + password,
                        "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                        "sentinel failover-timeout " + MASTER_NAME + " 10000", ""));
                processes.add(new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel-" + port + ".log").toFile())
                        .start());
            }
            // Each Sentinel must know the replica and the two others before it can fail over.
            assertTrue(StackControl.await(Duration.ofSeconds(30), () -> SENTINEL_PORTS.stream().allMatch(port -> {
                String sentinel = info(port, null, "sentinel");
                return sentinel.contains("slaves=1,sentinels=3");
            })), "the Sentinels know the replica and each other");

            String sentinels = SENTINEL_PORTS.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
            Map<String, String> viaSentinels = Map.of("REDIS_SENTINELS", sentinels, "REDIS_SENTINEL_MASTER", MASTER_NAME);
            StackControl.runWith(viaSentinels, StackControl.REPO.resolve("scripts/restart").toString(), "daemon");
            StackControl.runWith(viaSentinels, StackControl.REPO.resolve("scripts/restart").toString(), "tomcat");
            assertTrue(Files.readString(ServiceClient.DAEMON_LOG).contains("via Sentinels"),
                    "the daemon finds Redis through the Sentinels");

            failOverUnderLoad(StackControl.pid("redis.pid"));
        } finally {
            for (Process process : processes) {
                process.destroyForcibly().waitFor();
            }
            // Back to the stack as scripts/start leaves it: its own Redis, reached directly.
            StackControl.run(StackControl.REPO.resolve("scripts/start").toString());
        }
    }

    private void failOverUnderLoad(long masterPid) throws Exception {
        byte[] photo = ServiceClient.photo("dog.jpg");
        ServiceClient client = new ServiceClient();
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            running.add(clients.submit(() -> {
                while (loading.get()) {
                    long start = System.currentTimeMillis();
                    String kind;
                    try {
                        ServiceClient.Reply reply = client.predict(photo, "dog.jpg");
                        kind = switch (reply.status()) {
                            case 200, 504 -> Integer.toString(reply.status());
                            case 503 -> reply.headers().firstValue("Retry-After").isPresent()
                                    ? "503" : "503 without Retry-After: " + reply.body();
                            default -> reply.status() + " " + reply.body();
                        };
                    } catch (IOException e) {
                        kind = "no HTTP answer: " + e;
                    }
                    outcomes.add(new Outcome(start, System.currentTimeMillis() - start, kind));
                }
                return null;
            }));
        }
        long killedAt;
        try {
            assertTrue(StackControl.await(Duration.ofSeconds(60), () -> count(outcomes, "200") >= 8), "load under way");
            killedAt = System.currentTimeMillis();
            StackControl.signal("KILL", masterPid);
            // Load goes on until requests sent after the kill have succeeded for a while.
            StackControl.await(LONGEST_ANSWER.multipliedBy(2), () -> successesStartedAfter(outcomes, killedAt) >= 20);
        } finally {
            loading.set(false);
            clients.shutdown();
        }
        for (Future<?> future : running) {
            future.get();
        }

        Map<String, Integer> kinds = new TreeMap<>();
        outcomes.forEach(o -> kinds.merge(o.kind(), 1, Integer::sum));
        long firstSuccessAfterKill = outcomes.stream()
                .filter(o -> o.kind().equals("200") && o.startedMillis() >= killedAt)
                .mapToLong(o -> o.startedMillis() + o.tookMillis() - killedAt).min().orElse(-1);
        long slowest = outcomes.stream().mapToLong(Outcome::tookMillis).max().orElse(0);
        System.out.printf("sentinel failover: %s; first 200 for a request sent after the kill %d ms after it;"
                + " slowest answer %d ms%n", kinds, firstSuccessAfterKill, slowest);

        assertTrue(List.of("200", "503", "504").containsAll(kinds.keySet()),
                "every request ends 200, 503 with Retry-After, or 504: " + kinds);
        assertTrue(slowest <= LONGEST_ANSWER.toMillis(), "no request waits past its deadline: " + slowest + " ms");
        assertTrue(successesStartedAfter(outcomes, killedAt) >= 20,
                "the service works again on the promoted replica: " + kinds);
        assertTrue(info(REPLICA_PORT, StackControl.SETTINGS.redisPassword(), "replication").contains("role:master"),
                "the replica was promoted");
    }

    private static long count(List<Outcome> outcomes, String kind) {
        synchronized (outcomes) {
            return outcomes.stream().filter(o -> o.kind().equals(kind)).count();
        }
    }

    private static long successesStartedAfter(List<Outcome> outcomes, long millis) {
        synchronized (outcomes) {
            return outcomes.stream().filter(o -> o.kind().equals("200") && o.startedMillis() >= millis).count();
        }
    }

    private static String info(int port, String password, String section) {
        try (Jedis redis = connect(port, password)) {
            return redis.info(section);
        } catch (RuntimeException notYet) {
            return "";
        }
    }

    private static Jedis connect(int port, String password) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder().timeoutMillis(2000);
        if (password != null) {
            config.password(password);
        }
        return new Jedis(new HostAndPort("127.0.0.1", port), config.build());
    }
}
