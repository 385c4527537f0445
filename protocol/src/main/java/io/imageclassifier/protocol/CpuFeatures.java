package io.imageclassifier.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What this host's CPU can do, as far as the int8 model cares: whether it has VNNI (8-bit dot
 * products added in 32 bits), which decides how many bits the int8 model's weights may use.
 */
public final class CpuFeatures {

    /** AVX-512 VNNI (Cascade Lake and later Xeons, Zen 4) or AVX-VNNI (Alder Lake and later). */
    private static final Set<String> VNNI_FLAGS = Set.of("avx512_vnni", "avx_vnni");
    private static final Pattern WORDS = Pattern.compile("\\s+");

    private CpuFeatures() {
    }

    /** Whether the CPU has VNNI; false where /proc/cpuinfo cannot be read (not Linux, a sandbox). */
    public static boolean hasVnni() {
        return hasVnni(Path.of("/proc/cpuinfo"));
    }

    static boolean hasVnni(Path cpuinfo) {
        try {
            return Files.readAllLines(cpuinfo).stream()
                    .filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .map(line -> WORDS.splitAsStream(line).anyMatch(VNNI_FLAGS::contains))
                    .orElse(false);
        } catch (IOException e) {
            return false;
        }
    }

    /** The CPU's model name, for logs and benchmark figures ("unknown" where it cannot be read). */
    public static String modelName() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
