package io.imageclassifier.bench;

import io.imageclassifier.client.ClassifierClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Makes sure the stack runs for a phase: starts it with scripts/start when it is down and, when
 * given a lock file, holds {@code flock LOCKFILE} while the phase runs, so other jobs on the host
 * that take the same lock keep their load off the stack meanwhile.
 *
 * <p>Java's own file locks are fcntl locks, which do not exclude flock(2) locks on Linux, so the
 * lock is held by a child {@code flock} process that keeps it until its standard input closes:
 * released when the phase ends, and by the kernel if this JVM dies.
 */
public final class StackGuard {

    private final Path lockFile;
    private final Path root;
    private final URI home;
    private final boolean mayStart;
    private final Consumer<String> log;
    private final Path startLog;
    /** Short timeouts: a stack that takes longer to answer its home page is not up. */
    private final ClassifierClient probe = ClassifierClient.builder()
            .connectTimeout(Duration.ofSeconds(3))
            .requestTimeout(Duration.ofSeconds(5))
            .connectionPerRequest()
            .build();

    /**
     * @param lockFile the shared lock, or null to take none (the caller holds it already)
     * @param home a URL of the service that answers 200 to GET when it is up (Apache's /)
     * @param mayStart run scripts/start when the stack is down
     * @param startLog where the output of scripts/start goes
     */
    public StackGuard(Path lockFile, Path root, URI home, boolean mayStart, Path startLog, Consumer<String> log) {
        this.lockFile = lockFile;
        this.root = root;
        this.home = home;
        this.mayStart = mayStart;
        this.log = log;
        this.startLog = startLog;
    }

    /** A held lock; close releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Waits for the lock (at most {@code maxWait}) and returns it held. */
    public Held lock(Duration maxWait) throws IOException, InterruptedException {
        if (lockFile == null) {
            return () -> { };
        }
        // -o: the command does not get the lock's descriptor, so nothing it starts can keep the lock.
        Process p = new ProcessBuilder("flock", "-o", "-w", Long.toString(Math.max(1, maxWait.toSeconds())),
                lockFile.toString(), "sh", "-c", "echo locked; exec cat >/dev/null")
                .redirectErrorStream(true)
                .start();
        Thread hook = new Thread(p::destroy, "release-" + lockFile.getFileName());
        Runtime.getRuntime().addShutdownHook(hook);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = firstLine.get(2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.accept("waiting for " + lockFile + " (up to " + maxWait.toSeconds() + " s); processes that have it open: "
                    + holders(lockFile, p.pid()));
            String leak = inheritedByStack(lockFile);
            if (leak != null) {
                log.accept(leak);
            }
            try {
                line = firstLine.get();
            } catch (java.util.concurrent.ExecutionException ex) {
                line = null;
            }
        } catch (java.util.concurrent.ExecutionException e) {
            line = null;
        }
        if (!"locked".equals(line)) {
            p.destroy();
            removeHook(hook);
            String leak = inheritedByStack(lockFile);
            throw new IOException("could not take " + lockFile + " within " + maxWait.toSeconds() + " s"
                    + (line == null ? "" : " (flock: " + line + ")") + "; processes that have it open: "
                    + holders(lockFile, p.pid()) + (leak == null ? "" : ". " + leak));
        }
        return () -> {
            try {
                p.getOutputStream().close();   // cat sees EOF, flock exits and the lock is released
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroy();
                }
            } catch (IOException | InterruptedException e) {
                p.destroy();
            }
            removeHook(hook);
        };
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook releases it
        }
    }

    /**
     * A diagnosis when the stack's own daemons (runtime/run/*.pid) have the lock file open: they
     * inherited the lock from a {@code flock LOCK scripts/start} run without {@code -o} and keep
     * it while they run. Null when none of them has it open.
     */
    String inheritedByStack(Path lockFile) {
        Path target = lockFile.toAbsolutePath().normalize();
        List<String> daemons = new ArrayList<>();
        for (String name : List.of("redis", "model-daemon", "tomcat")) {
            java.util.OptionalLong pid = ProcessProbe.pid(root.resolve("runtime/run/" + name + ".pid"));
            if (pid.isPresent() && hasOpen(pid.getAsLong(), target)) {
                daemons.add(name + " (pid " + pid.getAsLong() + ")");
            }
        }
        if (daemons.isEmpty()) {
            return null;
        }
        return "the stack's daemons " + String.join(", ", daemons) + " have " + lockFile + " open: they inherited"
                + " the lock from a 'flock " + lockFile + " scripts/start' without -o, and it stays taken until the"
                + " stack stops. Start the stack with 'flock -o " + lockFile + " scripts/start' to avoid this";
    }

    private static boolean hasOpen(long pid, Path target) {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException | UnsupportedOperationException e) {
                    return false;
                }
            });
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The processes (other than our own flock) with the lock file open, "pid command" each: the
     * holder is among them. A daemon in that list inherited the lock from a {@code flock LOCK
     * scripts/start} run without {@code -o}, and holds it for as long as it runs.
     */
    static String holders(Path lockFile, long exceptPid) {
        List<String> found = new ArrayList<>();
        Path target = lockFile.toAbsolutePath().normalize();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (pid == exceptPid || pid == ProcessHandle.current().pid()) {
                    continue;
                }
                if (hasOpen(pid, target)) {
                    try {
                        String cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                                .replace('\0', ' ').strip();
                        found.add(pid + " " + (cmd.length() > 70 ? cmd.substring(0, 70) + "..." : cmd));
                    } catch (IOException e) {
                        // gone meanwhile
                    }
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return found.isEmpty() ? "none found" : String.join("; ", found);
    }

    /** True when GET {@code home} answers 200 within a few seconds. */
    public boolean isUp() {
        try {
            return probe.send(HttpRequest.newBuilder(home).GET()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Call with the lock held: starts the stack (scripts/start) when {@link #isUp()} says it is down. */
    public void ensureUp() throws IOException, InterruptedException {
        if (isUp()) {
            return;
        }
        if (!mayStart) {
            throw new IOException(home + " does not answer 200 and --no-start was given; start the stack with scripts/start");
        }
        restart("the stack is down (" + home + " does not answer 200)");
    }

    /** Call with the lock held: (re)starts the whole stack with scripts/start. */
    public void restart(String why) throws IOException, InterruptedException {
        if (!mayStart) {
            throw new IOException(why + "; --no-start was given");
        }
        Path start = root.resolve("scripts/start");
        if (!Files.isExecutable(start)) {
            throw new IOException(why + ", and " + start + " is missing");
        }
        log.accept(why + ": running scripts/start (output in " + startLog + ")");
        int exit = ProjectScript.run(root, List.of(start.toString()), startLog, Duration.ofMinutes(10));
        for (String line : Files.readAllLines(startLog, StandardCharsets.UTF_8)) {
            if (line.startsWith("==>") || line.startsWith("ERROR")) {
                log.accept("  | " + line);
            }
        }
        if (exit != 0 || !isUp()) {
            throw new IOException("scripts/start failed (exit " + exit + "; see " + startLog + ")");
        }
    }
}
