package io.imageclassifier.bench;

import static io.imageclassifier.bench.Figures.round1;

import io.imageclassifier.protocol.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * scripts/bench: measures the running service against its ceiling in one run. See
 * {@link BenchOptions#USAGE} for the phases and options; the figures go to results.json,
 * results.csv and bench.png in the output directory ({@link BenchReport}).
 */
public final class ServiceBenchmark {

    private final BenchOptions options;
    private final Path outDir;
    private final BenchResults results = new BenchResults();
    private final Console console = new Console(results);
    private HttpLoad http;
    private volatile String currentPhase = "start";
    private volatile boolean finished;

    ServiceBenchmark(BenchOptions options, Path outDir) {
        this.options = options;
        this.outDir = outDir;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
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
        List<Path> photos = HttpLoad.photos(options.images);
        Settings settings = RunEnvironment.daemonSettings(options.root);
        StackGuard guard = new StackGuard(options.lock, options.root, options.home(), options.mayStart,
                outDir.resolve("scripts-start.log"), console::info);
        RunEnvironment.describe(results, options, settings, photos);
        printPlan(settings);
        List<Phase> phases = phases(settings, photos, guard);
        // A signal (Ctrl-C, kill) still leaves the figures of the phases (and sweep levels) done so far.
        Runtime.getRuntime().addShutdownHook(new Thread(this::finishOnSignal, "write-partial-results"));
        for (Phase phase : phases) {
            run(phase);
        }
        synchronized (this) {
            finish();
        }
        return results.errors.isEmpty() ? 0 : 1;
    }

    private void printPlan(Settings settings) {
        console.section("Benchmark of " + options.url + (options.quick ? " (quick)" : ""));
        List<String> plan = new ArrayList<>(options.phases);
        plan.remove("chaos");   // named in --phases or not, it is listed with its minutes
        if (options.soak()) {
            plan.add("soak " + options.soakMinutes + " min");
        }
        if (options.chaos()) {
            plan.add("chaos " + options.chaosMinutes + " min");
        }
        console.info("phases: " + String.join(", ", plan));
        console.info("results: " + outDir);
        console.info("host: " + results.environment.get("host") + ", " + results.environment.get("cpus")
                + " CPUs, load average " + results.environment.get("loadAverageAtStart"));
        console.info("daemon settings: batch.size " + settings.batchSize() + ", batch.max.delay.ms "
                + settings.batchMaxDelay().toMillis() + ", model.threads " + settings.modelThreads()
                + ", model.device " + settings.modelDevice());
        console.info("lock: " + (options.lock == null ? "none" : options.lock + ", taken per phase"));
    }

    /** The phases the options ask for, in order; those that send requests only when there are photos. */
    private List<Phase> phases(Settings settings, List<Path> photos, StackGuard guard) throws IOException {
        PhaseContext context = new PhaseContext(options, results, console, outDir);
        List<Phase> all = new ArrayList<>();
        all.add(new CeilingPhase(context, settings, photos, guard));
        if (options.sendsRequests()) {
            if (photos.isEmpty()) {
                console.problem("no photos in " + options.images + " (scripts/setup fetches them): the HTTP phases"
                        + " cannot run");
            } else {
                http = new HttpLoad(options.url, photos, Duration.ofSeconds(options.timeoutSeconds));
                console.info("photos: " + String.join(", ", http.imageNames()) + " (request i sends photo i mod "
                        + photos.size() + ")");
                StackUnderTest stack = new StackUnderTest(guard, http, options);
                all.add(new LightPhase(context, stack));
                all.add(new SweepPhase(context, stack));
                all.add(new StressPhase(context, stack));
                all.add(new SoakPhase(context, stack));
                all.add(new ChaosPhase(context, stack, settings.requestTimeout()));
            }
        }
        return all.stream().filter(phase -> options.includes(phase.name())).toList();
    }

    private void run(Phase phase) {
        long start = System.nanoTime();
        currentPhase = phase.name();
        try {
            phase.run();
        } catch (Exception e) {
            console.problem(phase.name() + " phase failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            results.phaseSeconds.put(phase.name(), round1((System.nanoTime() - start) / 1e9));
        }
    }

    private void finishOnSignal() {
        if (finished) {
            return;
        }
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

    private void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        results.summary = results.summarize();
        results.cpuModel = RunEnvironment.cpuModel();
        results.finishedAt = LocalDateTime.now().toString();
        results.totalSeconds = round1(console.secondsSinceStart());
        new BenchReport(results, outDir, console).write();
    }
}
