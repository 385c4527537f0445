package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatsTest {

    private static double[] oneTo(int n) {
        return IntStream.rangeClosed(1, n).asDoubleStream().toArray();
    }

    @Test
    void nearestRankPercentilesOfAHundredValues() {
        double[] v = oneTo(100);
        assertEquals(50, Stats.percentile(v, 50));
        assertEquals(90, Stats.percentile(v, 90));
        assertEquals(99, Stats.percentile(v, 99));
        assertEquals(100, Stats.percentile(v, 100));
        assertEquals(1, Stats.percentile(v, 0));
    }

    @Test
    void p99OfFewValuesIsTheLargest() {
        assertEquals(10, Stats.percentile(oneTo(10), 99));
        assertEquals(7, Stats.percentile(new double[] {7}, 99));
        assertEquals(7, Stats.percentile(new double[] {7}, 50));
    }

    @Test
    void percentileOfNothingIsNaNAndOutOfRangeIsRefused() {
        assertTrue(Double.isNaN(Stats.percentile(new double[0], 50)));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(oneTo(3), 101));
    }

    @Test
    void summarySortsItsInputAndLeavesItAlone() {
        double[] v = {30, 10, 20, 40};
        Stats.Summary s = Stats.summarize(v);
        assertEquals(4, s.count());
        assertEquals(10, s.min());
        assertEquals(20, s.p50());
        assertEquals(40, s.p99());
        assertEquals(40, s.max());
        assertEquals(25, s.mean(), 1e-9);
        assertEquals(30, v[0]);
        assertEquals(s, Stats.summarize(List.of(30.0, 10.0, 20.0, 40.0)));
    }

    @Test
    void summaryOfNothingIsEmpty() {
        Stats.Summary s = Stats.summarize(new double[0]);
        assertEquals(0, s.count());
        assertTrue(Double.isNaN(s.p50()));
        assertTrue(Double.isNaN(s.mean()));
    }

    @Test
    void medianAveragesTheTwoMiddleValues() {
        assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}));
        assertEquals(3, Stats.median(new double[] {5, 1, 3}));
        assertTrue(Double.isNaN(Stats.median(new double[0])));
    }

    @Test
    void percentOfNothingIsNaN() {
        assertEquals(50, Stats.percent(20, 40));
        assertTrue(Double.isNaN(Stats.percent(1, 0)));
        assertTrue(Double.isNaN(Stats.percent(1, Double.NaN)));
    }
}
