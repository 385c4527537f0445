package io.imageclassifier.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The running service as the HTTP phases use it: a phase takes the lock, makes sure the stack
 * answers, sends its load through {@link #http()} and measures what the stack spent meanwhile.
 */
final class StackUnderTest {

    private final StackGuard guard;
    private final HttpLoad http;
    private final StackCpu cpu;
    private final Path daemonLog;
    private final Duration lockWait;
    private boolean restartPending;

    StackUnderTest(StackGuard guard, HttpLoad http, BenchOptions options) {
        this.guard = guard;
        this.http = http;
        this.cpu = new StackCpu(options.root);
        this.daemonLog = options.daemonLog;
        this.lockWait = Durations.seconds(options.lockWaitSeconds);
        this.restartPending = options.restartStack;
    }

    HttpLoad http() {
        return http;
    }

    /** The lock of --lock (none without it), held until the phase closes it. */
    StackGuard.Held lock() throws IOException, InterruptedException {
        return guard.lock(lockWait);
    }

    /** With the lock held: the stack answers, and one real prediction succeeds (else scripts/start, once). */
    void ensureReady() throws IOException, InterruptedException {
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

    /** From now on: the batches the daemon logs and the CPU each part of the stack spends. */
    StackMeasurement startMeasuring() throws IOException {
        return new StackMeasurement(BatchLog.mark(daemonLog), cpu);
    }
}
