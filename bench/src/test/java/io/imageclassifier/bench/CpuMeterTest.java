package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CpuMeterTest {

    @Test
    void parsesTheAggregateLine() {
        CpuMeter.Times t = CpuMeter.parse("cpu  256094 0 62920 824362 1465 0 3760 7 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n");
        assertEquals(256094 + 62920 + 3760, t.busy());
        assertEquals(7, t.steal());
        assertEquals(256094 + 62920 + 3760 + 824362 + 1465 + 7, t.total());
        assertNull(CpuMeter.parse("intr 1 2 3\n"));
    }

    @Test
    void otherIsTheBusyTimeThatWasNotOurs() {
        // Two cores for 10 s = 2000 jiffies; 1500 busy, of which we used 12 s = 1200 jiffies; 100 stolen.
        CpuMeter.Times start = new CpuMeter.Times(1000, 50, 10_000);
        CpuMeter.Times end = new CpuMeter.Times(2500, 150, 12_000);
        CpuMeter.Usage u = CpuMeter.usage(start, end, Duration.ofSeconds(12));
        assertEquals(15, u.otherPercent(), 1e-9);
        assertEquals(5, u.stealPercent(), 1e-9);
        assertEquals(60, u.ownPercent(), 1e-9);
    }

    @Test
    void ourTimeBeyondTheBusyTimeLeavesNoOther() {
        CpuMeter.Usage u = CpuMeter.usage(new CpuMeter.Times(0, 0, 0), new CpuMeter.Times(100, 0, 200), Duration.ofSeconds(2));
        assertEquals(0, u.otherPercent(), 1e-9);
        assertEquals(50, u.ownPercent(), 1e-9);
        assertTrue(Double.isNaN(CpuMeter.usage(new CpuMeter.Times(0, 0, 5), new CpuMeter.Times(0, 0, 5), Duration.ZERO)
                .otherPercent()));
    }

    @Test
    void measuresThisMachine() {
        CpuMeter.Usage u = CpuMeter.start().stop();
        assertTrue(Double.isNaN(u.otherPercent()) || u.otherPercent() >= 0);
    }
}
