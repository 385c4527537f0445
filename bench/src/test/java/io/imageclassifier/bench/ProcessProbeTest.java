package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessProbeTest {

    @Test
    void readsVmRssFromProcStatus() {
        String status = """
                Name:\tjava
                VmPeak:\t 9882132 kB
                VmHWM:\t  930000 kB
                VmRSS:\t  915924 kB
                RssAnon:\t  800000 kB
                """;
        assertEquals(OptionalLong.of(915924), ProcessProbe.parseVmRssKb(status));
        assertTrue(ProcessProbe.parseVmRssKb("Name: zombie\n").isEmpty());
    }

    @Test
    void readsG1HeapUsedFromJcmd() {
        String g1 = """
                3035:
                 garbage-first heap   total 264192K, used 46079K [0x00000000c0000000, 0x0000000100000000)
                  region size 1024K, 40 young (40960K), 3 survivors (3072K)
                 Metaspace       used 18027K, committed 18368K, reserved 1114112K
                  class space    used 2005K, committed 2176K, reserved 1048576K
                """;
        assertEquals(OptionalLong.of(46079), ProcessProbe.parseHeapUsedKb(g1));
    }

    @Test
    void addsTheGenerationsOfParallelAndSerialHeaps() {
        String parallel = """
                123:
                 PSYoungGen      total 76288K, used 23617K [0x000000076ab00000, 0x0000000770000000, 0x00000007c0000000)
                  eden space 65536K, 36% used [0x000000076ab00000,0x000000076c210560,0x000000076eb00000)
                 ParOldGen       total 175104K, used 1000K [0x00000006c0000000, 0x00000006cab00000, 0x000000076ab00000)
                 Metaspace       used 5000K, committed 5120K, reserved 1056768K
                """;
        assertEquals(OptionalLong.of(24617), ProcessProbe.parseHeapUsedKb(parallel));
        String serial = """
                 def new generation   total 4928K, used 1026K [0x00000000f0a00000, 0x00000000f0f50000, 0x00000000f5ea0000)
                 tenured generation   total 10944K, used 300K [0x00000000f5ea0000, 0x00000000f6950000, 0x0000000100000000)
                """;
        assertEquals(OptionalLong.of(1326), ProcessProbe.parseHeapUsedKb(serial));
    }

    @Test
    void readsZgcInMegabytesAndGivesUpOnTheUnknown() {
        assertEquals(OptionalLong.of(24 * 1024), ProcessProbe.parseHeapUsedKb(" ZHeap           used 24M, capacity 256M, max capacity 4016M\n"));
        assertTrue(ProcessProbe.parseHeapUsedKb("Exception: no such process").isEmpty());
    }

    @Test
    void aPidFileOfALiveProcessGivesItsPid(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("x.pid");
        Files.writeString(file, ProcessHandle.current().pid() + "\n");
        assertEquals(OptionalLong.of(ProcessHandle.current().pid()), ProcessProbe.pid(file));
        assertTrue(ProcessProbe.rssKb(ProcessHandle.current().pid()).orElse(0) > 0);
        Files.writeString(file, "not a pid");
        assertTrue(ProcessProbe.pid(file).isEmpty());
        assertTrue(ProcessProbe.pid(dir.resolve("missing.pid")).isEmpty());
    }
}
