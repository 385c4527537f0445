package io.imageclassifier.bench;

import io.imageclassifier.client.ClassifierClient;
import io.imageclassifier.client.MultipartBody;
import io.imageclassifier.client.PlainHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Sends real photos to the service (multipart field {@code image}) in three patterns: one at a
 * time, a closed loop of N clients, and an open loop on a fixed schedule.
 *
 * <p>Every request goes out on a fresh connection, like independent clients, through
 * {@link PlainHttpClient}: a blocking socket on the sending thread, so the client's own CPU and
 * thread hand-offs stay out of the service's figures as far as they can. Failures are recorded
 * with their reason, never retried or dropped.
 */
public final class HttpLoad {

    /**
     * One request: when it started and ended (System.nanoTime), and how it went;
     * {@code retryAfter} says whether the answer told the client when to try again.
     */
    public record Sample(int index, long startNanos, long endNanos, int status, boolean ok, String failure,
            boolean retryAfter) {

        public Sample(int index, long startNanos, long endNanos, int status, boolean ok, String failure) {
            this(index, startNanos, endNanos, status, ok, failure, false);
        }

        public double latencyMs() {
            return (endNanos - startNanos) / 1e6;
        }
    }

    /** One photo, ready to post. */
    record Upload(String name, MultipartBody body) {
    }

