package io.imageclassifier.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuFeaturesTest {

    @TempDir
    Path dir;

    private Path cpuinfo(String flags) throws Exception {
        return Files.writeString(dir.resolve("cpuinfo"), "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: " + flags
                + "\n\nprocessor\t: 1\nflags\t\t: " + flags + "\n");
    }

    @Test
    void vnniIsEitherAvx512VnniOrAvxVnni() throws Exception {
        assertTrue(CpuFeatures.hasVnni(cpuinfo("fpu sse2 avx2 avx512f avx512_vnni amx_int8")));
        assertTrue(CpuFeatures.hasVnni(cpuinfo("fpu sse2 avx2 avx_vnni")));
    }

    @Test
    void avx2AloneOrAFlagThatMerelyContainsTheWordIsNot() throws Exception {
        assertFalse(CpuFeatures.hasVnni(cpuinfo("fpu sse2 avx2 fma avx512f avx512_vnnix")));
        assertFalse(CpuFeatures.hasVnni(dir.resolve("missing")));
    }
}
