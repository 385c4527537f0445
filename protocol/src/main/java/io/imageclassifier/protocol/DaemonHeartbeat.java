package io.imageclassifier.protocol;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a live model daemon publishes about itself, as a Redis hash with a short TTL: when the
 * daemon dies, its heartbeat expires and readiness checks stop counting it.
 *
 * <p>It also carries the daemon's running totals (batches, images, skipped jobs, batch sizes,
 * inference times), which the web app's {@code /metrics} exposes per daemon, so one scrape of the
 * web tier covers daemons on any host without a port of their own.
 */
public record DaemonHeartbeat(String daemon, String model, String device, int batchSize,
                              long batches, long images, long skippedExpired,
                              HistogramCounts batchSizes, HistogramCounts inferenceSeconds) {

    /** Refreshed this often by a daemon whose serving loop is running... */
    public static final Duration INTERVAL = Duration.ofSeconds(2);
    /** ...and gone this long after the last refresh. */
    public static final Duration TTL = Duration.ofSeconds(10);

    /** Bucket bounds of the images-per-batch histogram. */
    private static final double[] BATCH_SIZE_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128};
    /** Bucket bounds of the seconds-per-inference-call histogram: ms on a GPU to seconds on a CPU. */
    private static final double[] INFERENCE_SECONDS_BOUNDS =
            {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    public static HistogramCounts newBatchSizeHistogram() {
        return new HistogramCounts(BATCH_SIZE_BOUNDS);
    }

    public static HistogramCounts newInferenceSecondsHistogram() {
        return new HistogramCounts(INFERENCE_SECONDS_BOUNDS);
    }

    public Map<String, String> toHash() {
        Map<String, String> hash = new LinkedHashMap<>();
        hash.put("daemon", daemon);
        hash.put("model", model);
        hash.put("device", device);
        hash.put("batch_size", Integer.toString(batchSize));
        hash.put("batches", Long.toString(batches));
        hash.put("images", Long.toString(images));
        hash.put("skipped_expired", Long.toString(skippedExpired));
        hash.put("batch_sizes", batchSizes.encode());
        hash.put("inference_seconds", inferenceSeconds.encode());
        return hash;
    }

    /** @throws MalformedMessageException when a field is missing or not a number */
    public static DaemonHeartbeat fromHash(Map<String, String> hash) {
        try {
            return new DaemonHeartbeat(required(hash, "daemon"), required(hash, "model"), required(hash, "device"),
                    Integer.parseInt(required(hash, "batch_size")), Long.parseLong(required(hash, "batches")),
                    Long.parseLong(required(hash, "images")), Long.parseLong(required(hash, "skipped_expired")),
                    histogram(hash, "batch_sizes", BATCH_SIZE_BOUNDS),
                    histogram(hash, "inference_seconds", INFERENCE_SECONDS_BOUNDS));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("malformed heartbeat: " + e.getMessage(), e);
        }
    }

    /** Empty when absent: a daemon of an earlier version publishes no histograms but still serves. */
    private static HistogramCounts histogram(Map<String, String> hash, String field, double[] bounds) {
        String encoded = hash.get(field);
        return encoded == null ? new HistogramCounts(bounds) : HistogramCounts.decode(encoded, bounds);
    }

    private static String required(Map<String, String> hash, String field) {
        String value = hash.get(field);
        if (value == null) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value;
    }
}
