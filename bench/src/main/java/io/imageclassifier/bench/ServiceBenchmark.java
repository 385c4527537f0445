package io.imageclassifier.bench;

import io.imageclassifier.protocol.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * scripts/bench: measures the running service against its ceiling in one run. See
 * {@link BenchOptions#USAGE} for the phases and options; the figures go to results.json,
 * results.csv and bench.png in the output directory.
 */
public final class ServiceBenchmark {

    private final BenchOptions o;
    private final BenchResults results = new BenchResults();
    private final long t0 = System.nanoTime();
    private final Path outDir;
    private Settings settings;
    private StackGuard guard;
    private StackCpu cpu;
    private HttpLoad http;
    private List<Path> photos;
    private boolean restartPending;
    private volatile String currentPhase = "start";
    private volatile boolean finished;

    ServiceBenchmark(BenchOptions options, Path outDir) {
        this.o = options;
        this.outDir = outDir;
        this.restartPending = options.restartStack;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
        Path root = Path.of(System.getProperty("repo.root", ".")).toAbsolutePath().normalize();
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, root);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        if (options.replot != null) {
            BenchResults earlier = BenchResults.gson().fromJson(Files.readString(options.replot), BenchResults.class);
            Path png = options.replot.toAbsolutePath().resolveSibling("bench.png");
            Charts.write(earlier, png);
            System.out.println("wrote " + png);
            return;
        }
        Path out = options.out != null ? options.out : root.resolve("runtime/bench")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        int rc = new ServiceBenchmark(options, out.toAbsolutePath().normalize()).run();
        System.exit(rc);
    }

    int run() throws IOException {
        Files.createDirectories(outDir);
        results.startedAt = LocalDateTime.now().toString();
        photos = HttpLoad.photos(o.images);
        settings = loadSettings(o.root);
        cpu = new StackCpu(o.root);
        guard = new StackGuard(o.lock, o.root, o.home(), o.mayStart, outDir.resolve("scripts-start.log"), this::info);
        describeEnvironment();

        section("Benchmark of " + o.url + (o.quick ? " (quick)" : ""));
        info("phases: " + String.join(", ", o.phases) + (o.soak() ? ", soak " + o.soakMinutes + " min" : ""));
        info("results: " + outDir);
        info("host: " + results.environment.get("host") + ", " + results.environment.get("cpus") + " CPUs, load average "
                + results.environment.get("loadAverageAtStart"));
        info("daemon settings: batch.size " + settings.batchSize() + ", batch.max.delay.ms "
                + settings.batchMaxDelay().toMillis() + ", model.threads " + settings.modelThreads() + ", model.device "
                + settings.modelDevice());
        info("lock: " + (o.lock == null ? "none" : o.lock + ", taken per phase"));

        if (o.phases.contains("light") || o.phases.contains("sweep") || o.phases.contains("stress") || o.soak()) {
            if (photos.isEmpty()) {
                error("no photos in " + o.images + " (scripts/setup fetches them): the HTTP phases cannot run");
            } else {
                http = new HttpLoad(o.url, photos, Duration.ofSeconds(o.timeoutSeconds));
                info("photos: " + String.join(", ", http.imageNames()) + " (request i sends photo i mod "
                        + photos.size() + ")");
            }
        }
        // A signal (Ctrl-C, kill) still leaves the figures of the phases (and sweep levels) done so far.
        Thread onSignal = new Thread(() -> {
            if (!finished) {
                synchronized (this) {
                    results.errors.add("interrupted by a signal during the " + currentPhase + " phase; the figures"
                            + " are those measured until then");
                    try {
                        finish();
                    } catch (IOException | RuntimeException e) {
                        System.out.println("    could not write the results: " + e);
                    }
                }
            }
        }, "write-partial-results");
        Runtime.getRuntime().addShutdownHook(onSignal);
        phase("ceiling", this::ceiling);
        if (http != null) {
            phase("light", this::light);
            phase("sweep", this::sweep);
            phase("stress", this::stress);
            if (o.soak()) {
                phase("soak", this::soak);
            }
        }
        synchronized (this) {
            finish();
        }
        return results.errors.isEmpty() ? 0 : 1;
    }

    interface Phase {
        void run() throws Exception;
    }

    private void phase(String name, Phase body) {
        if (!name.equals("soak") && !o.phases.contains(name)) {
            return;
        }
        long start = System.nanoTime();
        currentPhase = name;
        try {
            body.run();
        } catch (Exception e) {
            error(name + " phase failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            results.phaseSeconds.put(name, round1((System.nanoTime() - start) / 1e9));
        }
    }

    // ---------------------------------------------------------------- phases

    private void ceiling() throws Exception {
        section("[ceiling] bare ONNX Runtime in this process, batch " + o.batches);
        CeilingBench.Plan plan = o.quick ? new CeilingBench.Plan(1, 3, 5, 0.5) : new CeilingBench.Plan(3, 5, 30, 3.0);
        info("per batch size: " + plan.warmupRuns() + " warm-up runs, then " + plan.minRuns() + ".." + plan.maxRuns()
                + " timed runs (about " + plan.targetSeconds() + " s); the median counts");
        CeilingBench.Result c;
        BatchLog.BatchStats daemonMeanwhile;
        // The lock keeps other users' load (and so the daemon) off the CPU while this measures.
        try (StackGuard.Held lock = guard.lock(seconds(o.lockWaitSeconds))) {
            BatchLog.Cursor cursor = BatchLog.mark(o.daemonLog);
            c = CeilingBench.run(settings, o.batches, plan, photos, this::info);
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
            info("NOTE: " + results.notes.get(results.notes.size() - 1));
        }
        if (daemonMeanwhile.batches() > 0) {
            error("the model daemon ran " + daemonMeanwhile.batches() + " batches (" + daemonMeanwhile.images()
                    + " images) during the ceiling phase: someone sent load, so the ceiling is understated");
        }
        System.out.println();
        System.out.print(ceilingTable().render("    "));
    }

    private void light() throws Exception {
        // Enough for the JIT to compile the web tier's decode and resize loops: light load is the
        // steady state one client sees, not a freshly started Tomcat (the sweep warms up too).
        int warmup = o.quick ? 5 : 50;
        section("[light] one request at a time through Apache: " + warmup + " warm-up, then " + o.lightCount);
        BenchResults.Load load;
        try (StackGuard.Held lock = guard.lock(seconds(o.lockWaitSeconds))) {
            ensureReady();
            http.sequential(warmup, 1000);
            BatchLog.Cursor cursor = BatchLog.mark(o.daemonLog);
            StackCpu.Snapshot cpuBefore = cpu.take();
            long start = System.nanoTime();
            List<HttpLoad.Sample> samples = http.sequential(o.lightCount, 0);
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Double> cpuMs = StackCpu.msPerRequest(cpuBefore, cpu.take(), samples.size());
            BatchLog.BatchStats batches = cursor.batchesSince();
            load = load("light", 1, Double.NaN, seconds, samples, okCount(samples) / seconds, batches, cpuMs);
        }
        double b1 = results.ceiling == null ? Double.NaN : results.ceiling.batch1Ms();
        double daemonMs = load.batches().meanInferenceMsBySize().getOrDefault(1, Double.NaN);
        results.light = new BenchResults.Light(load, load.latencyMs().p50() - b1, daemonMs,
                load.latencyMs().p50() - daemonMs);
        System.out.println();
        System.out.print(lightTable().render("    "));
        printFailures(load);
        info(String.format("overhead over bare batch-1 inference: p50 %s ms - %s ms = %s ms%s",
                f1(load.latencyMs().p50()), f1(b1), f1(results.light.overheadMs()),
                Double.isNaN(b1) ? " (no ceiling in this run)" : ""));
        info(String.format("the daemon's own batch-1 inference meanwhile: %s ms (p50 - that = %s ms: Apache, "
                + "Tomcat decode/resize, Redis, the daemon's round trips)", f1(daemonMs),
                f1(results.light.overheadOverDaemonMs())));
    }

    private void sweep() throws Exception {
        section(String.format("[sweep] closed loop through Apache, clients %s: %s s warm-up + %s s measured per level",
                o.levels, f1(o.warmupSeconds), f1(o.levelSeconds)));
        double best = bestCeiling();
        String header = String.format("    %7s  %7s  %6s  %8s  %6s  %8s  %8s  %10s  %6s", "clients", "req/s",
                "%ceil", "requests", "failed", "p50 ms", "p99 ms", "mean batch", "busy%");
        try (StackGuard.Held lock = guard.lock(seconds(o.lockWaitSeconds))) {
            ensureReady();
            System.out.println(header);
            for (int clients : o.levels) {
                AtomicReference<BatchLog.Cursor> cursor = new AtomicReference<>();
                AtomicReference<BatchLog.BatchStats> batches = new AtomicReference<>(BatchLog.BatchStats.NONE);
                AtomicReference<StackCpu.Snapshot> cpuStart = new AtomicReference<>();
                AtomicReference<StackCpu.Snapshot> cpuEnd = new AtomicReference<>();
                HttpLoad.ClosedLoopRun run = http.closedLoop(clients, seconds(o.warmupSeconds), seconds(o.levelSeconds),
                        () -> {
                            cursor.set(unchecked(() -> BatchLog.mark(o.daemonLog)));
                            cpuStart.set(cpu.take());
                        },
                        () -> {
                            cpuEnd.set(cpu.take());
                            batches.set(unchecked(() -> cursor.get().batchesSince()));
                        });
                List<HttpLoad.Sample> measured = run.measured();
                long answered = Math.round(run.throughput() * run.windowSeconds()) + run.failedInWindow();
                BenchResults.Load level = load("clients=" + clients, clients, Double.NaN, run.windowSeconds(),
                        measured, run.throughput(), batches.get(),
                        StackCpu.msPerRequest(cpuStart.get(), cpuEnd.get(), answered));
                results.sweep.add(level);
                System.out.printf("    %7d  %7s  %6s  %8d  %6d  %8s  %8s  %10s  %6s%n", clients,
                        f1(level.throughputPerSecond()), f1(level.percentOfCeiling()), level.requests(), level.failed(),
                        f1(level.latencyMs().p50()), f1(level.latencyMs().p99()), f2(level.batches().meanBatch()),
                        f1(level.daemonBusyPercent()));
            }
        }
        System.out.println();
        System.out.print(sweepTable().render("    "));
        for (BenchResults.Load level : results.sweep) {
            printFailures(level);
        }
        BenchResults.Load top = bestLevel();
        if (top != null) {
            info(String.format("saturation: %s req/s at %d clients = %s %% of the ceiling (%s img/s)",
                    f1(top.throughputPerSecond()), top.clients(), f1(top.percentOfCeiling()), f1(best)));
        }
    }

    private void stress() throws Exception {
        section(String.format("[stress] the original pattern: %d requests %s s apart (open loop, one thread each)",
                o.stressCount, o.stressInterval));
        HttpLoad.OpenLoopRun run;
        BatchLog.BatchStats batches;
        Map<String, Double> cpuMs;
        try (StackGuard.Held lock = guard.lock(seconds(o.lockWaitSeconds))) {
            ensureReady();
            BatchLog.Cursor cursor = BatchLog.mark(o.daemonLog);
            StackCpu.Snapshot cpuBefore = cpu.take();
            AtomicInteger done = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            int step = Math.max(1, o.stressCount / 5);
            run = http.openLoop(o.stressCount, seconds(o.stressInterval), 0, s -> {
                if (!s.ok()) {
                    failed.incrementAndGet();
                }
                int n = done.incrementAndGet();
                if (n % step == 0 || n == o.stressCount) {
                    info(String.format("%d/%d answered, %d failed", n, o.stressCount, failed.get()));
                }
            });
            cpuMs = StackCpu.msPerRequest(cpuBefore, cpu.take(), run.samples().size());
            batches = cursor.batchesSince();
        }
        BenchResults.Load load = load("stress", 0, o.stressInterval > 0 ? 1 / o.stressInterval : Double.NaN,
                run.wallSeconds(), run.samples(), okCount(run.samples()) / run.wallSeconds(), batches, cpuMs);
        results.stress = new BenchResults.Stress(o.stressCount, o.stressInterval, load, run.maxInFlight());
        System.out.println();
        System.out.print(stressTable().render("    "));
        printFailures(load);
        if (load.batches().batches() > 0) {
            info("batch sizes: " + histogramText(load.batches().histogram()));
        }
    }

    private void soak() throws Exception {
        double rate = o.soakRate;
        BenchResults.Load top = bestLevel();
        if (Double.isNaN(rate)) {
            if (top == null || !(top.throughputPerSecond() > 0)) {
                throw new IllegalStateException("the soak needs --soak-rate or the sweep phase (80% of its best)");
            }
            rate = 0.8 * top.throughputPerSecond();
        }
        double warmup = o.quick ? 15 : 60;
        double minutes = o.soakMinutes;
        double every = o.quick ? 10 : 30;
        section(String.format("[soak] open loop at %s req/s: %s s warm-up, then %s min measured; memory compared"
                + " idle (drained, after a full GC of Tomcat) before and after", f1(rate), f1(warmup), f1(minutes)));
        Path daemonPidFile = o.daemonPidFile;
        Path tomcatPidFile = o.tomcatPidFile;
        try (StackGuard.Held lock = guard.lock(seconds(o.lockWaitSeconds))) {
            ensureReady();
            OptionalLong daemonPid = ProcessProbe.pid(daemonPidFile);
            OptionalLong tomcatPid = ProcessProbe.pid(tomcatPidFile);
            info("daemon pid " + (daemonPid.isPresent() ? daemonPid.getAsLong() : "unknown")
                    + ", Tomcat pid " + (tomcatPid.isPresent() ? tomcatPid.getAsLong() : "unknown"));
            Duration interval = seconds(1 / rate);
            long start = System.nanoTime();
            // Warm-up, then a quiet moment: memory is compared with no request in flight, each time
            // after a full GC of Tomcat, so that what is left is what the service keeps.
            HttpLoad.OpenLoopRun warm = http.openLoop(Integer.MAX_VALUE, interval,
                    start + seconds(warmup).toNanos(), null);
            info(String.format("warm-up: %d requests, %d failed; drained", warm.samples().size(),
                    warm.samples().size() - okCount(warm.samples())));
            List<BenchResults.MemorySample> samples = new ArrayList<>();
            BenchResults.MemorySample first = memory(start, daemonPid, tomcatPid, true);
            samples.add(first);
            info("start (idle, after warm-up): " + memoryText(first));

            BatchLog.Cursor cursor = BatchLog.mark(o.daemonLog);
            StackCpu.Snapshot cpuBefore = cpu.take();
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
            long next = measureStart + seconds(every).toNanos();
            while (end - next > seconds(every / 2).toNanos()) {
                sleepUntil(next);
                List<HttpLoad.Sample> window = drain(recent);
                BenchResults.MemorySample m = memory(start, daemonPid, tomcatPid, false);
                samples.add(m);
                Stats.Summary s = Stats.summarize(HttpLoad.okLatencies(window));
                info(String.format("t=%4.0f s: %d answered (%d failed), p50 %s ms, p99 %s ms; %s", m.atSeconds(),
                        window.size(), window.stream().filter(x -> !x.ok()).count(), f1(s.p50()), f1(s.p99()),
                        memoryText(m)));
                next += seconds(every).toNanos();
            }
            loader.join(Math.max(0, (end - System.nanoTime()) / 1_000_000) + (o.timeoutSeconds + 30) * 1000L);
            if (failure.get() != null) {
                throw failure.get();
            }
            HttpLoad.OpenLoopRun run = runRef.get();
            if (run == null) {
                throw new IllegalStateException("the soak load did not finish");
            }
            Map<String, Double> cpuMs = StackCpu.msPerRequest(cpuBefore, cpu.take(), run.samples().size());
            BenchResults.MemorySample last = memory(start, daemonPid, tomcatPid, true);
            samples.add(last);
            info("end (idle, drained): " + memoryText(last));
            BenchResults.Load load = load("soak", 0, rate, run.wallSeconds(), run.samples(),
                    okCount(run.samples()) / run.wallSeconds(), cursor.batchesSince(), cpuMs);
            results.soak = new BenchResults.Soak(minutes, rate, warmup, load, first, last, samples,
                    growth(first.daemonRssMb(), last.daemonRssMb()),
                    growth(first.tomcatHeapUsedMb(), last.tomcatHeapUsedMb()),
                    growth(first.tomcatHeapAfterGcMb(), last.tomcatHeapAfterGcMb()));
        }
        System.out.println();
        System.out.print(soakTable().render("    "));
        info(soakLoadText(results.soak.load()));
        printFailures(results.soak.load());
    }

    // ---------------------------------------------------------------- helpers

    /** With the lock held: the stack answers, and one real prediction succeeds (else scripts/start, once). */
    private void ensureReady() throws IOException, InterruptedException {
        if (restartPending) {
            restartPending = false;
            guard.restart("--restart-stack (the stack must run the code as now built)");
        }
        guard.ensureUp();
        HttpLoad.Sample probe = http.send(0);
        if (probe.ok()) {
            return;
        }
        guard.restart("a test prediction failed (" + probe.failure() + ")");
        probe = http.send(0);
        if (!probe.ok()) {
            throw new IOException("predictions still fail after scripts/start: " + probe.failure());
        }
    }

    private BenchResults.Load load(String name, int clients, double offered, double seconds,
                                   List<HttpLoad.Sample> samples, double throughput, BatchLog.BatchStats batches,
                                   Map<String, Double> cpuMs) {
        int ok = okCount(samples);
        Stats.Summary latency = Stats.summarize(HttpLoad.okLatencies(samples));
        double busy = batches.timedBatches() == 0 ? Double.NaN : Stats.percent(batches.inferenceMs(), seconds * 1000);
        return new BenchResults.Load(name, clients, offered, round3(seconds), samples.size(), ok, samples.size() - ok,
                HttpLoad.failures(samples), throughput, latency, BenchResults.Batches.of(batches), busy,
                Stats.percent(throughput, bestCeiling()), cpuMs);
    }

    private static int okCount(List<HttpLoad.Sample> samples) {
        return (int) samples.stream().filter(HttpLoad.Sample::ok).count();
    }

    private double bestCeiling() {
        return results.ceiling == null ? Double.NaN : results.ceiling.bestImagesPerSecond();
    }

    private BenchResults.Load bestLevel() {
        return results.sweep.stream().max((a, b) -> Double.compare(a.throughputPerSecond(), b.throughputPerSecond()))
                .orElse(null);
    }

    private BenchResults.MemorySample memory(long start, OptionalLong daemonPid, OptionalLong tomcatPid, boolean gc) {
        double at = round1((System.nanoTime() - start) / 1e9);
        double rss = daemonPid.isPresent() ? mb(ProcessProbe.rssKb(daemonPid.getAsLong())) : Double.NaN;
        double heap = tomcatPid.isPresent() ? mb(ProcessProbe.heapUsedKb(tomcatPid.getAsLong(), false)) : Double.NaN;
        double afterGc = gc && tomcatPid.isPresent() ? mb(ProcessProbe.heapUsedKb(tomcatPid.getAsLong(), true)) : Double.NaN;
        return new BenchResults.MemorySample(at, rss, heap, afterGc);
    }

    private static double mb(OptionalLong kb) {
        return kb.isPresent() ? round1(kb.getAsLong() / 1024.0) : Double.NaN;
    }

    private static String memoryText(BenchResults.MemorySample m) {
        return "daemon RSS " + f1(m.daemonRssMb()) + " MB, Tomcat heap used " + f1(m.tomcatHeapUsedMb()) + " MB"
                + (Double.isNaN(m.tomcatHeapAfterGcMb()) ? "" : " (" + f1(m.tomcatHeapAfterGcMb()) + " MB after a full GC)");
    }

    static double growth(double from, double to) {
        return from > 0 ? round1(100 * (to - from) / from) : Double.NaN;
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

    private static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }

    interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> T unchecked(IoSupplier<T> supplier) {
        try {
            return supplier.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Settings loadSettings(Path root) {
        Map<String, String> env = new HashMap<>(System.getenv());
        Path config = root.resolve("runtime/classifier.properties");
        if (!env.containsKey(Settings.CONFIG_FILE_VARIABLE) && Files.isReadable(config)) {
            env.put(Settings.CONFIG_FILE_VARIABLE, config.toString());
        }
        Settings s = Settings.fromEnvironment(env);
        if (!s.modelPath().isAbsolute()) {
            s = s.with("model.path", root.resolve(s.modelPath()).toString());
        }
        return s;
    }

    private void describeEnvironment() {
        Map<String, Object> env = results.environment;
        try {
            env.put("host", InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            env.put("host", "unknown");
        }
        env.put("cpus", Runtime.getRuntime().availableProcessors());
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        env.put("loadAverageAtStart", loadAverage());
        Map<String, Object> s = new java.util.LinkedHashMap<>();
        for (String key : List.of("batch.size", "batch.max.delay.ms", "model.threads", "model.device", "model.path",
                "request.timeout.ms")) {
            s.put(key, settings.string(key));
        }
        env.put("settings", s);
        env.put("photos", photos.stream().map(p -> p.getFileName().toString()).toList());
        Map<String, Object> opt = results.options;
        opt.put("phases", new ArrayList<>(o.phases));
        opt.put("quick", o.quick);
        opt.put("url", o.url.toString());
        opt.put("batches", o.batches);
        opt.put("levels", o.levels);
        opt.put("levelSeconds", o.levelSeconds);
        opt.put("warmupSeconds", o.warmupSeconds);
        opt.put("lightCount", o.lightCount);
        opt.put("stressCount", o.stressCount);
        opt.put("stressInterval", o.stressInterval);
        opt.put("soakMinutes", o.soakMinutes);
        opt.put("timeoutSeconds", o.timeoutSeconds);
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    // ---------------------------------------------------------------- output

    TextTable ceilingTable() {
        TextTable t = new TextTable("batch", "runs", "ms/batch (median)", "min ms", "p90 ms", "ms/image", "images/s",
                "others' CPU %");
        if (results.ceiling != null) {
            for (CeilingBench.Row r : results.ceiling.rows()) {
                t.row(r.batch(), r.runs(), r.medianMs(), r.minMs(), r.p90Ms(), r.msPerImage(), r.imagesPerSecond(),
                        TextTable.format(r.otherCpuPercent(), 0));
            }
        }
        return t;
    }

    TextTable lightTable() {
        TextTable t = new TextTable("requests", "ok", "failed", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean ms",
                "req/s", "overhead ms", "daemon b1 ms");
        if (results.light != null) {
            BenchResults.Load l = results.light.load();
            t.row(l.requests(), l.ok(), l.failed(), l.latencyMs().p50(), l.latencyMs().p90(), l.latencyMs().p99(),
                    l.latencyMs().max(), l.latencyMs().mean(), l.throughputPerSecond(), results.light.overheadMs(),
                    results.light.daemonInferenceMs());
        }
        return t;
    }

    TextTable sweepTable() {
        TextTable t = new TextTable("clients", "req/s", "% ceiling", "requests", "ok", "failed", "p50 ms", "p90 ms",
                "p99 ms", "max ms", "mean batch", "daemon busy %", "infer ms/batch");
        for (BenchResults.Load l : results.sweep) {
            t.row(l.clients(), l.throughputPerSecond(), l.percentOfCeiling(), l.requests(), l.ok(), l.failed(),
                    l.latencyMs().p50(), l.latencyMs().p90(), l.latencyMs().p99(), l.latencyMs().max(),
                    f2(l.batches().meanBatch()), l.daemonBusyPercent(), l.batches().meanInferenceMs());
        }
        return t;
    }

    /** CPU ms per request of each part of the stack, per load measurement. */
    TextTable cpuTable() {
        TextTable t = new TextTable("load", "req/s", "daemon", "tomcat", "apache", "redis", "client", "total ms/req",
                "machine busy %");
        List<BenchResults.Load> loads = new ArrayList<>();
        if (results.light != null) {
            loads.add(results.light.load());
        }
        loads.addAll(results.sweep);
        if (results.stress != null) {
            loads.add(results.stress.load());
        }
        if (results.soak != null) {
            loads.add(results.soak.load());
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        for (BenchResults.Load l : loads) {
            Map<String, Double> ms = l.cpuMsPerRequest();
            if (ms == null || ms.isEmpty()) {
                continue;
            }
            double total = ms.getOrDefault("total", Double.NaN);
            // CPU seconds per second over the cores; failed answers (their CPU is in the total) are ignored.
            t.row(l.name(), l.throughputPerSecond(), ms.get("daemon"), ms.get("tomcat"), ms.get("apache"),
                    ms.get("redis"), ms.get("client"), total, Stats.percent(total * l.throughputPerSecond() / 1000, cpus));
        }
        return t;
    }

    TextTable stressTable() {
        TextTable t = new TextTable("requests", "ok", "failed", "wall s", "ok/s", "p50 ms", "p90 ms", "p99 ms",
                "max ms", "mean batch", "max in flight");
        if (results.stress != null) {
            BenchResults.Load l = results.stress.load();
            t.row(l.requests(), l.ok(), l.failed(), l.seconds(), l.throughputPerSecond(), l.latencyMs().p50(),
                    l.latencyMs().p90(), l.latencyMs().p99(), l.latencyMs().max(), f2(l.batches().meanBatch()),
                    results.stress.maxInFlight());
        }
        return t;
    }

    TextTable soakTable() {
        TextTable t = new TextTable("", "at s", "daemon RSS MB", "Tomcat heap MB", "heap after GC MB");
        if (results.soak != null) {
            BenchResults.Soak s = results.soak;
            t.row("start", s.start().atSeconds(), s.start().daemonRssMb(), s.start().tomcatHeapUsedMb(),
                    s.start().tomcatHeapAfterGcMb());
            t.row("end", s.end().atSeconds(), s.end().daemonRssMb(), s.end().tomcatHeapUsedMb(),
                    s.end().tomcatHeapAfterGcMb());
            t.row("growth %", "", s.daemonRssGrowthPercent(), s.tomcatHeapGrowthPercent(),
                    s.tomcatHeapAfterGcGrowthPercent());
        }
        return t;
    }

    private static String soakLoadText(BenchResults.Load l) {
        return String.format("%d requests (%d failed) in %s s, %s OK/s; p50 %s ms, p99 %s ms, max %s ms; mean batch %s",
                l.requests(), l.failed(), f1(l.seconds()), f1(l.throughputPerSecond()), f1(l.latencyMs().p50()),
                f1(l.latencyMs().p99()), f1(l.latencyMs().max()), f2(l.batches().meanBatch()));
    }

    private void printFailures(BenchResults.Load load) {
        if (load.failed() == 0) {
            return;
        }
        info(load.name() + ": " + load.failed() + " of " + load.requests() + " requests failed:");
        load.failures().forEach((why, n) -> info("  " + n + " x " + why));
    }

    static String histogramText(Map<Integer, Long> histogram) {
        StringBuilder sb = new StringBuilder();
        histogram.forEach((n, c) -> sb.append(sb.length() == 0 ? "" : ", ").append(n).append(" x").append(c));
        return sb.toString();
    }

    BenchResults.Summary summary() {
        BenchResults.Ceiling c = results.ceiling;
        BenchResults.Light l = results.light;
        BenchResults.Load top = bestLevel();
        BenchResults.Load s = results.stress == null ? null : results.stress.load();
        return new BenchResults.Summary(
                c == null ? Double.NaN : c.bestImagesPerSecond(), c == null ? 0 : c.bestBatch(),
                c == null ? Double.NaN : c.batch1Ms(),
                l == null ? Double.NaN : l.load().latencyMs().p50(), l == null ? Double.NaN : l.load().latencyMs().p99(),
                l == null ? Double.NaN : l.overheadMs(),
                top == null ? Double.NaN : top.throughputPerSecond(), top == null ? 0 : top.clients(),
                top == null ? Double.NaN : top.percentOfCeiling(),
                s == null ? 0 : s.ok(), s == null ? 0 : s.failed(),
                s == null ? Double.NaN : s.latencyMs().p50(), s == null ? Double.NaN : s.latencyMs().p99(),
                s == null ? Double.NaN : s.latencyMs().max());
    }

    private void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (http != null && http.answersWithoutConnectionClose() > 0) {
            results.notes.add(http.answersWithoutConnectionClose() + " answers came without \"Connection: close\", so"
                    + " the client kept those connections and may have reused them (keep-alive failures possible)");
        }
        results.summary = summary();
        results.cpuModel = cpuModel();
        results.finishedAt = LocalDateTime.now().toString();
        results.totalSeconds = round1((System.nanoTime() - t0) / 1e9);
        List<String> files = results.files;
        files.add(outDir.resolve("results.json").toString());
        files.add(outDir.resolve("results.csv").toString());
        Path chart = outDir.resolve("bench.png");
        try {
            List<String> lines = new ArrayList<>(summaryLines());
            lines.removeIf(l -> l.startsWith("files:"));
            Charts.write(results, chart, lines);
            files.add(chart.toString());
        } catch (RuntimeException | IOException | Error e) {
            error("the chart could not be drawn: " + e);
        }
        Files.writeString(outDir.resolve("results.csv"), csv(results).render(), StandardCharsets.UTF_8);
        Files.writeString(outDir.resolve("results.json"), results.toJson() + "\n", StandardCharsets.UTF_8);

        section("Results");
        if (results.ceiling != null) {
            System.out.println("    Ceiling (bare ONNX Runtime, " + results.ceiling.device() + ", "
                    + results.ceiling.threads() + " intra-op threads):");
            System.out.print(ceilingTable().render("    "));
        }
        if (results.light != null) {
            System.out.println("\n    Light load (one request at a time):");
            System.out.print(lightTable().render("    "));
        }
        if (!results.sweep.isEmpty()) {
            System.out.println("\n    Saturation sweep (closed loop):");
            System.out.print(sweepTable().render("    "));
        }
        if (results.stress != null) {
            System.out.println("\n    Stress (" + results.stress.count() + " requests " + results.stress.intervalSeconds()
                    + " s apart):");
            System.out.print(stressTable().render("    "));
        }
        if (cpuTable().size() > 0) {
            System.out.println("\n    CPU per request by part of the stack (ms of CPU time, from /proc; busy % of "
                    + Runtime.getRuntime().availableProcessors() + " cores):");
            System.out.print(cpuTable().render("    "));
        }
        if (results.soak != null) {
            System.out.println("\n    Soak (" + f1(results.soak.ratePerSecond()) + " req/s for "
                    + f1(results.soak.minutes()) + " min):");
            System.out.print(soakTable().render("    "));
            System.out.println("    " + soakLoadText(results.soak.load()));
        }
        section("Summary");
        for (String line : summaryLines()) {
            System.out.println("    " + line);
        }
    }

    /** The web tier's CPU per request next to the daemon's, and their ratio: how decode-bound the service is. */
    private static String webToDaemonCpu(String load, BenchResults.Load l) {
        Double tomcat = l.cpuMsPerRequest().get("tomcat");
        Double daemon = l.cpuMsPerRequest().get("daemon");
        if (tomcat == null || daemon == null || daemon == 0) {
            return load + " n/a";
        }
        return String.format("%s Tomcat %s ms vs daemon %s ms of CPU per request = %.2f", load, f1(tomcat), f1(daemon),
                tomcat / daemon);
    }

    /** The processor, as /proc/cpuinfo names it: figures from different machines are not comparable. */
    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    List<String> summaryLines() {
        List<String> lines = new ArrayList<>();
        BenchResults.Summary s = results.summary;
        if (results.ceiling != null) {
            lines.add(String.format("ceiling:      %s img/s at batch %d (bare ONNX Runtime, %s, %d threads); batch 1: %s ms",
                    f1(s.ceilingBestImagesPerSecond()), s.ceilingBestBatch(), results.ceiling.device(),
                    results.ceiling.threads(), f1(s.ceilingBatch1Ms())));
        }
        if (results.light != null) {
            BenchResults.Load l = results.light.load();
            lines.add(String.format("light load:   p50 %s ms, p99 %s ms (%d requests, %d failed); overhead over bare "
                            + "batch 1: %s ms", f1(s.lightP50Ms()), f1(s.lightP99Ms()), l.requests(), l.failed(),
                    f1(s.lightOverheadMs())));
        }
        if (!results.sweep.isEmpty()) {
            int failed = results.sweep.stream().mapToInt(BenchResults.Load::failed).sum();
            int requests = results.sweep.stream().mapToInt(BenchResults.Load::requests).sum();
            lines.add(String.format("saturation:   %s req/s at %d clients = %s %% of the ceiling (%d requests, %d failed)",
                    f1(s.saturationThroughputPerSecond()), s.saturationClients(), f1(s.saturationPercentOfCeiling()),
                    requests, failed));
        }
        if (results.stress != null) {
            lines.add(String.format("stress:       %d OK, %d failed of %d; p50 %s ms, p99 %s ms, max %s ms",
                    s.stressOk(), s.stressFailed(), results.stress.count(), f1(s.stressP50Ms()), f1(s.stressP99Ms()),
                    f1(s.stressMaxMs())));
        }
        if (results.soak != null) {
            BenchResults.Soak k = results.soak;
            lines.add(String.format("soak:         %s min at %s req/s, %d failed; daemon RSS %s -> %s MB (%s %%), "
                            + "Tomcat heap after GC %s -> %s MB (%s %%)", f1(k.minutes()), f1(k.ratePerSecond()),
                    k.load().failed(), f1(k.start().daemonRssMb()), f1(k.end().daemonRssMb()),
                    f1(k.daemonRssGrowthPercent()), f1(k.start().tomcatHeapAfterGcMb()),
                    f1(k.end().tomcatHeapAfterGcMb()), f1(k.tomcatHeapAfterGcGrowthPercent())));
        }
        if (results.light != null && results.light.load().cpuMsPerRequest() != null) {
            lines.add("web/daemon:   " + webToDaemonCpu("light load", results.light.load())
                    + (bestLevel() == null ? "" : "; " + webToDaemonCpu("saturation", bestLevel())));
        }
        lines.add("machine:      " + results.cpuModel + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        lines.add("phases (s):   " + results.phaseSeconds + ", total " + f1(results.totalSeconds) + " s");
        lines.add("files:        " + String.join(", ", results.files.stream()
                .map(f -> Path.of(f).getFileName().toString()).toList()) + " in " + outDir);
        for (String n : results.notes) {
            lines.add("note:         " + n);
        }
        for (String e : results.errors) {
            lines.add("PROBLEM:      " + e);
        }
        return lines;
    }

    static ResultsCsv csv(BenchResults r) {
        ResultsCsv csv = new ResultsCsv();
        if (r.ceiling != null) {
            for (CeilingBench.Row row : r.ceiling.rows()) {
                String level = "batch=" + row.batch();
                csv.add("ceiling", level, "ms_per_batch_median", row.medianMs(), "ms");
                csv.add("ceiling", level, "ms_per_batch_min", row.minMs(), "ms");
                csv.add("ceiling", level, "ms_per_batch_p90", row.p90Ms(), "ms");
                csv.add("ceiling", level, "ms_per_image", row.msPerImage(), "ms");
                csv.add("ceiling", level, "images_per_s", row.imagesPerSecond(), "1/s");
                csv.add("ceiling", level, "runs", row.runs(), "");
                csv.add("ceiling", level, "other_processes_cpu_pct", row.otherCpuPercent(), "%");
            }
        }
        if (r.light != null) {
            addLoad(csv, "light", "clients=1", r.light.load());
            csv.add("light", "clients=1", "overhead_ms", r.light.overheadMs(), "ms");
            csv.add("light", "clients=1", "daemon_batch1_inference_ms", r.light.daemonInferenceMs(), "ms");
        }
        for (BenchResults.Load level : r.sweep) {
            addLoad(csv, "sweep", level.name(), level);
        }
        if (r.stress != null) {
            addLoad(csv, "stress", "count=" + r.stress.count() + ",interval=" + r.stress.intervalSeconds(), r.stress.load());
        }
        if (r.soak != null) {
            BenchResults.Soak s = r.soak;
            String level = "rate=" + ResultsCsv.number(s.ratePerSecond());
            addLoad(csv, "soak", level, s.load());
            csv.add("soak", level, "daemon_rss_start_mb", s.start().daemonRssMb(), "MB");
            csv.add("soak", level, "daemon_rss_end_mb", s.end().daemonRssMb(), "MB");
            csv.add("soak", level, "daemon_rss_growth_pct", s.daemonRssGrowthPercent(), "%");
            csv.add("soak", level, "tomcat_heap_start_mb", s.start().tomcatHeapUsedMb(), "MB");
            csv.add("soak", level, "tomcat_heap_end_mb", s.end().tomcatHeapUsedMb(), "MB");
            csv.add("soak", level, "tomcat_heap_growth_pct", s.tomcatHeapGrowthPercent(), "%");
            csv.add("soak", level, "tomcat_heap_after_gc_start_mb", s.start().tomcatHeapAfterGcMb(), "MB");
            csv.add("soak", level, "tomcat_heap_after_gc_end_mb", s.end().tomcatHeapAfterGcMb(), "MB");
            csv.add("soak", level, "tomcat_heap_after_gc_growth_pct", s.tomcatHeapAfterGcGrowthPercent(), "%");
        }
        if (r.summary != null) {
            BenchResults.Summary s = r.summary;
            csv.add("summary", "", "ceiling_best_images_per_s", s.ceilingBestImagesPerSecond(), "1/s");
            csv.add("summary", "", "ceiling_best_batch", s.ceilingBestBatch(), "");
            csv.add("summary", "", "ceiling_batch1_ms", s.ceilingBatch1Ms(), "ms");
            csv.add("summary", "", "light_p50_ms", s.lightP50Ms(), "ms");
            csv.add("summary", "", "light_p99_ms", s.lightP99Ms(), "ms");
            csv.add("summary", "", "light_overhead_ms", s.lightOverheadMs(), "ms");
            csv.add("summary", "", "saturation_req_per_s", s.saturationThroughputPerSecond(), "1/s");
            csv.add("summary", "", "saturation_clients", s.saturationClients(), "");
            csv.add("summary", "", "saturation_pct_of_ceiling", s.saturationPercentOfCeiling(), "%");
            csv.add("summary", "", "stress_ok", s.stressOk(), "");
            csv.add("summary", "", "stress_failed", s.stressFailed(), "");
            csv.add("summary", "", "stress_p50_ms", s.stressP50Ms(), "ms");
            csv.add("summary", "", "stress_p99_ms", s.stressP99Ms(), "ms");
            csv.add("summary", "", "stress_max_ms", s.stressMaxMs(), "ms");
        }
        return csv;
    }

    static void addLoad(ResultsCsv csv, String phase, String level, BenchResults.Load l) {
        csv.add(phase, level, "requests", l.requests(), "");
        csv.add(phase, level, "ok", l.ok(), "");
        csv.add(phase, level, "failed", l.failed(), "");
        csv.add(phase, level, "seconds", l.seconds(), "s");
        csv.add(phase, level, "throughput_per_s", l.throughputPerSecond(), "1/s");
        if (!Double.isNaN(l.offeredPerSecond())) {
            csv.add(phase, level, "offered_per_s", l.offeredPerSecond(), "1/s");
        }
        csv.add(phase, level, "p50_ms", l.latencyMs().p50(), "ms");
        csv.add(phase, level, "p90_ms", l.latencyMs().p90(), "ms");
        csv.add(phase, level, "p99_ms", l.latencyMs().p99(), "ms");
        csv.add(phase, level, "max_ms", l.latencyMs().max(), "ms");
        csv.add(phase, level, "mean_ms", l.latencyMs().mean(), "ms");
        csv.add(phase, level, "pct_of_ceiling", l.percentOfCeiling(), "%");
        csv.add(phase, level, "batches", l.batches().batches(), "");
        csv.add(phase, level, "mean_batch", l.batches().meanBatch(), "");
        csv.add(phase, level, "daemon_inference_ms_per_batch", l.batches().meanInferenceMs(), "ms");
        csv.add(phase, level, "daemon_busy_pct", l.daemonBusyPercent(), "%");
        l.batches().histogram().forEach((n, c) -> csv.add(phase, level, "batches_of_size_" + n, c, ""));
        if (l.cpuMsPerRequest() != null) {
            l.cpuMsPerRequest().forEach((part, ms) -> csv.add(phase, level, "cpu_ms_per_request_" + part, ms, "ms"));
        }
    }

    // ---------------------------------------------------------------- printing

    private void section(String title) {
        System.out.printf("%n==> %s (at %s s)%n", title, f1((System.nanoTime() - t0) / 1e9));
        System.out.flush();
    }

    private void info(String message) {
        System.out.println("    " + message);
        System.out.flush();
    }

    private void error(String message) {
        results.errors.add(message);
        System.out.println("    PROBLEM: " + message);
        System.out.flush();
    }

    static String f1(double v) {
        return TextTable.format(v, 1);
    }

    static String f2(double v) {
        return TextTable.format(v, 2);
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
