package io.imageclassifier.bench;

import static io.imageclassifier.bench.Durations.seconds;
import static io.imageclassifier.bench.Figures.f1;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * soak (only with --soak): an open loop at a fixed rate for minutes, with the stack's memory
 * compared idle before and after, to show what the service keeps.
 */
final class SoakPhase implements Phase {

    private final PhaseContext context;
    private final StackUnderTest stack;

    SoakPhase(PhaseContext context, StackUnderTest stack) {
        this.context = context;
        this.stack = stack;
    }

    @Override
    public String name() {
        return "soak";
    }

    @Override
    public void run() throws Exception {
        BenchOptions o = context.options();
        BenchResults results = context.results();
        Console console = context.console();
        double rate = rate();
        double warmup = o.quick ? 15 : 60;
        double minutes = o.soakMinutes;
        double every = o.quick ? 10 : 30;
        console.section(String.format("[soak] open loop at %s req/s: %s s warm-up, then %s min measured; memory"
                + " compared idle (drained, after a full GC of Tomcat) before and after", f1(rate), f1(warmup),
                f1(minutes)));
        HttpLoad http = stack.http();
        try (StackGuard.Held lock = stack.lock()) {
            stack.ensureReady();
            long start = System.nanoTime();
            StackMemory memory = new StackMemory(o.daemonPidFile, o.tomcatPidFile, start);
            console.info(memory.pids());
            Duration interval = seconds(1 / rate);
            // Warm-up, then a quiet moment: memory is compared with no request in flight, each time
            // after a full GC of Tomcat, so that what is left is what the service keeps.
            HttpLoad.OpenLoopRun warm = http.openLoop(Integer.MAX_VALUE, interval, start + seconds(warmup).toNanos(),
                    null);
            console.info(String.format("warm-up: %d requests, %d failed; drained", warm.samples().size(),
                    warm.samples().size() - HttpLoad.okCount(warm.samples())));
            List<BenchResults.MemorySample> samples = new ArrayList<>();
            BenchResults.MemorySample first = memory.sample(true);
            samples.add(first);
            console.info("start (idle, after warm-up): " + StackMemory.text(first));

            StackMeasurement measurement = stack.startMeasuring();
            long measureStart = System.nanoTime();
            long end = measureStart + (long) (minutes * 60e9);
            ConcurrentLinkedQueue<HttpLoad.Sample> recent = new ConcurrentLinkedQueue<>();
            AtomicReference<HttpLoad.OpenLoopRun> runRef = new AtomicReference<>();
            AtomicReference<Exception> failure = new AtomicReference<>();
            Thread loader = new Thread(() -> {
                try {
                    runRef.set(http.openLoop(Integer.MAX_VALUE, interval, end, recent::add));
                } catch (Exception e) {
                    failure.set(e);
                }
            }, "soak-load");
            loader.setDaemon(true);
            loader.start();
            for (long next = measureStart + seconds(every).toNanos(); end - next > seconds(every / 2).toNanos();
                    next += seconds(every).toNanos()) {
                sleepUntil(next);
                List<HttpLoad.Sample> window = drain(recent);
                BenchResults.MemorySample m = memory.sample(false);
                samples.add(m);
                Stats.Summary s = Stats.summarize(HttpLoad.okLatencies(window));
                console.info(String.format("t=%4.0f s: %d answered (%d failed), p50 %s ms, p99 %s ms; %s",
                        m.atSeconds(), window.size(), window.size() - HttpLoad.okCount(window), f1(s.p50()),
                        f1(s.p99()), StackMemory.text(m)));
            }
            loader.join(Math.max(0, (end - System.nanoTime()) / 1_000_000) + (o.timeoutSeconds + 30) * 1000L);
            if (failure.get() != null) {
                throw failure.get();
            }
            HttpLoad.OpenLoopRun run = runRef.get();
            if (run == null) {
                throw new IllegalStateException("the soak load did not finish");
            }
            StackMeasurement.Usage usage = measurement.stop();
            BenchResults.MemorySample last = memory.sample(true);
            samples.add(last);
            console.info("end (idle, drained): " + StackMemory.text(last));
            BenchResults.Load load = results.load("soak", 0, rate, run.wallSeconds(), run.samples(),
                    HttpLoad.okCount(run.samples()) / run.wallSeconds(), usage.batches(),
                    usage.cpuMsPerRequest(run.samples().size()));
            results.soak = new BenchResults.Soak(minutes, rate, warmup, load, first, last, samples,
                    StackMemory.growth(first.daemonRssMb(), last.daemonRssMb()),
                    StackMemory.growth(first.tomcatHeapUsedMb(), last.tomcatHeapUsedMb()),
                    StackMemory.growth(first.tomcatHeapAfterGcMb(), last.tomcatHeapAfterGcMb()));
        }
        console.blankLine();
        console.table(ResultTables.soak(results));
        console.info(ResultTables.soakLoad(results.soak.load()));
        console.failures(results.soak.load());
    }

    /** --soak-rate, else 80 % of the sweep's best throughput. */
    private double rate() {
        double rate = context.options().soakRate;
        if (!Double.isNaN(rate)) {
            return rate;
        }
        BenchResults.Load top = context.results().saturation();
        if (top == null || !(top.throughputPerSecond() > 0)) {
            throw new IllegalStateException("the soak needs --soak-rate or the sweep phase (80% of its best)");
        }
        return 0.8 * top.throughputPerSecond();
    }

    private static List<HttpLoad.Sample> drain(ConcurrentLinkedQueue<HttpLoad.Sample> queue) {
        List<HttpLoad.Sample> list = new ArrayList<>();
        for (HttpLoad.Sample s; (s = queue.poll()) != null; ) {
            list.add(s);
        }
        return list;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long wait; (wait = nanoTime - System.nanoTime()) > 0; ) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
