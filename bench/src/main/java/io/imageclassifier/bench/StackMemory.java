package io.imageclassifier.bench;

import static io.imageclassifier.bench.Figures.f1;
import static io.imageclassifier.bench.Figures.round1;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The memory the stack holds, for the soak: the model daemon's resident set and Tomcat's heap,
 * each reading stamped with the seconds since the soak began.
 */
final class StackMemory {

    private final OptionalLong daemonPid;
    private final OptionalLong tomcatPid;
    private final long startNanos;

    StackMemory(Path daemonPidFile, Path tomcatPidFile, long startNanos) {
        this.daemonPid = ProcessProbe.pid(daemonPidFile);
        this.tomcatPid = ProcessProbe.pid(tomcatPidFile);
        this.startNanos = startNanos;
    }

    String pids() {
        return "daemon pid " + (daemonPid.isPresent() ? daemonPid.getAsLong() : "unknown")
                + ", Tomcat pid " + (tomcatPid.isPresent() ? tomcatPid.getAsLong() : "unknown");
    }

    /** Now; with {@code afterFullGc} also Tomcat's heap after a full GC (what it really keeps). */
    BenchResults.MemorySample sample(boolean afterFullGc) {
        double at = round1((System.nanoTime() - startNanos) / 1e9);
        double rss = daemonPid.isPresent() ? mb(ProcessProbe.rssKb(daemonPid.getAsLong())) : Double.NaN;
        double heap = tomcatPid.isPresent() ? mb(ProcessProbe.heapUsedKb(tomcatPid.getAsLong(), false)) : Double.NaN;
        double afterGc = afterFullGc && tomcatPid.isPresent()
                ? mb(ProcessProbe.heapUsedKb(tomcatPid.getAsLong(), true)) : Double.NaN;
        return new BenchResults.MemorySample(at, rss, heap, afterGc);
    }

    static String text(BenchResults.MemorySample m) {
        return "daemon RSS " + f1(m.daemonRssMb()) + " MB, Tomcat heap used " + f1(m.tomcatHeapUsedMb()) + " MB"
                + (Double.isNaN(m.tomcatHeapAfterGcMb()) ? "" : " (" + f1(m.tomcatHeapAfterGcMb()) + " MB after a full GC)");
    }

    /** From one reading to another, in % of the first; NaN when the first is not a positive number. */
    static double growth(double from, double to) {
        return from > 0 ? round1(100 * (to - from) / from) : Double.NaN;
    }

    private static double mb(OptionalLong kb) {
        return kb.isPresent() ? round1(kb.getAsLong() / 1024.0) : Double.NaN;
    }
}
