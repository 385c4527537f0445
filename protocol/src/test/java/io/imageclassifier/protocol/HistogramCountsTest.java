package io.imageclassifier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HistogramCountsTest {

    @Test
    void countsEachObservationInTheFirstBucketWhoseBoundIsNotBelowIt() {
        HistogramCounts histogram = new HistogramCounts(1, 2, 4);

        for (double value : new double[] {0.5, 1, 1.5, 2, 3, 4, 9}) {
            histogram.observe(value);
        }

        // Prometheus buckets are "less than or equal": 1 lands in le=1, 9 above every bound.
        assertArrayEquals(new long[] {2, 2, 2, 1}, histogram.bucketCounts());
        assertEquals(7, histogram.count());
        assertEquals(21.0, histogram.sum());
    }

    @Test
    void survivesTheRoundTripThroughItsTextForm() {
        HistogramCounts histogram = new HistogramCounts(0.01, 0.1);
        histogram.observe(0.02);
        histogram.observe(0.5);

        assertEquals("0,1,1|0.52", histogram.encode());
        assertEquals(histogram, HistogramCounts.decode(histogram.encode(), 0.01, 0.1));
    }

    @Test
    void textWithTheWrongNumberOfBucketsIsMalformed() {
        assertThrows(MalformedMessageException.class, () -> HistogramCounts.decode("1,2|3", 1, 2, 4));
        assertThrows(MalformedMessageException.class, () -> HistogramCounts.decode("1,2,3", 1, 2));
        assertThrows(MalformedMessageException.class, () -> HistogramCounts.decode("1,x,3|0", 1, 2));
    }

    @Test
    void aCopyDoesNotChangeWithTheOriginal() {
        HistogramCounts histogram = new HistogramCounts(1);
        HistogramCounts copy = histogram.copy();

        histogram.observe(0.5);

        assertEquals(0, copy.count());
    }

    @Test
    void boundsMustAscend() {
        assertThrows(IllegalArgumentException.class, () -> new HistogramCounts(2, 1));
    }
}
