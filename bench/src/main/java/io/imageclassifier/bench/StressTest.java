package io.imageclassifier.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * scripts/stress-test, the original stress test: fires COUNT requests INTERVAL seconds apart,
 * each on its own thread and on schedule (never waiting for the previous one), so requests pile
 * up and the model daemon has to batch them. Then prints latency percentiles, throughput and the
 * batch sizes the daemon logged during the run. Exits 1 if any request failed.
 *
 * <p>The same load as the benchmark's stress phase, without the benchmark around it: no lock,
 * no scripts/start, no files; one photo, and every request reported as it answers.
 */
public final class StressTest {

    private StressTest() {
    }

    public static void main(String[] args) throws Exception {
        // Defaults are relative to the repo root when the wrapper passes it, else to the cwd.
        Path root = Path.of(System.getProperty("repo.root", "."));
        StressTestOptions options;
        try {
            options = StressTestOptions.parse(args, root);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(StressTestOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(StressTestOptions.USAGE);
            return;
        }
        if (!Files.isReadable(options.image())) {
            System.err.println("error: cannot read image " + options.image() + " (scripts/setup fetches the test photos)");
            System.exit(2);
        }
        System.exit(run(options, System.out));
    }

    /** Sends the load, prints as it goes and then the summary; 0 when every request succeeded, else 1. */
    static int run(StressTestOptions o, PrintStream out) throws IOException, InterruptedException {
        HttpLoad http = new HttpLoad(o.url(), List.of(o.image()), Duration.ofSeconds(o.timeoutSeconds()));
        // Marks where the daemon log ends, so only this run's batch lines are counted.
        BatchLog.Cursor batches = BatchLog.mark(o.daemonLog());
        out.printf("Sending %d requests, %.3f s apart, to %s (image %s, %d bytes)%n",
                o.count(), o.intervalSeconds(), o.url(), o.image(), Files.size(o.image()));
        HttpLoad.OpenLoopRun run = http.openLoop(o.count(), Durations.seconds(o.intervalSeconds()), 0,
                s -> out.println("Thread " + s.index() + (s.ok() ? ": OK" : ": FAILED (" + s.failure() + ")")));
        printSummary(run, out);
        printBatchSizes(o.daemonLog(), batches, out);
        return HttpLoad.okCount(run.samples()) == run.samples().size() ? 0 : 1;
    }

    static void printSummary(HttpLoad.OpenLoopRun run, PrintStream out) {
        List<HttpLoad.Sample> samples = run.samples();
        int ok = HttpLoad.okCount(samples);
        double wallSeconds = run.wallSeconds();
        // Whole milliseconds, as the original printed them.
        double[] ms = samples.stream().filter(HttpLoad.Sample::ok)
                .mapToDouble(s -> (s.endNanos() - s.startNanos()) / 1_000_000).sorted().toArray();
        out.println();
        out.println("==== Summary ====");
        out.printf("requests:   %d  OK: %d  failed: %d%n", samples.size(), ok, samples.size() - ok);
        if (ms.length > 0) {
            out.printf("latency ms (OK requests): p50 %d  p90 %d  p99 %d  max %d%n", (long) Stats.percentile(ms, 50),
                    (long) Stats.percentile(ms, 90), (long) Stats.percentile(ms, 99), (long) ms[ms.length - 1]);
        } else {
            out.println("latency ms: n/a (no request succeeded)");
        }
        out.printf("throughput: %.1f requests/s (%d requests in %.1f s), %.1f OK/s%n",
                samples.size() / wallSeconds, samples.size(), wallSeconds, ok / wallSeconds);
    }

    static void printBatchSizes(Path log, BatchLog.Cursor since, PrintStream out) throws IOException {
        if (!Files.exists(log)) {
            out.println("batch sizes: n/a (no daemon log at " + log + ")");
            return;
        }
        BatchLog.BatchStats stats = since.batchesSince();
        if (stats.batches() == 0) {
            out.println("batch sizes: none logged in " + log + " during the run");
            return;
        }
        out.printf("batch sizes (%s): %d batches, %d images, mean %.2f%n", log, stats.batches(), stats.images(),
                stats.meanBatch());
        stats.histogram().forEach((n, c) -> out.printf("  %4d -> %d%n", n, c));
    }
}
