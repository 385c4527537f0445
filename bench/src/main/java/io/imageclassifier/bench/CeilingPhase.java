package io.imageclassifier.bench;

import io.imageclassifier.protocol.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
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
        String served = settings.modelPrecision();
        List<String> precisions = o.precisions.isEmpty() ? List.of(served) : o.precisions;
        List<BenchResults.Ceiling> ceilings = new ArrayList<>();
        BatchLog.BatchStats daemonMeanwhile;
        // The lock keeps other users' load (and so the daemon) off the CPU while this measures.
        try (StackGuard.Held lock = guard.lock(Durations.seconds(o.lockWaitSeconds))) {
            BatchLog.Cursor cursor = BatchLog.mark(o.daemonLog);
            for (String precision : precisions) {
                CeilingBench.Result c = CeilingBench.run(settings.with("model.precision", precision), o.batches, plan,
                        photos, console::info);
                CeilingBench.Row best = c.best();
                CeilingBench.Row one = c.forBatch(1);
                ceilings.add(new BenchResults.Ceiling(c.device(), c.threads(), c.modelPath(), c.rows(),
                        best == null ? 0 : best.batch(), best == null ? Double.NaN : best.imagesPerSecond(),
                        one == null ? Double.NaN : one.medianMs(), precision));
            }
            daemonMeanwhile = cursor.batchesSince();
        }
        for (BenchResults.Ceiling c : ceilings) {
            if (c.precision().equals(served) && results.ceiling == null) {
                results.ceiling = c;
            } else {
                results.otherCeilings.add(c);
            }
        }
        String busy = ceilings.stream().flatMap(c -> c.rows().stream()).filter(r -> r.otherCpuPercent() > 10)
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
        for (BenchResults.Ceiling c : ceilings) {
            console.blankLine();
            console.info(c.precision() + " (" + c.model() + "):");
            console.table(ResultTables.ceiling(c));
        }
    }
}
