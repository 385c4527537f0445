package io.imageclassifier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PredictionJobTest {

    private static final int SIDE = 224;
    /** 224 x 224 x 3. */
    private static final int MODEL_INPUT_BYTES = 150_528;

    @Test
    void roundTripsEveryFieldThroughTheStreamEntry() {
        byte[] pixels = randomPixels(MODEL_INPUT_BYTES);
        PredictionJob job = new PredictionJob("job-1", "image_queue:results:web-a", 1_700_000_000_123L,
                SIDE, SIDE, pixels);

        PredictionJob read = PredictionJob.fromStreamFields(job.toStreamFields());

        assertEquals("job-1", read.id());
        assertEquals("image_queue:results:web-a", read.replyTo());
        assertEquals(1_700_000_000_123L, read.deadlineMillis());
        assertEquals(SIDE, read.width());
        assertEquals(SIDE, read.height());
        assertEquals(MODEL_INPUT_BYTES, read.rgbPixels().length);
        assertArrayEquals(pixels, read.rgbPixels());
    }

    @Test
    void streamEntryUsesTheDocumentedFieldNames() {
        Map<String, String> fields = asText(job("job-1").toStreamFields());

        assertEquals("job-1", fields.get("id"));
        assertEquals("results", fields.get("reply_to"));
        assertEquals("5000", fields.get("deadline_ms"));
        assertEquals("2", fields.get("width"));
        assertEquals("1", fields.get("height"));
        assertTrue(fields.containsKey("pixels"));
    }

    @Test
    void pixelsTravelAsRawBytesNotText() {
        byte[] pixels = {(byte) 0xFF, 0, (byte) 0x80, 1, 2, 3};
        PredictionJob job = new PredictionJob("j", "r", 0, 2, 1, pixels);

        byte[] sent = job.toStreamFields().entrySet().stream()
                .filter(field -> new String(field.getKey(), StandardCharsets.UTF_8).equals("pixels"))
                .findFirst().orElseThrow().getValue();

        assertArrayEquals(pixels, sent);
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "reply_to", "deadline_ms", "width", "height", "pixels"})
    void missingFieldIsMalformed(String field) {
        Map<byte[], byte[]> fields = job("job-1").toStreamFields();
        fields.remove(keyNamed(fields, field));

        MalformedMessageException error = assertThrows(MalformedMessageException.class,
                () -> PredictionJob.fromStreamFields(fields));

        assertTrue(error.getMessage().contains(field), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"deadline_ms", "width", "height"})
    void numberFieldThatDoesNotParseIsMalformed(String field) {
        Map<byte[], byte[]> fields = job("job-1").toStreamFields();
        fields.put(keyNamed(fields, field), bytes("soon"));

        assertThrows(MalformedMessageException.class, () -> PredictionJob.fromStreamFields(fields));
    }

    @Test
    void pixelCountThatDoesNotMatchTheSizeIsMalformed() {
        Map<byte[], byte[]> fields = job("job-1").toStreamFields();
        fields.put(keyNamed(fields, "pixels"), new byte[5]);

        assertThrows(MalformedMessageException.class, () -> PredictionJob.fromStreamFields(fields));
    }

    @Test
    void constructorRejectsPixelCountThatDoesNotMatchTheSize() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new PredictionJob("j", "r", 0, SIDE, SIDE, new byte[MODEL_INPUT_BYTES - 1]));

        assertTrue(error.getMessage().contains("150528"), error.getMessage());
    }

    @Test
    void constructorRejectsSizesThatAreNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> new PredictionJob("j", "r", 0, -1, -1, new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> new PredictionJob("j", "r", 0, 65536, 65536, new byte[0]));
    }

    @Test
    void replyToAndIdCanBeReadFromAnEntryThatIsOtherwiseBroken() {
        Map<byte[], byte[]> broken = new LinkedHashMap<>();
        broken.put(bytes("id"), bytes("job-7"));
        broken.put(bytes("reply_to"), bytes("image_queue:results:web-b"));
        broken.put(bytes("width"), bytes("not a number"));

        assertThrows(MalformedMessageException.class, () -> PredictionJob.fromStreamFields(broken));
        assertEquals("image_queue:results:web-b", PredictionJob.replyToOf(broken));
        assertEquals("job-7", PredictionJob.idOf(broken));
    }

    @Test
    void replyToAndIdOfAnEntryWithoutThemAreNull() {
        Map<byte[], byte[]> broken = new LinkedHashMap<>();
        broken.put(bytes("junk"), bytes("x"));

        assertNull(PredictionJob.replyToOf(broken));
        assertNull(PredictionJob.idOf(broken));
    }

    @Test
    void isNotExpiredUpToAndIncludingItsDeadline() {
        PredictionJob job = job("job-1");

        assertFalse(job.isExpired(4_999));
        assertFalse(job.isExpired(5_000));
        assertTrue(job.isExpired(5_001));
    }

    /** A 2x1 job with deadline 5000 replying to "results". */
    private static PredictionJob job(String id) {
        return new PredictionJob(id, "results", 5_000, 2, 1, new byte[] {1, 2, 3, 4, 5, 6});
    }

    private static byte[] randomPixels(int length) {
        byte[] pixels = new byte[length];
        new Random(42).nextBytes(pixels);
        return pixels;
    }

    private static byte[] keyNamed(Map<byte[], byte[]> fields, String name) {
        return fields.keySet().stream()
                .filter(key -> new String(key, StandardCharsets.UTF_8).equals(name))
                .findFirst().orElseThrow();
    }

    private static Map<String, String> asText(Map<byte[], byte[]> fields) {
        Map<String, String> text = new LinkedHashMap<>();
        fields.forEach((key, value) -> text.put(new String(key, StandardCharsets.UTF_8),
                new String(value, StandardCharsets.UTF_8)));
        return text;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
