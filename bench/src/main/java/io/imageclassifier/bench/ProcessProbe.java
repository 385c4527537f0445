package io.imageclassifier.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory of the stack's processes: a process's resident set (/proc) and a JVM's heap (jcmd). */
public final class ProcessProbe {

    private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s*(\\d+)\\s*kB");
    private static final Pattern G1_HEAP = Pattern.compile("garbage-first heap\\s+total (\\d+)K, used (\\d+)K");
    /** Parallel and Serial collectors: one line per generation. */
    private static final Pattern GENERATION = Pattern.compile(
            "(?m)^\\s*(?:PSYoungGen|ParOldGen|def new generation|tenured generation)\\s+total (\\d+)K, used (\\d+)K");
    private static final Pattern Z_HEAP = Pattern.compile("ZHeap\\s+used (\\d+)M");
    private static final Pattern SHENANDOAH = Pattern.compile("(?m)^\\s*\\d+[KMG] max.*?,\\s*(\\d+)([KMG]) used");

    private ProcessProbe() {
    }

    /** The pid in a pid file, if the file holds one and that process is alive. */
    public static OptionalLong pid(Path pidFile) {
        try {
            String text = Files.readString(pidFile).replaceAll("[^0-9]", "");
            if (text.isEmpty()) {
                return OptionalLong.empty();
            }
            long pid = Long.parseLong(text);
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent()
                    ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** VmRSS of a process, in kB; empty when it is gone. */
    public static OptionalLong rssKb(long pid) {
        try {
            return parseVmRssKb(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    static OptionalLong parseVmRssKb(String status) {
        Matcher m = VM_RSS.matcher(status);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /**
     * Heap in use of a JVM, in kB, from {@code jcmd PID GC.heap_info}; with {@code afterFullGc}
     * a {@code GC.run} first, so that the figure is what stays live rather than where the
     * collector happened to be (one full collection: a pause of the order of 100 ms).
     */
    public static OptionalLong heapUsedKb(long pid, boolean afterFullGc) {
        try {
            if (afterFullGc) {
                jcmd(pid, "GC.run");
            }
            return parseHeapUsedKb(jcmd(pid, "GC.heap_info"));
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    static OptionalLong parseHeapUsedKb(String heapInfo) {
        Matcher g1 = G1_HEAP.matcher(heapInfo);
        if (g1.find()) {
            return OptionalLong.of(Long.parseLong(g1.group(2)));
        }
        Matcher gen = GENERATION.matcher(heapInfo);
        long sum = 0;
        boolean any = false;
        while (gen.find()) {
            sum += Long.parseLong(gen.group(2));
            any = true;
        }
        if (any) {
            return OptionalLong.of(sum);
        }
        Matcher z = Z_HEAP.matcher(heapInfo);
        if (z.find()) {
            return OptionalLong.of(Long.parseLong(z.group(1)) * 1024);
        }
        Matcher sh = SHENANDOAH.matcher(heapInfo);
        if (sh.find()) {
            long n = Long.parseLong(sh.group(1));
            return OptionalLong.of(switch (sh.group(2)) {
                case "G" -> n * 1024 * 1024;
                case "M" -> n * 1024;
                default -> n;
            });
        }
        return OptionalLong.empty();
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String exe = Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
        Process p = new ProcessBuilder(exe, Long.toString(pid), command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
