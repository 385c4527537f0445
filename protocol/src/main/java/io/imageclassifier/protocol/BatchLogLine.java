package io.imageclassifier.protocol;

import java.util.regex.Pattern;

/**
 * The line a model daemon logs for every batch, in the original's words
 * ({@code * Batch size: (4, 224, 224, 3)}) plus the inference time. Operators grep for it, and
 * the stress test, the benchmark and the integration tests count batches with {@link #PATTERN}.
 */
public final class BatchLogLine {

    /**
     * Group 1: the batch size; group 2: the inference ms, optional so that lines without it still
     * count as batches. Lenient about spaces.
     */
    public static final Pattern PATTERN = Pattern.compile(
            "Batch size: \\((\\d+)\\s*,[^)\\n]*\\)(?:\\s*inference\\s+(\\d+)\\s*ms)?");

    private BatchLogLine() {
    }

    public static String format(int batchSize, int height, int width, long inferenceMillis) {
        return "* Batch size: (" + batchSize + ", " + height + ", " + width + ", 3) inference " + inferenceMillis + " ms";
    }
}
