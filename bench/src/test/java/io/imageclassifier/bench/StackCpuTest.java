package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackCpuTest {

    @Test
    void parsesTimesAfterACommandWithSpacesAndParentheses() {
        String stat = "21875 (apache2 (x) y) S 1 21875 21875 0 -1 4194624 2035 9000 0 0 4 11 284 664 20 0 1 0 100 0";
        assertArrayEquals(new long[] {4, 11, 284, 664}, StackCpu.parseStat(stat));
    }

    @Test
    void msPerRequestPerPartAndTotal() {
        StackCpu.Snapshot before = snapshot(new StackCpu.Reading(10, 100), new StackCpu.Reading(20, 50),
                new StackCpu.Reading(30, 7));
        StackCpu.Snapshot after = snapshot(new StackCpu.Reading(10, 300), new StackCpu.Reading(20, 150),
                new StackCpu.Reading(31, 2));   // restarted meanwhile: not counted
        Map<String, Double> ms = StackCpu.msPerRequest(before, after, 100);
        assertEquals(20.0, ms.get("daemon"), 1e-9);   // 200 ticks = 2000 ms over 100 requests
        assertEquals(10.0, ms.get("tomcat"), 1e-9);
        assertTrue(Double.isNaN(ms.get("redis")));
        assertEquals(30.0, ms.get("total"), 1e-9);
        assertTrue(Double.isNaN(StackCpu.msPerRequest(before, after, 0).get("total")));
    }

    @Test
    void readsThisProcess() {
        StackCpu.Snapshot s = new StackCpu(Path.of("/nonexistent")).take();
        assertEquals(-1, s.parts().get("daemon").pid());
        assertTrue(s.parts().get("client").ticks() >= 0);
    }

    private static StackCpu.Snapshot snapshot(StackCpu.Reading daemon, StackCpu.Reading tomcat, StackCpu.Reading redis) {
        Map<String, StackCpu.Reading> parts = new LinkedHashMap<>();
        parts.put("daemon", daemon);
        parts.put("tomcat", tomcat);
        parts.put("redis", redis);
        return new StackCpu.Snapshot(parts);
    }
}
