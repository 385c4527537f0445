package io.imageclassifier.bench;

import static io.imageclassifier.bench.Figures.f1;

import java.util.List;

/** light: one request at a time through Apache, and its overhead over bare batch-1 inference. */
final class LightPhase implements Phase {

    private final PhaseContext context;
    private final StackUnderTest stack;

    LightPhase(PhaseContext context, StackUnderTest stack) {
        this.context = context;
        this.stack = stack;
    }

    @Override
    public String name() {
        return "light";
    }

    @Override
    public void run() throws Exception {
        BenchOptions o = context.options();
        BenchResults results = context.results();
        Console console = context.console();
        // Enough for the JIT to compile the web tier's decode and resize loops: light load is the
        // steady state one client sees, not a freshly started Tomcat (the sweep warms up too).
        int warmup = o.quick ? 5 : 50;
        console.section("[light] one request at a time through Apache: " + warmup + " warm-up, then " + o.lightCount);
        BenchResults.Load load;
        try (StackGuard.Held lock = stack.lock()) {
            stack.ensureReady();
            stack.http().sequential(warmup, 1000);
            StackMeasurement measurement = stack.startMeasuring();
            long start = System.nanoTime();
            List<HttpLoad.Sample> samples = stack.http().sequential(o.lightCount, 0);
            double seconds = (System.nanoTime() - start) / 1e9;
            StackMeasurement.Usage usage = measurement.stop();
            load = results.load("light", 1, Double.NaN, seconds, samples, HttpLoad.okCount(samples) / seconds,
                    usage.batches(), usage.cpuMsPerRequest(samples.size()));
        }
        double b1 = results.ceiling == null ? Double.NaN : results.ceiling.batch1Ms();
        double daemonMs = load.batches().meanInferenceMsBySize().getOrDefault(1, Double.NaN);
        results.light = new BenchResults.Light(load, load.latencyMs().p50() - b1, daemonMs,
                load.latencyMs().p50() - daemonMs);
        console.blankLine();
        console.table(ResultTables.light(results));
        console.failures(load);
        console.info(String.format("overhead over bare batch-1 inference: p50 %s ms - %s ms = %s ms%s",
                f1(load.latencyMs().p50()), f1(b1), f1(results.light.overheadMs()),
                Double.isNaN(b1) ? " (no ceiling in this run)" : ""));
        console.info(String.format("the daemon's own batch-1 inference meanwhile: %s ms (p50 - that = %s ms: Apache, "
                + "Tomcat decode/resize, Redis, the daemon's round trips)", f1(daemonMs),
                f1(results.light.overheadOverDaemonMs())));
    }
}
