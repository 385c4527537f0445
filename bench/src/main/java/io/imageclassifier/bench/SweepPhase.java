package io.imageclassifier.bench;

import static io.imageclassifier.bench.Figures.f1;
import static io.imageclassifier.bench.Figures.f2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicReference;

/** sweep: a closed loop through Apache at each concurrency level, up to saturation. */
final class SweepPhase implements Phase {

    private static final String ROW = "%7s  %7s  %6s  %8s  %6s  %8s  %8s  %10s  %6s";

    private final PhaseContext context;
    private final StackUnderTest stack;

    SweepPhase(PhaseContext context, StackUnderTest stack) {
        this.context = context;
        this.stack = stack;
    }

    @Override
    public String name() {
        return "sweep";
    }

    @Override
    public void run() throws Exception {
        BenchOptions o = context.options();
        BenchResults results = context.results();
        Console console = context.console();
        console.section(String.format("[sweep] closed loop through Apache, clients %s: %s s warm-up + %s s measured"
                + " per level", o.levels, f1(o.warmupSeconds), f1(o.levelSeconds)));
        try (StackGuard.Held lock = stack.lock()) {
            stack.ensureReady();
            console.info(String.format(ROW, "clients", "req/s", "%ceil", "requests", "failed", "p50 ms", "p99 ms",
                    "mean batch", "busy%"));
            for (int clients : o.levels) {
                BenchResults.Load level = level(clients);
                results.sweep.add(level);
                console.info(String.format(ROW, clients, f1(level.throughputPerSecond()),
                        f1(level.percentOfCeiling()), level.requests(), level.failed(), f1(level.latencyMs().p50()),
                        f1(level.latencyMs().p99()), f2(level.batches().meanBatch()),
                        f1(level.daemonBusyPercent())));
            }
        }
        console.blankLine();
        console.table(ResultTables.sweep(results));
        for (BenchResults.Load level : results.sweep) {
            console.failures(level);
        }
        BenchResults.Load top = results.saturation();
        if (top != null) {
            console.info(String.format("saturation: %s req/s at %d clients = %s %% of the ceiling (%s img/s)",
                    f1(top.throughputPerSecond()), top.clients(), f1(top.percentOfCeiling()),
                    f1(results.ceilingImagesPerSecond())));
        }
    }

    /** One level: the stack is measured over the window only, not the warm-up or the drain. */
    private BenchResults.Load level(int clients) throws InterruptedException {
        BenchOptions o = context.options();
        AtomicReference<StackMeasurement> measurement = new AtomicReference<>();
        AtomicReference<StackMeasurement.Usage> usage = new AtomicReference<>();
        HttpLoad.ClosedLoopRun run = stack.http().closedLoop(clients, Durations.seconds(o.warmupSeconds),
                Durations.seconds(o.levelSeconds),
                () -> measurement.set(unchecked(stack::startMeasuring)),
                () -> usage.set(unchecked(() -> measurement.get().stop())));
        long answered = Math.round(run.throughput() * run.windowSeconds()) + run.failedInWindow();
        return context.results().load("clients=" + clients, clients, Double.NaN, run.windowSeconds(), run.measured(),
                run.throughput(), usage.get().batches(), usage.get().cpuMsPerRequest(answered));
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> T unchecked(IoSupplier<T> supplier) {
        try {
            return supplier.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
