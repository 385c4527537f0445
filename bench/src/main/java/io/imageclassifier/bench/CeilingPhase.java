package io.imageclassifier.bench;

import io.imageclassifier.protocol.Settings;
import java.nio.file.Path;
import java.util.List;

/** ceiling: bare ONNX Runtime in this process, per batch size ({@link CeilingBench}). */
final class CeilingPhase implements Phase {

    private final PhaseContext context;
    private final Settings settings;
    private final List<Path> photos;
    private final StackGuard guard;

    CeilingPhase(PhaseContext context, Settings settings, List<Path> photos, StackGuard guard) {
        this.context = context;
        this.settings = settings;
        this.photos = photos;
        this.guard = guard;
    }

    @Override
    public String name() {
        return "ceiling";
    }

    @Override
    public void run() throws Exception {
        BenchOptions o = context.options();
        BenchResults results = context.results();
        Console console = context.console();
        console.section("[ceiling] bare ONNX Runtime in this process, batch " + o.batches);
        CeilingBench.Plan plan = o.quick ? new CeilingBench.Plan(1, 3, 5, 0.5) : new CeilingBench.Plan(3, 5, 30, 3.0);
        console.info("per batch size: " + plan.warmupRuns() + " warm-up runs, then " + plan.minRuns() + ".."
                + plan.maxRuns() + " timed runs (about " + plan.targetSeconds() + " s); the median counts");
        CeilingBench.Result c;
        BatchLog.BatchStats daemonMeanwhile;
        // The lock keeps other users' load (and so the daemon) off the CPU while this measures.
        try (StackGuard.Held lock = guard.lock(Durations.seconds(o.lockWaitSeconds))) {
            BatchLog.Cursor cursor = BatchLog.mark(o.daemonLog);
            c = CeilingBench.run(settings, o.batches, plan, photos, console::info);
            daemonMeanwhile = cursor.batchesSince();
        }
        CeilingBench.Row best = c.best();
        CeilingBench.Row one = c.forBatch(1);
        results.ceiling = new BenchResults.Ceiling(c.device(), c.threads(), c.modelPath(), c.rows(),
                best == null ? 0 : best.batch(), best == null ? Double.NaN : best.imagesPerSecond(),
                one == null ? Double.NaN : one.medianMs());
        String busy = c.rows().stream().filter(r -> r.otherCpuPercent() > 10)
                .map(r -> "batch " + r.batch() + ": " + TextTable.format(r.otherCpuPercent(), 0) + " %")
                .reduce((a, b) -> a + ", " + b).orElse(null);
        if (busy != null) {
            results.notes.add("other processes used the CPU during the ceiling (" + busy + " of all cores): those"
                    + " rows are understated; run again on a quiet machine");
            console.info("NOTE: " + results.notes.get(results.notes.size() - 1));
        }
        if (daemonMeanwhile.batches() > 0) {
            console.problem("the model daemon ran " + daemonMeanwhile.batches() + " batches ("
                    + daemonMeanwhile.images() + " images) during the ceiling phase: someone sent load, so the"
                    + " ceiling is understated");
        }
        console.blankLine();
        console.table(ResultTables.ceiling(results));
    }
}
