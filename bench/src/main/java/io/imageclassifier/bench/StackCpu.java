package io.imageclassifier.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Where the CPU goes: the CPU time of each part of the stack (model daemon, Tomcat, Apache,
 * Redis) and of this benchmark's own client, from /proc/PID/stat, so that a measurement can say
 * how many CPU milliseconds each part spent per request.
 */
public final class StackCpu {

    /** Linux reports CPU time in USER_HZ ticks, 100 a second. */
    static final double MS_PER_TICK = 10.0;
    static final Path APACHE_PID = Path.of("/var/run/apache2/apache2.pid");

    /** One part's process and CPU ticks at one moment; pid -1 when it was not running. */
    record Reading(long pid, long ticks) {
    }

    /** The readings of all parts at one moment. */
    public record Snapshot(Map<String, Reading> parts) {
    }

    private final Path root;

    public StackCpu(Path root) {
        this.root = root;
    }

    public Snapshot take() {
        Map<String, Reading> parts = new LinkedHashMap<>();
        parts.put("daemon", jvmOrProcess(root.resolve("runtime/run/model-daemon.pid")));
        parts.put("tomcat", jvmOrProcess(root.resolve("runtime/run/service/tomcat.pid")));
        parts.put("apache", apache());
        parts.put("redis", jvmOrProcess(root.resolve("runtime/run/service/redis.pid")));
        long self = ProcessHandle.current().pid();
        parts.put("client", new Reading(self, ticks(self, false)));
        return new Snapshot(parts);
    }

    /**
     * CPU ms per request of each part between two snapshots, and their "total"; NaN for a part
     * that was restarted or missing in between.
     */
    public static Map<String, Double> msPerRequest(Snapshot before, Snapshot after, long requests) {
        Map<String, Double> ms = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<String, Reading> e : before.parts().entrySet()) {
            Reading a = e.getValue();
            Reading b = after.parts().get(e.getKey());
            double value = Double.NaN;
            if (requests > 0 && b != null && a.pid() > 0 && a.pid() == b.pid() && a.ticks() >= 0 && b.ticks() >= a.ticks()) {
                value = (b.ticks() - a.ticks()) * MS_PER_TICK / requests;
                total += value;
            }
            ms.put(e.getKey(), value);
        }
        ms.put("total", requests > 0 ? total : Double.NaN);
        return ms;
    }

    private static Reading jvmOrProcess(Path pidFile) {
        OptionalLong pid = ProcessProbe.pid(pidFile);
        return pid.isPresent() ? new Reading(pid.getAsLong(), ticks(pid.getAsLong(), false)) : new Reading(-1, -1);
    }

    /** Apache: the parent (with the children it has reaped) plus the live children. */
    private static Reading apache() {
        OptionalLong parent = ProcessProbe.pid(APACHE_PID);
        if (parent.isEmpty()) {
            return new Reading(-1, -1);
        }
        long total = ticks(parent.getAsLong(), true);
        if (total < 0) {
            return new Reading(-1, -1);
        }
        for (ProcessHandle child : ProcessHandle.of(parent.getAsLong()).map(p -> p.children().toList())
                .orElse(java.util.List.of())) {
            total += Math.max(0, ticks(child.pid(), false));
        }
        return new Reading(parent.getAsLong(), total);
    }

    /** utime + stime (+ cutime + cstime of reaped children), or -1. */
    static long ticks(long pid, boolean withChildren) {
        try {
            long[] t = parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
            return t[0] + t[1] + (withChildren ? t[2] + t[3] : 0);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime, stime, cutime, cstime from a /proc/PID/stat line (the command may hold spaces). */
    static long[] parseStat(String stat) {
        String rest = stat.substring(stat.lastIndexOf(')') + 2).trim();
        String[] f = rest.split("\\s+");
        // f[0] is field 3 (state); utime is field 14.
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
    }
}
