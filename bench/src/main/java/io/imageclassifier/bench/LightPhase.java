package io.imageclassifier.bench;

import static io.imageclassifier.bench.Figures.f1;

import java.util.List;

/** light: one request at a time through Apache, and its overhead over bare batch-1 inference. */
final class LightPhase implements Phase {

    private final PhaseContext context;
    private final StackUnderTest stack;
    private final StageTimes stageTimes;

    LightPhase(PhaseContext context, StackUnderTest stack) {
        this.context = context;
        this.stack = stack;
        this.stageTimes = new StageTimes(context.options().url);
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
        // Light load is the steady state one client sees, not a freshly started Tomcat: after a
        // restart its JIT keeps compiling for about a thousand requests (2-core AMD EPYC, six test
        // photos: Tomcat's CPU per request 18.6 ms in the first 10 s, 11.8 ms at 40 s, 9.6-10.2 ms
        // from 50 s on). The sweep comes after this phase and finds Tomcat warm.
        int warmup = o.lightWarmup;
        console.section("[light] one request at a time through Apache: " + warmup + " warm-up, then " + o.lightCount);
        BenchResults.Load load;
        StageTimes.Means stages;
        try (StackGuard.Held lock = stack.lock()) {
            stack.ensureReady();
            stack.http().sequential(warmup, 1000);
            StageTimes.Snapshot stagesBefore = stageTimes.snapshot();
            StackMeasurement measurement = stack.startMeasuring();
            long start = System.nanoTime();
            List<HttpLoad.Sample> samples = stack.http().sequential(o.lightCount, 0);
            double seconds = (System.nanoTime() - start) / 1e9;
            StackMeasurement.Usage usage = measurement.stop();
            stages = StageTimes.between(stagesBefore, stageTimes.snapshot(), HttpLoad.okCount(samples));
            load = results.load("light", 1, Double.NaN, seconds, samples, HttpLoad.okCount(samples) / seconds,
                    usage.batches(), usage.cpuMsPerRequest(samples.size()));
        }
        double b1 = results.ceiling == null ? Double.NaN : results.ceiling.batch1Ms();
        double daemonMs = load.batches().meanInferenceMsBySize().getOrDefault(1, Double.NaN);
        results.light = new BenchResults.Light(load, load.latencyMs().p50() - b1, daemonMs,
                load.latencyMs().p50() - daemonMs, stages);
        console.blankLine();
        console.table(ResultTables.light(results));
        console.failures(load);
        console.info(String.format("overhead over bare batch-1 inference: p50 %s ms - %s ms = %s ms%s",
                f1(load.latencyMs().p50()), f1(b1), f1(results.light.overheadMs()),
                Double.isNaN(b1) ? " (no ceiling in this run)" : ""));
        console.info(String.format("the daemon's own batch-1 inference meanwhile: %s ms (p50 - that = %s ms: Apache, "
                + "Tomcat decode/resize, Redis, the daemon's round trips)", f1(daemonMs),
                f1(results.light.overheadOverDaemonMs())));
        if (Double.isNaN(stages.sumMs())) {
            console.info("where the time went in the web app: unknown (its /metrics did not count exactly this "
                    + "phase's requests: another Tomcat behind the balancer, other traffic, or an older web app)");
        } else {
            console.info(String.format("where the time went, means over the phase (web app's /metrics): reading the "
                    + "upload %s ms, decode + resize %s ms, queued until answered %s ms (of which the daemon's "
                    + "inference %s ms); the rest of the mean %s ms, %s ms, is Apache, AJP, writing the answer "
                    + "and this client", f1(stages.uploadReadMs()), f1(stages.preprocessMs()), f1(stages.modelWaitMs()),
                    f1(daemonMs), f1(load.latencyMs().mean()), f1(load.latencyMs().mean() - stages.sumMs())));
        }
    }
}
