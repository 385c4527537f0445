package io.imageclassifier.bench;

import java.io.IOException;
import java.util.Map;

/**
 * What the stack spends from {@link StackUnderTest#startMeasuring()} until {@link #stop()}: the
 * batches its daemon logs and the CPU time of each of its parts.
 */
final class StackMeasurement {

    /** The batches logged meanwhile, and each part's CPU at the start and the end. */
    record Usage(BatchLog.BatchStats batches, StackCpu.Snapshot cpuAtStart, StackCpu.Snapshot cpuAtEnd) {

        /** CPU ms per request of each part, and their "total"; see {@link StackCpu#msPerRequest}. */
        Map<String, Double> cpuMsPerRequest(long requests) {
            return StackCpu.msPerRequest(cpuAtStart, cpuAtEnd, requests);
        }
    }

    private final StackCpu cpu;
    private final BatchLog.Cursor batches;
    private final StackCpu.Snapshot cpuAtStart;

    StackMeasurement(BatchLog.Cursor batches, StackCpu cpu) {
        this.cpu = cpu;
        this.batches = batches;
        this.cpuAtStart = cpu.take();
    }

    Usage stop() throws IOException {
        StackCpu.Snapshot cpuAtEnd = cpu.take();
        return new Usage(batches.batchesSince(), cpuAtStart, cpuAtEnd);
    }
}
