package io.imageclassifier.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One image waiting for the model: what the web tier puts on the job stream.
 *
 * <p>The pixels travel as raw interleaved 8-bit RGB, row by row ({@code width * height * 3}
 * bytes, 150,528 for 224x224): a quarter of float32 and no base64. The daemon does the model's
 * own normalisation, so the web tier need not know it.
 *
 * @param id           unique per request; the result carries it back
 * @param replyTo      the result list of the web instance that waits for this job
 * @param deadlineMillis epoch millis after which nobody waits for the answer any more
 */
public record PredictionJob(String id, String replyTo, long deadlineMillis, int width, int height, byte[] rgbPixels) {

    public static final String FIELD_ID = "id";
    public static final String FIELD_REPLY_TO = "reply_to";
    public static final String FIELD_DEADLINE = "deadline_ms";
    public static final String FIELD_WIDTH = "width";
    public static final String FIELD_HEIGHT = "height";
    public static final String FIELD_PIXELS = "pixels";

    public PredictionJob {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        long expected = 3L * width * height;
        if (rgbPixels.length != expected) {
            throw new IllegalArgumentException("expected " + expected + " RGB bytes for "
                    + width + "x" + height + ", got " + rgbPixels.length);
        }
    }

    /** The stream entry's fields. */
    public Map<byte[], byte[]> toStreamFields() {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        fields.put(bytes(FIELD_ID), bytes(id));
        fields.put(bytes(FIELD_REPLY_TO), bytes(replyTo));
        fields.put(bytes(FIELD_DEADLINE), bytes(Long.toString(deadlineMillis)));
        fields.put(bytes(FIELD_WIDTH), bytes(Integer.toString(width)));
        fields.put(bytes(FIELD_HEIGHT), bytes(Integer.toString(height)));
        fields.put(bytes(FIELD_PIXELS), rgbPixels);
        return fields;
    }

    /**
     * Reads a stream entry back.
     *
     * @throws MalformedMessageException when a field is missing or does not parse
     */
    public static PredictionJob fromStreamFields(Map<byte[], byte[]> fields) {
        Map<String, byte[]> byName = new LinkedHashMap<>();
        fields.forEach((name, value) -> byName.put(new String(name, StandardCharsets.UTF_8), value));
        try {
            return new PredictionJob(
                    text(byName, FIELD_ID),
                    text(byName, FIELD_REPLY_TO),
                    Long.parseLong(text(byName, FIELD_DEADLINE)),
                    Integer.parseInt(text(byName, FIELD_WIDTH)),
                    Integer.parseInt(text(byName, FIELD_HEIGHT)),
                    required(byName, FIELD_PIXELS));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("malformed job: " + e.getMessage(), e);
        }
    }

    /** The reply list named in a possibly malformed entry, so even a broken job can be answered. */
    public static String replyToOf(Map<byte[], byte[]> fields) {
        return fieldText(fields, FIELD_REPLY_TO);
    }

    /** The job id named in a possibly malformed entry. */
    public static String idOf(Map<byte[], byte[]> fields) {
        return fieldText(fields, FIELD_ID);
    }

    public boolean isExpired(long nowMillis) {
        return nowMillis > deadlineMillis;
    }

    private static String fieldText(Map<byte[], byte[]> fields, String name) {
        byte[] wanted = bytes(name);
        for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
            if (Arrays.equals(field.getKey(), wanted)) {
                return new String(field.getValue(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String text(Map<String, byte[]> fields, String name) {
        return new String(required(fields, name), StandardCharsets.UTF_8);
    }

    private static byte[] required(Map<String, byte[]> fields, String name) {
        byte[] value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
        return value;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
