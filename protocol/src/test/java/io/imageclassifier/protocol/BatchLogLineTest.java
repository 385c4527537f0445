package io.imageclassifier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

class BatchLogLineTest {

    @Test
    void keepsTheOriginalWordingAndAddsTheInferenceTime() {
        assertEquals("* Batch size: (4, 224, 224, 3) inference 81 ms", BatchLogLine.format(4, 224, 224, 81));
    }

    @Test
    void patternReadsBackTheBatchSizeAndTheTime() {
        Matcher line = BatchLogLine.PATTERN.matcher("2026-11-25 20:07:01 INFO " + BatchLogLine.format(32, 224, 224, 640));

        assertTrue(line.find());
        assertEquals("32", line.group(1));
        assertEquals("640", line.group(2));
    }

    @Test
    void patternStillCountsALineWithoutTheTime() {
        Matcher line = BatchLogLine.PATTERN.matcher("* Batch size: (2, 224, 224, 3)");

        assertTrue(line.find());
        assertEquals("2", line.group(1));
        assertEquals(null, line.group(2));
    }
}
