import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stress test for the classifier: fires COUNT requests INTERVAL seconds apart, each on its own
 * thread and on schedule (never waiting for the previous one), so requests pile up and the model
 * daemon has to batch them. Then prints latency percentiles, throughput and the batch sizes the
 * daemon logged during the run. JDK only: run with {@code java scripts/StressTest.java [options]}
 * (or scripts/stress-test). Exits 1 if any request failed.
 */
public class StressTest {

    record Result(int n, boolean ok, long nanos, String detail) {}

    static final String USAGE = """
            usage: java scripts/StressTest.java [options]
              --count N          number of requests (default 500)
              --interval SECONDS pause between request starts (default 0.05)
              --url URL          endpoint (default http://localhost/predict)
              --image PATH       image to post as multipart field "image" (default runtime/testdata/dog.jpg)
              --daemon-log PATH  model daemon log to read batch sizes from (default runtime/logs/model-daemon.log)
              --timeout SECONDS  per-request client timeout (default 60)
            """;

    static final Pattern BATCH = Pattern.compile("Batch size: \\((\\d+)\\s*,");

    public static void main(String[] args) throws Exception {
        // Defaults are relative to the repo root when the wrapper passes it, else to the cwd.
        Path root = Path.of(System.getProperty("repo.root", "."));
        int count = 500;
        double interval = 0.05;
        String url = "http://localhost/predict";
        Path image = root.resolve("runtime/testdata/dog.jpg");
        Path daemonLog = root.resolve("runtime/logs/model-daemon.log");
        int timeoutSeconds = 60;

        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    System.out.print(USAGE);
                    return;
                }
                if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for " + a);
                String v = args[++i];
                switch (a) {
                    case "--count" -> count = Integer.parseInt(v);
                    case "--interval" -> interval = Double.parseDouble(v);
                    case "--url" -> url = v;
                    case "--image" -> image = Path.of(v);
                    case "--daemon-log" -> daemonLog = Path.of(v);
                    case "--timeout" -> timeoutSeconds = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (count < 1 || interval < 0 || timeoutSeconds < 1) throw new IllegalArgumentException("bad value");
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
        if (!Files.isReadable(image)) {
            System.err.println("error: cannot read image " + image + " (scripts/setup fetches the test photos)");
            System.exit(2);
        }

        // One fresh connection per request, like independent clients (and like the original test).
        // A pooled keep-alive connection that Apache closes just as a POST goes out fails with
        // "header parser received no bytes", and HttpClient never retries a POST.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
        String boundary = "----stress" + UUID.randomUUID().toString().replace("-", "");
        byte[] body = multipart(boundary, image);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(timeoutSeconds))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Connection", "close")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();

        // Remember where the daemon log ends, so only this run's batch lines are counted.
        long logOffset = Files.exists(daemonLog) ? Files.size(daemonLog) : 0;

        System.out.printf("Sending %d requests, %.3f s apart, to %s (image %s, %d bytes)%n",
                count, interval, url, image, Files.size(image));
        ExecutorService pool = newThreadPerTaskExecutor();
        List<Future<Result>> futures = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            // Start on schedule (start + i * interval), whether or not earlier requests finished.
            long due = start + (long) (i * interval * 1e9);
            for (long wait; (wait = due - System.nanoTime()) > 0; ) LockSupport.parkNanos(wait);
            int n = i;
            futures.add(pool.submit(() -> send(client, request, n)));
        }
        List<Result> results = new ArrayList<>(count);
        for (Future<Result> f : futures) results.add(f.get());
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();

        summary(results, wallSeconds);
        batchSizes(daemonLog, logOffset);
        long failed = results.stream().filter(r -> !r.ok()).count();
        System.exit(failed == 0 ? 0 : 1);
    }

    static Result send(HttpClient client, HttpRequest request, int n) {
        long t = System.nanoTime();
        Result r;
        try {
            HttpResponse<String> resp = client.send(request, HttpResponse.BodyHandlers.ofString());
            long nanos = System.nanoTime() - t;
            if (resp.statusCode() == 200) {
                r = new Result(n, true, nanos, "");
            } else {
                String b = resp.body().replaceAll("\\s+", " ").strip();
                r = new Result(n, false, nanos, "HTTP " + resp.statusCode() + ": " + (b.length() > 120 ? b.substring(0, 120) + "..." : b));
            }
        } catch (Exception e) {
            r = new Result(n, false, System.nanoTime() - t, e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        System.out.println(r.ok() ? "Thread " + n + ": OK" : "Thread " + n + ": FAILED (" + r.detail() + ")");
        return r;
    }

    static byte[] multipart(String boundary, Path image) throws IOException {
        String name = image.getFileName().toString();
        String lower = name.toLowerCase();
        String type = lower.endsWith(".png") ? "image/png"
                : lower.endsWith(".jpg") || lower.endsWith(".jpeg") ? "image/jpeg" : "application/octet-stream";
        byte[] head = ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"image\"; filename=\"" + name.replace("\"", "") + "\"\r\n"
                + "Content-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] file = Files.readAllBytes(image);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(head, head.length + file.length + tail.length);
        System.arraycopy(file, 0, all, head.length, file.length);
        System.arraycopy(tail, 0, all, head.length + file.length, tail.length);
        return all;
    }

    /** Virtual threads where the JDK has them (21+), otherwise a plain thread per request. */
    static ExecutorService newThreadPerTaskExecutor() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            return Executors.newCachedThreadPool();
        }
    }

    static void summary(List<Result> results, double wallSeconds) {
        long ok = results.stream().filter(Result::ok).count();
        long failed = results.size() - ok;
        long[] ms = results.stream().filter(Result::ok).mapToLong(r -> r.nanos() / 1_000_000).sorted().toArray();
        System.out.println();
        System.out.println("==== Summary ====");
        System.out.printf("requests:   %d  OK: %d  failed: %d%n", results.size(), ok, failed);
        if (ms.length > 0) {
            System.out.printf("latency ms (OK requests): p50 %d  p90 %d  p99 %d  max %d%n",
                    pct(ms, 50), pct(ms, 90), pct(ms, 99), ms[ms.length - 1]);
        } else {
            System.out.println("latency ms: n/a (no request succeeded)");
        }
        System.out.printf("throughput: %.1f requests/s (%d requests in %.1f s), %.1f OK/s%n",
                results.size() / wallSeconds, results.size(), wallSeconds, ok / wallSeconds);
    }

    /** Nearest-rank percentile of a sorted array. */
    static long pct(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static void batchSizes(Path log, long offset) throws IOException {
        if (!Files.exists(log)) {
            System.out.println("batch sizes: n/a (no daemon log at " + log + ")");
            return;
        }
        long size = Files.size(log);
        if (size < offset) offset = 0; // the log was rotated (daemon restarted) during the run
        byte[] bytes;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            f.seek(offset);
            bytes = new byte[(int) (size - offset)];
            f.readFully(bytes);
        }
        Map<Integer, Integer> histogram = new TreeMap<>();
        Matcher m = BATCH.matcher(new String(bytes, StandardCharsets.UTF_8));
        long batches = 0, images = 0;
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            histogram.merge(n, 1, Integer::sum);
            batches++;
            images += n;
        }
        if (batches == 0) {
            System.out.println("batch sizes: none logged in " + log + " during the run");
            return;
        }
        System.out.printf("batch sizes (%s): %d batches, %d images, mean %.2f%n", log, batches, images, (double) images / batches);
        histogram.forEach((n, c) -> System.out.printf("  %4d -> %d%n", n, c));
    }
}
