package io.imageclassifier.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The command line of scripts/bench. */
public final class BenchOptions {

    public static final List<String> ALL_PHASES = List.of("ceiling", "light", "sweep", "stress");

    static final String USAGE = """
            usage: scripts/bench [options]
              Measures the running service against its ceiling, in one run:
                ceiling  bare ONNX Runtime in this process (the daemon's OnnxClassifier and settings),
                         batch 1, 2, 4, 8, 16, 32: ms per batch and images/s
                light    one request at a time through Apache: p50/p99, overhead over bare batch 1
                sweep    closed loop through Apache, 1..64 clients: throughput, p50/p99, batch sizes,
                         % of the ceiling
                stress   the original stress pattern: 500 requests 0.05 s apart (open loop)
                soak     (only with --soak) open loop at a fixed rate for minutes: daemon RSS and
                         Tomcat heap at the start and the end
                chaos    (only with --chaos, or named in --phases) closed-loop load while, one at a
                         time, a daemon is killed with -9, a Tomcat is restarted through the drain or
                         Redis is restarted: every request counted as 200, 503, 504, other or
                         unanswered, beside the fault before it (start the stack with --tomcats 2
                         --devices cpu,cpu for a run in which no fault should cost a request)
              Every phase starts the stack (scripts/start) if it is down; with --lock it also
              holds a flock(1) lock while it runs.

            options:
              --quick                 a smoke run: fewer requests, 3 s levels
              --phases LIST           comma-separated, from ceiling,light,sweep,stress,chaos (default: the
                                      first four)
              --out DIR               where results go (default runtime/bench/<timestamp>/)
              --soak MINUTES          add a soak of this many minutes (after 1 minute of warm-up)
              --soak-rate N           requests/s for the soak (default: 80% of the sweep's best)
              --chaos MINUTES         add the chaos phase, this long (default 10 when --phases names it)
              --chaos-seed N          the faults' random choices and moments (default 1: a run repeats)
              --chaos-clients N       closed-loop clients during the chaos (default 4)
              --url URL               endpoint (default http://localhost/predict)
              --images DIR            photos to send (default runtime/testdata)
              --levels LIST           sweep concurrency levels (default 1,2,4,8,16,32,64)
              --level-seconds S       measured seconds per sweep level (default 15; quick 3)
              --warmup-seconds S      warm-up seconds per sweep level (default 3; quick 1)
              --light-count N         light-load requests (default 100; quick 20)
              --light-warmup N        requests sent before the light load is measured, so that it meets
                                      a Tomcat whose JIT has settled (default 1000; quick 5)
              --stress-count N        stress requests (default 500; quick 100)
              --stress-interval S     seconds between stress requests (default 0.05)
              --batches LIST          ceiling batch sizes (default 1,2,4,8,16,32)
              --precision LIST        ceilings to measure, from fp32,int8 (default: the daemon's
                                      model.precision); the HTTP phases use what the daemon serves
              --timeout S             per-request client timeout (default 60)
              --lock FILE|none        hold flock(1) on FILE during each phase, so other jobs on this host
                                      that take the same lock (a test run, another benchmark) keep their
                                      load off the stack while it is measured (default: none)
              --lock-wait SECONDS     how long a phase waits for the lock before it gives up (default 900)
              --no-start              fail instead of running scripts/start when the stack is down
              --restart-stack         run scripts/start (inside the lock) before the first HTTP phase;
                                      scripts/bench adds it after rebuilding model-daemon.jar, which
                                      Maven rewrites in place under the running daemon
              --daemon-log PATH       (default runtime/logs/model-daemon.log)
              --daemon-pid-file PATH  for the soak (default runtime/run/model-daemon.pid)
              --tomcat-pid-file PATH  for the soak (default runtime/run/service/tomcat.pid)
              --replot RESULTS.json   only redraw bench.png from an earlier run's results.json (next to it)
              -h, --help
            """;

    public Path root;
    public boolean quick;
    public Set<String> phases = new LinkedHashSet<>(ALL_PHASES);
    public Path out;
    public double soakMinutes;
    public double soakRate = Double.NaN;
    public double chaosMinutes;
    public long chaosSeed = 1;
    public int chaosClients = 4;
    public URI url = URI.create("http://localhost/predict");
    public Path images;
    public List<Integer> levels = List.of(1, 2, 4, 8, 16, 32, 64);
    public double levelSeconds = Double.NaN;
    public double warmupSeconds = Double.NaN;
    public int lightCount = -1;
    public int lightWarmup = -1;
    public int stressCount = -1;
    public double stressInterval = 0.05;
    public List<Integer> batches = List.of(1, 2, 4, 8, 16, 32);
    /** The precisions of the ceiling phase; empty means the daemon's model.precision. */
    public List<String> precisions = List.of();
    public int timeoutSeconds = 60;
    public Path lock = null;
    public double lockWaitSeconds = 900;
    public boolean mayStart = true;
    public boolean restartStack;
    public Path daemonLog;
    public Path daemonPidFile;
    public Path tomcatPidFile;
    public boolean help;
    public Path replot;

