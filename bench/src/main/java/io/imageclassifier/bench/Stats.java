package io.imageclassifier.bench;

import java.util.Arrays;
import java.util.Collection;

/** Percentiles and summaries of a set of measurements (milliseconds, usually). */
public final class Stats {

    private Stats() {
    }

    /** count, min, p50, p90, p99, max and mean of some values; all NaN when there are none. */
    public record Summary(int count, double min, double p50, double p90, double p99, double max, double mean) {

        public static final Summary EMPTY = new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN);
    }

    public static Summary summarize(Collection<Double> values) {
        return summarize(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public static Summary summarize(double[] values) {
        if (values.length == 0) {
            return Summary.EMPTY;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        return new Summary(sorted.length, sorted[0], percentile(sorted, 50), percentile(sorted, 90),
                percentile(sorted, 99), sorted[sorted.length - 1], sum / sorted.length);
    }

    /**
     * Nearest-rank percentile of sorted values (the value that at least p % of the values do not
     * exceed), as the stress test has always computed it; with 100 values p99 is the 99th.
     */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile " + p + " is not in 0..100");
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The middle value, or the mean of the two middle ones. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** 100 * part / whole, NaN when the whole is not a positive number. */
    public static double percent(double part, double whole) {
        return whole > 0 && Double.isFinite(whole) ? 100.0 * part / whole : Double.NaN;
    }
}
