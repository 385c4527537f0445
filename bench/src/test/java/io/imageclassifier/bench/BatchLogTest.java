package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLogTest {

    private static final String LOG = """
            2026-11-25 20:06:40 INFO loading model /work/main/runtime/model/resnet50.onnx on cpu
            2026-11-25 20:06:43 INFO model daemon ready: CPU, batch size 32, max batch delay 0 ms, queue 'image_queue' on 127.0.0.1:6379
            2026-11-25 20:07:01 INFO * Batch size: (1, 224, 224, 3) inference 25 ms
            2026-11-25 20:07:01 INFO * Batch size: (4, 224, 224, 3) inference 81 ms
            2026-11-25 20:07:02 INFO * Batch size: (4, 224, 224, 3) inference 79 ms
            2026-11-25 20:07:02 INFO skipped 2 jobs whose caller had already timed out
            2026-11-25 20:07:03 INFO * Batch size: (32, 224, 224, 3) inference 640 ms
            2026-11-25 20:07:04 INFO * Batch size: (2, 224, 224, 3)
            """;

    @Test
    void countsBatchesBySizeWithTheirInferenceTimes() {
        BatchLog.BatchStats s = BatchLog.parse(LOG);
        assertEquals(Map.of(1, 1L, 2, 1L, 4, 2L, 32, 1L), s.histogram());
        assertEquals(5, s.batches());
        assertEquals(43, s.images());
        assertEquals(43 / 5.0, s.meanBatch(), 1e-9);
        assertEquals(4, s.timedBatches(), "the line without a time still counts as a batch");
        assertEquals(25 + 81 + 79 + 640, s.inferenceMs());
        assertEquals(80, s.meanInferenceMs(4), 1e-9);
        assertEquals(640, s.meanInferenceMs(32), 1e-9);
        assertTrue(Double.isNaN(s.meanInferenceMs(2)), "batches of 2 were logged without a time");
        assertTrue(Double.isNaN(s.meanInferenceMs(8)));
        assertFalse(s.logRestarted());
    }

    @Test
    void noBatchesMeansNaNMean() {
        BatchLog.BatchStats s = BatchLog.parse("2026-11-25 INFO model daemon ready\n");
        assertEquals(0, s.batches());
        assertTrue(Double.isNaN(s.meanBatch()));
        assertEquals(s, BatchLog.parse(""));
    }

    @Test
    void theOriginalStressTestFormatWithoutSpacesCounts() {
        BatchLog.BatchStats s = BatchLog.parse("* Batch size: (16,224,224,3)\n* Batch size: (8 , 224, 224, 3) inference 300 ms\n");
        assertEquals(Map.of(8, 1L, 16, 1L), s.histogram());
        assertEquals(300, s.meanInferenceMs(8), 1e-9);
    }

    @Test
    void plusAddsHistogramsAndTimes() {
        BatchLog.BatchStats a = BatchLog.parse("* Batch size: (1, 224, 224, 3) inference 20 ms\n");
        BatchLog.BatchStats b = BatchLog.parse("* Batch size: (1, 224, 224, 3) inference 30 ms\n"
                + "* Batch size: (2, 224, 224, 3) inference 50 ms\n");
        BatchLog.BatchStats sum = a.plus(b);
        assertEquals(Map.of(1, 2L, 2, 1L), sum.histogram());
        assertEquals(25, sum.meanInferenceMs(1), 1e-9);
        assertEquals(3, sum.batches());
        assertEquals(4, sum.images());
        assertEquals(100, sum.inferenceMs());
    }

    @Test
    void completeLinesDropsALineStillBeingWritten() {
        assertEquals("a\nb\n", BatchLog.completeLines("a\nb\n* Batch size: (1"));
        assertEquals("", BatchLog.completeLines("* Batch size: (3"));
        assertEquals("a\n", BatchLog.completeLines("a\n"));
    }

    @Test
    void cursorCountsOnlyWhatWasAppendedSinceTheMark(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("model-daemon.log");
        Files.writeString(log, "* Batch size: (8, 224, 224, 3) inference 300 ms\n");
        BatchLog.Cursor cursor = BatchLog.mark(log);
        append(log, "x INFO * Batch size: (2, 224, 224, 3) inference 50 ms\n* Batch size: (3, 224, 224, 3) inf");

        BatchLog.BatchStats s = cursor.batchesSince();
        assertEquals(Map.of(2, 1L), s.histogram(), "the batch before the mark and the half-written line do not count");
        assertFalse(s.logRestarted());

        append(log, "erence 70 ms\n");
        assertEquals(Map.of(2, 1L, 3, 1L), cursor.batchesSince().histogram());
    }

    @Test
    void aReplacedLogIsReadFromItsStart(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("model-daemon.log");
        Files.writeString(log, "lots of old lines\n".repeat(20) + "* Batch size: (8, 224, 224, 3) inference 300 ms\n");
        BatchLog.Cursor cursor = BatchLog.mark(log);
        // scripts/start: mv log log.1, then a new daemon writes a new log.
        Files.move(log, dir.resolve("model-daemon.log.1"));
        Files.writeString(log, "ready\n* Batch size: (1, 224, 224, 3) inference 20 ms\n");

        BatchLog.BatchStats s = cursor.batchesSince();
        assertEquals(Map.of(1, 1L), s.histogram());
        assertTrue(s.logRestarted());
    }

    @Test
    void aMissingLogHasNoBatches(@TempDir Path dir) throws IOException {
        Path log = dir.resolve("none.log");
        BatchLog.Cursor cursor = BatchLog.mark(log);
        assertEquals(0, cursor.batchesSince().batches());
        Files.writeString(log, "* Batch size: (5, 224, 224, 3) inference 99 ms\n");
        BatchLog.BatchStats s = cursor.batchesSince();
        assertEquals(Map.of(5, 1L), s.histogram(), "a log created after the mark is read whole");
    }

    private static void append(Path log, String text) throws IOException {
        Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
