package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageclassifier.protocol.BatchLogLine;
import io.imageclassifier.protocol.QueueKeys;
import io.imageclassifier.protocol.RedisClients;
import io.imageclassifier.protocol.Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Reaches behind the HTTP front of the running stack: processes, Redis, the daemon's log. */
final class StackControl {

    static final Path REPO = ServiceClient.REPO;
    static final Settings SETTINGS = Settings.fromEnvironment(Map.of(
            Settings.CONFIG_FILE_VARIABLE, REPO.resolve("runtime/classifier.properties").toString()));
    static final QueueKeys KEYS = QueueKeys.from(SETTINGS);
    /** Where scripts/start keeps its pid files. */
    static final Path RUN = REPO.resolve("runtime/run");
    /** How long {@link #measureRequestsPerSecond} loads the stack. */
    private static final Duration MEASURE_FOR = Duration.ofSeconds(5);

    private StackControl() {
    }

    static UnifiedJedis redis() {
        return RedisClients.create(SETTINGS, 2, 0);
    }

    static long daemonPid() throws IOException {
        return pid("model-daemon.pid");
    }

    /**
     * The pid in one of the stack's pid files, e.g. {@code tomcat-2.pid}: scripts/start's own
     * (the daemons') or, in run/service, one a service wrote itself (Redis, Tomcat).
     */
    static long pid(String pidFile) throws IOException {
        Path own = RUN.resolve(pidFile);
        return Long.parseLong(Files.readString(Files.exists(own) ? own : RUN.resolve("service").resolve(pidFile)).trim());
    }

    /** Runs {@code kill -SIGNAL pid}. */
    static void signal(String signal, long pid) throws Exception {
        run("kill", "-" + signal, Long.toString(pid));
    }

    /**
     * Sends {@code signal} and waits until the process has exited. kill(1) returns once the signal
     * is sent, but a JVM killed with -9 keeps its sockets open while the kernel tears down its
     * heap: a request sent then reaches a dying server (Apache answers 500), not a stopped one.
     */
    static void stop(String signal, long pid) throws Exception {
        signal(signal, pid);
        assertTrue(await(Duration.ofSeconds(60), () -> hasExited(pid)), "process " + pid + " exited after SIG" + signal);
    }

    /**
     * True once the process is gone, or a zombie with no thread left: only then are its files and
     * sockets closed. Its main thread turns zombie first, while the JVM's other threads, which
     * share its sockets, may still be exiting: a request Apache sends then is reset (a 500).
     */
    static boolean hasExited(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // "pid (command) state ...": the command may hold anything, so read after the last ')'.
            if (stat.charAt(stat.lastIndexOf(')') + 2) != 'Z') {
                return false;
            }
            try (var threads = Files.list(proc.resolve("task"))) {
                return threads.count() <= 1;
            }
        } catch (IOException noSuchProcess) {
            return true;
        }
    }

    /** scripts/restart PART: redis, daemon, tomcat or apache. */
    static void restart(String part) throws Exception {
        run(REPO.resolve("scripts/restart").toString(), part);
    }

    /**
     * Runs a command to completion and prints its output through System.out, where the test
     * report collects it: a child writing to the inherited stdout would corrupt the channel
     * between Maven and the forked test JVM. The output goes through a file, not a pipe, so a
     * server the command leaves running in the background cannot keep the read waiting.
     */
    static void run(String... command) throws Exception {
        runIn(REPO, command);
    }

    /** {@link #run} in the given working folder. */
    static void runIn(Path folder, String... command) throws Exception {
        runIn(folder, Map.of(), command);
    }

    /** {@link #run} with these variables added to its environment. */
    static void runWith(Map<String, String> environment, String... command) throws Exception {
        runIn(REPO, environment, command);
    }

    private static void runIn(Path folder, Map<String, String> environment, String... command) throws Exception {
        Path log = Files.createTempFile("it-command", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            int exitCode = process.waitFor();
            String output = Files.readString(log);
            System.out.print(output);
            assertEquals(0, exitCode, () -> String.join(" ", command) + " failed:\n" + output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Keys of this service in Redis (the queue's prefix), counted with SCAN. */
    static int serviceKeyCount(UnifiedJedis redis) {
        int count = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(KEYS.allKeysPattern()).count(1000);
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            count += page.getResult().size();
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return count;
    }

    /**
     * Requests per second the running stack answers 200 to {@code file} on this machine, from a
     * short closed loop of 8 clients (enough to fill the daemon's batches). Tests that wait on
     * inference size their expectations from this, not from the speed of the machine they were
     * written on.
     */
    static double measureRequestsPerSecond(URI url, byte[] file) throws Exception {
        ServiceClient client = new ServiceClient();
        long until = System.nanoTime() + MEASURE_FOR.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            long start = System.nanoTime();
            List<Future<Integer>> counts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                counts.add(clients.submit(() -> {
                    int ok = 0;
                    do {
                        ServiceClient.Reply reply = client.postMultipart(url, "image", file, "measure.png");
                        assertEquals(200, reply.status(), () -> "measuring the speed: " + reply.body());
                        ok++;
                    } while (System.nanoTime() < until);
                    return ok;
                }));
            }
            int answered = 0;
            for (Future<Integer> count : counts) {
                answered += count.get();
            }
            return answered / ((System.nanoTime() - start) / 1e9);
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * Asserts that the service recovers by itself: an upload of {@code photo} succeeds within a
     * minute, and the next five do too.
     */
    static void assertServesAgain(byte[] photo, String why) throws Exception {
        ServiceClient client = new ServiceClient();
        boolean recovered = await(Duration.ofSeconds(60), () -> {
            try {
                return client.predict(photo, "photo.jpg").status() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(recovered, why);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, client.predict(photo, "photo.jpg").status());
        }
    }

    /** Waits until the condition holds; false if it still does not after {@code limit}. */
    static boolean await(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    /** A Tomcat's access logs (one per day) in its logs folder, oldest first; none if it has no folder. */
    static List<Path> accessLogs(Path tomcatLogs) throws IOException {
        if (!Files.isDirectory(tomcatLogs)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(tomcatLogs)) {
            return files.filter(p -> p.getFileName().toString().startsWith("localhost_access_log")).sorted().toList();
        }
    }

    static long logSize(Path log) throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    /** Batch sizes a daemon logged after {@code offset} bytes of its log. */
    static List<Integer> batchSizesSince(Path log, long offset) throws IOException {
        byte[] content = Files.readAllBytes(log);
        String appended = new String(content, (int) Math.min(offset, content.length),
                content.length - (int) Math.min(offset, content.length));
        List<Integer> sizes = new ArrayList<>();
        Matcher matcher = BatchLogLine.PATTERN.matcher(appended);
        while (matcher.find()) {
            sizes.add(Integer.parseInt(matcher.group(1)));
        }
        return sizes;
    }

    static int sum(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).sum();
    }
}