    /** As long as a connection to a nearby service may take to open. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final PlainHttpClient client;
    private final List<Upload> uploads;

    public HttpLoad(URI url, List<Path> images, Duration requestTimeout) throws IOException {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to send");
        }
        this.url = url;
        this.client = new PlainHttpClient(CONNECT_TIMEOUT, requestTimeout);
        List<Upload> list = new ArrayList<>();
        for (Path image : images) {
            String name = image.getFileName().toString();
            list.add(new Upload(name, MultipartBody.of(ClassifierClient.IMAGE_FIELD, name, Files.readAllBytes(image))));
        }
        this.uploads = List.copyOf(list);
    }

    /** The JPEG/PNG photos of a directory, sorted by name. */
    public static List<Path> photos(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().toLowerCase().matches(".*\\.(jpe?g|png)$"))
                    .sorted().toList();
        }
    }

    public List<String> imageNames() {
        return uploads.stream().map(Upload::name).toList();
    }

    /** Request number {@code index}, with photo {@code index % photos}; never throws. */
    public Sample send(int index) {
        Upload upload = uploads.get(Math.floorMod(index, uploads.size()));
        long start = System.nanoTime();
        try {
            PlainHttpClient.Reply reply = client.post(url, upload.body());
            long end = System.nanoTime();
            int status = reply.status();
            String body = reply.body();
            if (status == 200 && body.contains("\"success\":true")) {
                return new Sample(index, start, end, status, true, null);
            }
            return new Sample(index, start, end, status, false, "HTTP " + status + errorOf(body),
                    reply.header("Retry-After").isPresent());
        } catch (HttpTimeoutException e) {
            return new Sample(index, start, System.nanoTime(), 0, false,
                    "client timeout after " + client.requestTimeout().toSeconds() + " s");
        } catch (IOException | RuntimeException e) {
            return new Sample(index, start, System.nanoTime(), 0, false, describe(e));
        }
    }

    /** " (the error field)" of a JSON error answer, shortened; "" when there is none. */
    static String errorOf(String body) {
        if (body == null) {
            return "";
        }
        var m = java.util.regex.Pattern.compile("\"error\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(body);
        if (!m.find()) {
            return "";
        }
        String error = m.group(1).replaceAll("\\d+", "N");
        return " (" + (error.length() > 80 ? error.substring(0, 80) + "..." : error) + ")";
    }

    /** The exception class and message, with numbers masked so that failures group by kind. */
    static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? "" : ": " + cause.getMessage().replaceAll("\\d+", "N");
        String text = cause.getClass().getSimpleName() + message;
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }

    /** {@code count} requests one after the other (each waits for the previous answer). */
    public List<Sample> sequential(int count, int firstIndex) {
        List<Sample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            samples.add(send(firstIndex + i));
        }
        return samples;
    }

    /**
     * A closed loop: {@code clients} threads, each sending its next request when the previous one
     * has answered, for {@code warmup + measure}. The clients stop starting requests when the
     * measurement window ends; the call returns once the requests in flight have answered
     * (bounded by the request timeout).
     *
     * @param atWindowStart run (on the calling thread) when the measurement window opens
     * @param atWindowEnd run when it closes, before the requests in flight have drained
     */
    public ClosedLoopRun closedLoop(int clients, Duration warmup, Duration measure, Runnable atWindowStart,
                                    Runnable atWindowEnd) throws InterruptedException {
        long begin = System.nanoTime();
        long measureStart = begin + warmup.toNanos();
        long measureEnd = measureStart + measure.toNanos();
        AtomicInteger next = new AtomicInteger();
        List<Sample> all = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() - measureEnd < 0 && !Thread.currentThread().isInterrupted()) {
                    all.add(send(next.getAndIncrement()));
                }
            }, "client-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        sleepUntil(measureStart);
        if (atWindowStart != null) {
            atWindowStart.run();
        }
        sleepUntil(measureEnd);
        if (atWindowEnd != null) {
            atWindowEnd.run();
        }
        // A request can take the request timeout, plus the connect timeout.
        long deadline = measureEnd + client.requestTimeout().toNanos() + TimeUnit.SECONDS.toNanos(15);
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        List<Sample> copy;
        synchronized (all) {
            copy = new ArrayList<>(all);
        }
        copy.sort((a, b) -> Long.compare(a.startNanos(), b.startNanos()));
        return new ClosedLoopRun(copy, measureStart, measureEnd, System.nanoTime());
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long wait; (wait = nanoTime - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** Every request of a closed loop (warm-up included), the measurement window, when the drain ended. */
    public record ClosedLoopRun(List<Sample> all, long windowStartNanos, long windowEndNanos, long drainedNanos) {

        public double windowSeconds() {
            return (windowEndNanos - windowStartNanos) / 1e9;
        }

        /** The requests that started inside the window: their latencies are the level's. */
        public List<Sample> measured() {
            return all.stream()
                    .filter(s -> s.startNanos() - windowStartNanos >= 0 && s.startNanos() - windowEndNanos < 0)
                    .toList();
        }

        /** Successful answers that arrived inside the window (whenever they started), per second. */
        public double throughput() {
            long done = all.stream().filter(s -> s.ok() && inWindow(s.endNanos())).count();
            return done / windowSeconds();
        }

        /** Failed answers that arrived inside the window. */
        public long failedInWindow() {
            return all.stream().filter(s -> !s.ok() && inWindow(s.endNanos())).count();
        }

        private boolean inWindow(long t) {
            return t - windowStartNanos >= 0 && t - windowEndNanos <= 0;
        }
    }

    /**
     * An open loop: request i starts at {@code start + i * interval} whether or not earlier ones
     * have answered, each on its own thread. Stops starting requests after {@code count} or at
     * {@code until} (System.nanoTime; 0 for no limit), then waits for the answers.
     *
     * @param progress called with each finished request, from the requests' threads
     */
    public OpenLoopRun openLoop(int count, Duration interval, long until, Consumer<Sample> progress)
            throws InterruptedException {
        AtomicInteger threadNo = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "open-loop-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ExecutorService pool = Executors.newCachedThreadPool(factory);
        List<Future<Sample>> futures = new ArrayList<>();
        AtomicLong inFlight = new AtomicLong();
        AtomicLong maxInFlight = new AtomicLong();
        long start = System.nanoTime();
        int sent = 0;
        try {
            for (int i = 0; i < count; i++) {
                long due = start + i * interval.toNanos();
                if (until > 0 && due - until >= 0) {
                    break;
                }
                for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(wait);
                }
                int index = i;
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                futures.add(pool.submit(() -> {
                    try {
                        Sample s = send(index);
                        if (progress != null) {
                            progress.accept(s);
                        }
                        return s;
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }));
                sent++;
            }
            long sendEnd = System.nanoTime();
            List<Sample> samples = new ArrayList<>(sent);
            for (Future<Sample> f : futures) {
                try {
                    samples.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("a request thread failed", e.getCause());
                }
            }
            return new OpenLoopRun(samples, start, sendEnd, System.nanoTime(), (int) maxInFlight.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The requests of an open loop, when sending started and ended, when the last answer came. */
    public record OpenLoopRun(List<Sample> samples, long startNanos, long sendEndNanos, long doneNanos,
                              int maxInFlight) {

        public double wallSeconds() {
            return (doneNanos - startNanos) / 1e9;
        }
    }

    /** Failure reason → count, most frequent first by name. */
    public static Map<String, Integer> failures(List<Sample> samples) {
        Map<String, Integer> reasons = new TreeMap<>();
        for (Sample s : samples) {
            if (!s.ok()) {
                reasons.merge(s.failure(), 1, Integer::sum);
            }
        }
        return reasons;
    }

    public static int okCount(List<Sample> samples) {
        return (int) samples.stream().filter(Sample::ok).count();
    }

    /** The latencies of the successful requests, in ms. */
    public static double[] okLatencies(List<Sample> samples) {
        return samples.stream().filter(Sample::ok).mapToDouble(Sample::latencyMs).toArray();
    }
}
