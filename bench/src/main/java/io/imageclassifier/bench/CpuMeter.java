package io.imageclassifier.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How busy the machine was while this process measured something: the CPU time of everything
 * else (from /proc/stat, minus this JVM's own) and the steal time of the VM, as a percentage of
 * all cores over the interval. A ceiling measured while others used the CPU is understated.
 */
public final class CpuMeter {

    /** Jiffies (USER_HZ, 100 a second on Linux) from the "cpu" line of /proc/stat. */
    record Times(long busy, long steal, long total) {
    }

    /** What the interval looked like, in % of all cores (NaN when /proc could not be read). */
    public record Usage(double otherPercent, double stealPercent, double ownPercent) {

        public static final Usage UNKNOWN = new Usage(Double.NaN, Double.NaN, Double.NaN);
    }

    private final Times start;
    private final long ownStartNanos;

    private CpuMeter(Times start, long ownStartNanos) {
        this.start = start;
        this.ownStartNanos = ownStartNanos;
    }

    public static CpuMeter start() {
        return new CpuMeter(read(), ownCpuNanos());
    }

    public Usage stop() {
        Times end = read();
        long own = ownCpuNanos();
        if (start == null || end == null || own < 0 || ownStartNanos < 0) {
            return Usage.UNKNOWN;
        }
        return usage(start, end, Duration.ofNanos(own - ownStartNanos));
    }

    static Usage usage(Times start, Times end, Duration ownCpu) {
        long total = end.total() - start.total();
        if (total <= 0) {
            return Usage.UNKNOWN;
        }
        double ownJiffies = ownCpu.toNanos() / 1e7;  // 100 jiffies a second
        double busy = end.busy() - start.busy();
        double steal = end.steal() - start.steal();
        double other = Math.max(0, busy - ownJiffies);
        return new Usage(100 * other / total, 100 * steal / total, 100 * Math.min(ownJiffies, busy) / total);
    }

    /**
     * Parses the aggregate line: {@code cpu user nice system idle iowait irq softirq steal ...};
     * busy is everything but idle, iowait and steal (which is counted on its own).
     */
    static Times parse(String procStat) {
        for (String line : procStat.split("\n")) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                long[] v = new long[8];
                for (int i = 0; i < v.length && i + 1 < f.length; i++) {
                    v[i] = Long.parseLong(f[i + 1]);
                }
                long user = v[0];
                long nice = v[1];
                long system = v[2];
                long idle = v[3];
                long iowait = v[4];
                long irq = v[5];
                long softirq = v[6];
                long steal = v[7];
                long busy = user + nice + system + irq + softirq;
                return new Times(busy, steal, busy + idle + iowait + steal);
            }
        }
        return null;
    }

    private static Times read() {
        try {
            return parse(Files.readString(Path.of("/proc/stat")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long ownCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }
}
