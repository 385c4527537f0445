package io.imageclassifier.bench;

import io.imageclassifier.protocol.BatchLogLine;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * The batches the model daemon ran, read from the lines it appends to its log:
 * {@code * Batch size: (n, 224, 224, 3) inference X ms}.
 *
 * <p>A {@link Cursor} marks where the log ends before a measurement, so only the lines written
 * during it are counted. scripts/start moves the log to {@code .1} when it restarts the daemon;
 * the cursor notices (another file, or a shorter one) and then reads the new log from its start.
 */
public final class BatchLog {

    private BatchLog() {
    }

    /**
     * Batch sizes and inference times.
     *
     * @param histogram batch size → number of batches of that size
     * @param inferenceMsBySize batch size → total inference ms logged for batches of that size
     * @param timedBatches batches whose line carried an inference time
     * @param logRestarted the daemon log was replaced during the measurement (daemon restarted)
     */
    public record BatchStats(Map<Integer, Long> histogram, Map<Integer, Long> inferenceMsBySize, long batches,
                             long images, long timedBatches, long inferenceMs, boolean logRestarted) {

        public static final BatchStats NONE = new BatchStats(Map.of(), Map.of(), 0, 0, 0, 0, false);

        public double meanBatch() {
            return batches == 0 ? Double.NaN : (double) images / batches;
        }

        /** Mean inference ms of the batches of one size, NaN when there were none with a time. */
        public double meanInferenceMs(int size) {
            Long total = inferenceMsBySize.get(size);
            Long count = histogram.get(size);
            return total == null || count == null || count == 0 ? Double.NaN : (double) total / count;
        }

        BatchStats withLogRestarted() {
            return new BatchStats(histogram, inferenceMsBySize, batches, images, timedBatches, inferenceMs, true);
        }

        /** Both measurements together. */
        public BatchStats plus(BatchStats other) {
            Map<Integer, Long> h = new TreeMap<>(histogram);
            other.histogram.forEach((k, v) -> h.merge(k, v, Long::sum));
            Map<Integer, Long> t = new TreeMap<>(inferenceMsBySize);
            other.inferenceMsBySize.forEach((k, v) -> t.merge(k, v, Long::sum));
            return new BatchStats(h, t, batches + other.batches, images + other.images,
                    timedBatches + other.timedBatches, inferenceMs + other.inferenceMs,
                    logRestarted || other.logRestarted);
        }
    }

    /** Counts the batch lines in some log text; other lines are ignored. */
    public static BatchStats parse(CharSequence text) {
        Map<Integer, Long> histogram = new TreeMap<>();
        Map<Integer, Long> inference = new TreeMap<>();
        long batches = 0;
        long images = 0;
        long timed = 0;
        long inferenceMs = 0;
        Matcher m = BatchLogLine.PATTERN.matcher(text);
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            histogram.merge(n, 1L, Long::sum);
            batches++;
            images += n;
            if (m.group(2) != null) {
                long ms = Long.parseLong(m.group(2));
                inference.merge(n, ms, Long::sum);
                timed++;
                inferenceMs += ms;
            }
        }
        return new BatchStats(histogram, inference, batches, images, timed, inferenceMs, false);
    }

    /** Where the log ended when {@link #mark(Path)} was called. */
    public static final class Cursor {
        private final Path log;
        private final Object fileKey;
        private final long offset;

        private Cursor(Path log, Object fileKey, long offset) {
            this.log = log;
            this.fileKey = fileKey;
            this.offset = offset;
        }

        /**
         * The batches logged since the mark, up to the last complete line (a line still being
         * written is left for later); {@link BatchStats#NONE} when there is no log.
         */
        public BatchStats batchesSince() throws IOException {
            if (!Files.exists(log)) {
                return BatchStats.NONE;
            }
            Object key = fileKey(log);
            long size = Files.size(log);
            boolean restarted = !Objects.equals(key, fileKey) || size < offset;
            long from = restarted ? 0 : offset;
            BatchStats stats = parse(completeLines(readFrom(log, from, size)));
            return restarted ? stats.withLogRestarted() : stats;
        }
    }

    public static Cursor mark(Path log) throws IOException {
        if (!Files.exists(log)) {
            return new Cursor(log, null, 0);
        }
        return new Cursor(log, fileKey(log), Files.size(log));
    }

    /** The text up to and including its last newline. */
    static String completeLines(String text) {
        int last = text.lastIndexOf('\n');
        return last < 0 ? "" : text.substring(0, last + 1);
    }

    private static String readFrom(Path log, long from, long to) throws IOException {
        if (to <= from) {
            return "";
        }
        long length = Math.min(to - from, 256L * 1024 * 1024);
        byte[] bytes = new byte[(int) length];
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            f.seek(from);
            f.readFully(bytes);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Object fileKey(Path log) throws IOException {
        return Files.readAttributes(log, BasicFileAttributes.class).fileKey();
    }
}
