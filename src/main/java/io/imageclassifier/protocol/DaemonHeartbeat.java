package io.imageclassifier.protocol;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a live model daemon publishes about itself, as a Redis hash with a short TTL: when the
 * daemon dies, its heartbeat expires and readiness checks stop counting it.
 */
public record DaemonHeartbeat(String daemon, String model, String device, int batchSize,
                              long batches, long images, long skippedExpired) {

    /** Refreshed this often by a daemon whose serving loop is running... */
    public static final Duration INTERVAL = Duration.ofSeconds(2);
    /** ...and gone this long after the last refresh. */
    public static final Duration TTL = Duration.ofSeconds(10);

    public Map<String, String> toHash() {
        Map<String, String> hash = new LinkedHashMap<>();
        hash.put("daemon", daemon);
        hash.put("model", model);
        hash.put("device", device);
        hash.put("batch_size", Integer.toString(batchSize));
        hash.put("batches", Long.toString(batches));
        hash.put("images", Long.toString(images));
        hash.put("skipped_expired", Long.toString(skippedExpired));
        return hash;
    }

    /** @throws MalformedMessageException when a field is missing or not a number */
    public static DaemonHeartbeat fromHash(Map<String, String> hash) {
        try {
            return new DaemonHeartbeat(required(hash, "daemon"), required(hash, "model"), required(hash, "device"),
                    Integer.parseInt(required(hash, "batch_size")), Long.parseLong(required(hash, "batches")),
                    Long.parseLong(required(hash, "images")), Long.parseLong(required(hash, "skipped_expired")));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("malformed heartbeat: " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> hash, String field) {
        String value = hash.get(field);
        if (value == null) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value;
    }
}
