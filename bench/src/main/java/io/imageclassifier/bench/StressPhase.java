package io.imageclassifier.bench;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * stress: the original stress pattern, COUNT requests INTERVAL seconds apart, each started on
 * schedule whether or not the earlier ones have answered: the load {@link StressTest} sends.
 */
final class StressPhase implements Phase {

    private final PhaseContext context;
    private final StackUnderTest stack;

    StressPhase(PhaseContext context, StackUnderTest stack) {
        this.context = context;
        this.stack = stack;
    }

    @Override
    public String name() {
        return "stress";
    }

    @Override
    public void run() throws Exception {
        BenchOptions o = context.options();
        BenchResults results = context.results();
        Console console = context.console();
        console.section(String.format("[stress] the original pattern: %d requests %s s apart (open loop, one thread"
                + " each)", o.stressCount, o.stressInterval));
        HttpLoad.OpenLoopRun run;
        StackMeasurement.Usage usage;
        try (StackGuard.Held lock = stack.lock()) {
            stack.ensureReady();
            StackMeasurement measurement = stack.startMeasuring();
            AtomicInteger done = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            int step = Math.max(1, o.stressCount / 5);
            run = stack.http().openLoop(o.stressCount, Durations.seconds(o.stressInterval), 0, s -> {
                if (!s.ok()) {
                    failed.incrementAndGet();
                }
                int n = done.incrementAndGet();
                if (n % step == 0 || n == o.stressCount) {
                    console.info(String.format("%d/%d answered, %d failed", n, o.stressCount, failed.get()));
                }
            });
            usage = measurement.stop();
        }
        BenchResults.Load load = results.load("stress", 0, o.stressInterval > 0 ? 1 / o.stressInterval : Double.NaN,
                run.wallSeconds(), run.samples(), HttpLoad.okCount(run.samples()) / run.wallSeconds(),
                usage.batches(), usage.cpuMsPerRequest(run.samples().size()));
        results.stress = new BenchResults.Stress(o.stressCount, o.stressInterval, load, run.maxInFlight());
        console.blankLine();
        console.table(ResultTables.stress(results));
        console.failures(load);
        if (load.batches().batches() > 0) {
            console.info("batch sizes: " + ResultTables.histogram(load.batches().histogram()));
        }
    }
}
