package io.imageclassifier.bench;

import static io.imageclassifier.bench.Figures.f1;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * chaos (only with --chaos MINUTES): steady closed-loop load while, one at a time and at moments
 * drawn from --chaos-seed, a part of the stack fails the way parts fail in production: a model
 * daemon is killed with -9 and started again 5 s later (its systemd unit's RestartSec), a Tomcat
 * is restarted through the drain (scripts/restart tomcat N), or Redis is restarted
 * (scripts/restart redis). Apache stays up: it is the door clients knock on.
 *
 * <p>Between the end of one fault and the start of the next there is more than a request
 * timeout, so that every answer a fault causes (a 504 at its deadline included) is counted
 * beside that fault ({@link ChaosTally}). Unanswered requests and "other" answers are problems
 * of the run.
 */
final class ChaosPhase implements Phase {

    /** What a supervisor (systemd's RestartSec) waits before starting a crashed daemon again. */
    private static final Duration DAEMON_RESTART_DELAY = Duration.ofSeconds(5);

    private final PhaseContext context;
    private final StackUnderTest stack;
    private final Duration requestTimeout;
    private final Path commandLog;

    ChaosPhase(PhaseContext context, StackUnderTest stack, Duration requestTimeout) {
        this.context = context;
        this.stack = stack;
        this.requestTimeout = requestTimeout;
        this.commandLog = context.outDir().resolve("chaos-commands.log");
    }

    @Override
    public String name() {
        return "chaos";
    }

    @Override
    public void run() throws Exception {
        BenchOptions o = context.options();
        Console console = context.console();
        Map<String, String> layout = layout(o.root.resolve("runtime/run/layout"));
        int daemons = layout.getOrDefault("devices", "cpu").split(",").length;
        int tomcats = Integer.parseInt(layout.getOrDefault("tomcats", "1"));
        // Longer than any answer a fault can cause takes to arrive: a 504 comes at the deadline.
        Duration quiet = requestTimeout.plusSeconds(5);
        console.section(String.format("[chaos] %s min, %d clients, seed %d: one fault at a time (daemon killed"
                + " with -9, Tomcat restarted through the drain, Redis restarted), %d s or more apart; %d daemon(s),"
                + " %d Tomcat(s)", f1(o.chaosMinutes), o.chaosClients, o.chaosSeed, quiet.toSeconds(), daemons,
                tomcats));
        if (tomcats < 2 || daemons < 2) {
            console.info("note: with one Tomcat or one daemon, restarting it pauses the service; start the stack with"
                    + " --tomcats 2 --devices cpu,cpu for a run in which no fault should cost a request");
        }
        console.info("commands' output: " + commandLog);

        List<ChaosTally.Fault> faults = Collections.synchronizedList(new ArrayList<>());
        List<BenchResults.ChaosFault> record = Collections.synchronizedList(new ArrayList<>());
        HttpLoad.ClosedLoopRun run;
        try (StackGuard.Held lock = stack.lock()) {
            stack.ensureReady();
            Random random = new Random(o.chaosSeed);
            long begin = System.nanoTime();
            CountDownLatch windowClosed = new CountDownLatch(1);
            Thread chaos = new Thread(() -> {
                try {
                    // A first fault once the load is steady, then a quiet spell after each. A fault
                    // under way when the window closes is finished, so the stack is left whole.
                    while (!windowClosed.await(quiet.toMillis() + random.nextInt(20_000), TimeUnit.MILLISECONDS)) {
                        long start = System.nanoTime();
                        String label = inflict(random, daemons, tomcats);
                        double took = (System.nanoTime() - start) / 1e9;
                        double at = (start - begin) / 1e9;
                        faults.add(new ChaosTally.Fault(start, label));
                        record.add(new BenchResults.ChaosFault(at, label, took));
                        console.info(String.format("t=%5.0f s: %s (%s s)", at, label, f1(took)));
                    }
                } catch (InterruptedException | IOException e) {
                    console.problem("chaos: " + e.getMessage());
                }
            }, "chaos");
            Duration window = Duration.ofMillis((long) (o.chaosMinutes * 60_000));
            run = stack.http().closedLoop(o.chaosClients, Duration.ZERO, window, chaos::start, () -> {
                windowClosed.countDown();
                try {
                    chaos.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // The stack must serve again on its own after the last fault.
            HttpLoad.Sample after = stack.http().send(0);
            if (!after.ok()) {
                console.problem("chaos: a request after the last fault failed: " + after.failure());
            }
        }

        ChaosTally tally = new ChaosTally(faults, run.all());
        BenchResults.Chaos chaos = new BenchResults.Chaos(o.chaosMinutes, o.chaosClients, o.chaosSeed, tally.sent(),
                tally.totals(), tally.otherReasons(), List.copyOf(record));
        context.results().chaos = chaos;
        console.blankLine();
        console.table(ResultTables.chaos(tally));
        console.info(ResultTables.chaosTotals(chaos));
        if (chaos.outcomes().get("unanswered") > 0) {
            console.problem("chaos: " + chaos.outcomes().get("unanswered") + " requests got no HTTP answer");
        }
        // 503 with Retry-After and 504 at the deadline are the service's promised answers to a fault; anything
        // else (a 500, a 502 from Apache, a 503 that does not say when to retry) is a defect to explain.
        if (chaos.outcomes().get("other") > 0) {
            console.problem("chaos: " + chaos.outcomes().get("other") + " requests got another answer: "
                    + chaos.otherReasons());
        }
    }

    /** One fault, chosen at random among those the layout allows; returns what was done. */
    private String inflict(Random random, int daemons, int tomcats) throws IOException, InterruptedException {
        switch (random.nextInt(3)) {
            case 0 -> {
                int n = 1 + random.nextInt(daemons);
                ProcessHandle.of(daemonPid(n)).ifPresent(ProcessHandle::destroyForcibly);
                TimeUnit.MILLISECONDS.sleep(DAEMON_RESTART_DELAY.toMillis());
                restart("daemon", n);
                return "daemon " + n + " killed with -9, started again after " + DAEMON_RESTART_DELAY.toSeconds() + " s";
            }
            case 1 -> {
                int n = 1 + random.nextInt(tomcats);
                restart("tomcat", n);
                return "Tomcat " + n + (tomcats > 1 ? " restarted through the drain" : " restarted (the only one)");
            }
            default -> {
                restart("redis", 0);
                return "Redis restarted";
            }
        }
    }

    /** Daemon n's pid, from the pid file scripts/start writes; a fault on a daemon that is not running is refused. */
    private long daemonPid(int n) throws IOException {
        Path file = context.options().root.resolve("runtime/run/model-daemon" + (n == 1 ? "" : "-" + n) + ".pid");
        return ProcessProbe.pid(file).orElseThrow(() -> new IOException("model daemon " + n + " is not running ("
                + file + ")"));
    }

    /** scripts/restart PART [N]; its output goes to the commands' log. */
    private void restart(String part, int n) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(context.options().root.resolve("scripts/restart").toString(),
                part));
        if (n > 0) {
            command.add(Integer.toString(n));
        }
        Files.writeString(commandLog, "==> " + String.join(" ", command) + "\n", Files.exists(commandLog)
                ? new java.nio.file.OpenOption[] {java.nio.file.StandardOpenOption.APPEND}
                : new java.nio.file.OpenOption[0]);
        int exit = ProjectScript.run(context.options().root, command, commandLog, Duration.ofMinutes(5));
        if (exit != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + exit + "; see " + commandLog + ")");
        }
    }

    /** scripts/start's record of what it started: front, devices, tomcats. */
    private static Map<String, String> layout(Path file) throws IOException {
        Map<String, String> layout = new LinkedHashMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    layout.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        return layout;
    }
}