    /** Parses the arguments; defaults that depend on --quick are filled in at the end. */
    public static BenchOptions parse(String[] args, Path root) {
        BenchOptions o = new BenchOptions();
        o.root = root;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String inline = null;
            if (a.startsWith("--") && a.contains("=")) {
                inline = a.substring(a.indexOf('=') + 1);
                a = a.substring(0, a.indexOf('='));
            }
            switch (a) {
                case "-h", "--help" -> o.help = true;
                case "--quick" -> o.quick = true;
                case "--no-start" -> o.mayStart = false;
                case "--restart-stack" -> o.restartStack = true;
                default -> {
                    String v;
                    if (inline != null) {
                        v = inline;
                    } else if (i + 1 < args.length) {
                        v = args[++i];
                    } else {
                        throw new IllegalArgumentException("missing value for " + a);
                    }
                    o.set(a, v);
                }
            }
        }
        o.fillDefaults();
        return o;
    }

    private void set(String option, String v) {
        switch (option) {
            case "--phases" -> {
                phases = new LinkedHashSet<>();
                for (String p : v.split(",")) {
                    String name = p.strip().toLowerCase();
                    if (name.isEmpty()) {
                        continue;
                    }
                    if (!ALL_PHASES.contains(name) && !name.equals("chaos")) {
                        throw new IllegalArgumentException("unknown phase '" + name + "' (phases: "
                                + String.join(",", ALL_PHASES) + ",chaos; the soak comes with --soak)");
                    }
                    phases.add(name);
                }
                if (phases.isEmpty()) {
                    throw new IllegalArgumentException("--phases names no phase");
                }
            }
            case "--out" -> out = Path.of(v);
            case "--soak" -> soakMinutes = positive(option, Double.parseDouble(v));
            case "--soak-rate" -> soakRate = positive(option, Double.parseDouble(v));
            case "--chaos" -> chaosMinutes = positive(option, Double.parseDouble(v));
            case "--chaos-seed" -> chaosSeed = Long.parseLong(v);
            case "--chaos-clients" -> chaosClients = (int) positive(option, Integer.parseInt(v));
            case "--url" -> url = URI.create(v);
            case "--images" -> images = Path.of(v);
            case "--levels" -> levels = positiveInts(option, v);
            case "--level-seconds" -> levelSeconds = positive(option, Double.parseDouble(v));
            case "--warmup-seconds" -> warmupSeconds = nonNegative(option, Double.parseDouble(v));
            case "--light-count" -> lightCount = (int) positive(option, Integer.parseInt(v));
            case "--light-warmup" -> lightWarmup = (int) nonNegative(option, Integer.parseInt(v));
            case "--stress-count" -> stressCount = (int) positive(option, Integer.parseInt(v));
            case "--stress-interval" -> stressInterval = nonNegative(option, Double.parseDouble(v));
            case "--batches" -> batches = positiveInts(option, v);
            case "--precision" -> {
                precisions = List.of(v.split(","));
                if (precisions.isEmpty() || !List.of("fp32", "int8").containsAll(precisions)) {
                    throw new IllegalArgumentException("--precision takes fp32, int8 or fp32,int8, not " + v);
                }
            }
            case "--timeout" -> timeoutSeconds = (int) positive(option, Integer.parseInt(v));
            case "--lock" -> lock = v.equals("none") || v.isEmpty() ? null : Path.of(v);
            case "--daemon-log" -> daemonLog = Path.of(v);
            case "--replot" -> replot = Path.of(v);
            case "--lock-wait" -> lockWaitSeconds = positive(option, Double.parseDouble(v));
            case "--daemon-pid-file" -> daemonPidFile = Path.of(v);
            case "--tomcat-pid-file" -> tomcatPidFile = Path.of(v);
            default -> throw new IllegalArgumentException("unknown option " + option);
        }
    }

    private void fillDefaults() {
        if (Double.isNaN(levelSeconds)) {
            levelSeconds = quick ? 3 : 15;
        }
        if (Double.isNaN(warmupSeconds)) {
            warmupSeconds = quick ? 1 : 3;
        }
        if (lightCount < 0) {
            lightCount = quick ? 20 : 100;
        }
        if (lightWarmup < 0) {
            lightWarmup = quick ? 5 : 1000;
        }
        if (stressCount < 0) {
            stressCount = quick ? 100 : 500;
        }
        if (phases.contains("chaos") && chaosMinutes == 0) {
            chaosMinutes = 10;
        }
        if (images == null) {
            images = root.resolve("runtime/testdata");
        }
        if (daemonLog == null) {
            daemonLog = root.resolve("runtime/logs/model-daemon.log");
        }
        if (daemonPidFile == null) {
            daemonPidFile = root.resolve("runtime/run/model-daemon.pid");
        }
        if (tomcatPidFile == null) {
            tomcatPidFile = root.resolve("runtime/run/service/tomcat.pid");
        }
        if (!url.getScheme().startsWith("http")) {
            throw new IllegalArgumentException("--url must be http(s)");
        }
    }

    /** Apache's GET / on the same host: answers 200 when the stack is up. */
    public URI home() {
        return url.resolve("/");
    }

    public boolean soak() {
        return soakMinutes > 0;
    }

    public boolean chaos() {
        return chaosMinutes > 0;
    }

    /** Whether the run includes the phase: one --phases names, or the soak and the chaos when given minutes. */
    public boolean includes(String phase) {
        return phases.contains(phase) || phase.equals("soak") && soak() || phase.equals("chaos") && chaos();
    }

    /** Whether any phase that sends requests through Apache is asked for. */
    public boolean sendsRequests() {
        return phases.contains("light") || phases.contains("sweep") || phases.contains("stress") || soak() || chaos();
    }

    private static double positive(String option, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(option + " must be positive");
        }
        return v;
    }

    private static double nonNegative(String option, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(option + " must not be negative");
        }
        return v;
    }

    static List<Integer> positiveInts(String option, String v) {
        List<Integer> list = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                list.add((int) positive(option, Integer.parseInt(s.strip())));
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException(option + " lists nothing");
        }
        return List.copyOf(list);
    }

    @Override
    public String toString() {
        return "phases=" + phases + (soak() ? "+soak" : "") + (chaos() ? "+chaos" : "") + " quick=" + quick + " url=" + url
                + " levels=" + levels + " batches=" + batches + " " + Arrays.asList(levelSeconds, warmupSeconds);
    }
}
