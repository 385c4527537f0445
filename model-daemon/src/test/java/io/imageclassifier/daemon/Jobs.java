package io.imageclassifier.daemon;

import io.imageclassifier.protocol.PredictionJob;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/** Small queued jobs for the daemon's tests. */
final class Jobs {

    static final int WIDTH = 2;
    static final int HEIGHT = 2;

    private Jobs() {
    }

    /** A 2x2 job whose every pixel byte is {@code fill}, so tests can tell the images apart. */
    static QueuedJob job(String id, long deadlineMillis, int fill) {
        return sized(id, deadlineMillis, WIDTH, HEIGHT, fill);
    }

    static QueuedJob job(String id, long deadlineMillis) {
        return job(id, deadlineMillis, 0);
    }

    static QueuedJob sized(String id, long deadlineMillis, int width, int height, int fill) {
        byte[] pixels = new byte[width * height * 3];
        Arrays.fill(pixels, (byte) fill);
        return new QueuedJob("entry-" + id, new PredictionJob(id, "results:web-1", deadlineMillis, width, height, pixels));
    }

    /** {@code count} jobs named prefix-0, prefix-1, ... with the same deadline. */
    static List<QueuedJob> jobs(String prefix, int count, long deadlineMillis) {
        return IntStream.range(0, count).mapToObj(i -> job(prefix + "-" + i, deadlineMillis)).toList();
    }

    static List<String> ids(List<QueuedJob> jobs) {
        return jobs.stream().map(queued -> queued.job().id()).toList();
    }
}
