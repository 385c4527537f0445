package io.imageclassifier.protocol;

import java.util.Arrays;
import java.util.Locale;

/**
 * A histogram with fixed bucket bounds that a model daemon keeps and publishes in its heartbeat,
 * so the web app can expose it as a Prometheus histogram without scraping every daemon.
 *
 * <p>Counts are per bucket (not cumulative); the last bucket is everything above the largest
 * bound (+Inf). The wire form is the counts, comma-separated, a '|' and the sum: {@code 3,5,0|23.0}.
 */
public final class HistogramCounts {

    private final double[] upperBounds;
    private final long[] counts;
    private double sum;

    /** @param upperBounds ascending bucket bounds, without +Inf */
    public HistogramCounts(double... upperBounds) {
        for (int i = 1; i < upperBounds.length; i++) {
            if (!(upperBounds[i] > upperBounds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must ascend: " + Arrays.toString(upperBounds));
            }
        }
        this.upperBounds = upperBounds.clone();
        this.counts = new long[upperBounds.length + 1];
    }

    public void observe(double value) {
        int bucket = 0;
        while (bucket < upperBounds.length && value > upperBounds[bucket]) {
            bucket++;
        }
        counts[bucket]++;
        sum += value;
    }

    public double[] upperBounds() {
        return upperBounds.clone();
    }

    /** Observations per bucket; the last entry counts those above every bound. */
    public long[] bucketCounts() {
        return counts.clone();
    }

    public long count() {
        return Arrays.stream(counts).sum();
    }

    public double sum() {
        return sum;
    }

    public HistogramCounts copy() {
        HistogramCounts copy = new HistogramCounts(upperBounds);
        System.arraycopy(counts, 0, copy.counts, 0, counts.length);
        copy.sum = sum;
        return copy;
    }

    public String encode() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < counts.length; i++) {
            out.append(i == 0 ? "" : ",").append(counts[i]);
        }
        return out.append('|').append(String.format(Locale.ROOT, "%s", sum)).toString();
    }

    /** @throws MalformedMessageException when the text does not fit these bucket bounds */
    public static HistogramCounts decode(String encoded, double... upperBounds) {
        HistogramCounts histogram = new HistogramCounts(upperBounds);
        int bar = encoded.indexOf('|');
        String[] parts = bar < 0 ? new String[0] : encoded.substring(0, bar).split(",");
        if (parts.length != histogram.counts.length) {
            throw new MalformedMessageException("histogram '" + encoded + "' does not have "
                    + histogram.counts.length + " buckets");
        }
        try {
            for (int i = 0; i < parts.length; i++) {
                histogram.counts[i] = Long.parseLong(parts[i]);
            }
            histogram.sum = Double.parseDouble(encoded.substring(bar + 1));
        } catch (NumberFormatException e) {
            throw new MalformedMessageException("histogram '" + encoded + "' has a non-numeric field", e);
        }
        return histogram;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HistogramCounts that && Arrays.equals(upperBounds, that.upperBounds)
                && Arrays.equals(counts, that.counts) && Double.compare(sum, that.sum) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Double.hashCode(sum);
    }

    @Override
    public String toString() {
        return encode();
    }
}
