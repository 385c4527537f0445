package io.imageclassifier.bench;

import java.time.Duration;

/** The options give times in seconds, fractions included (--stress-interval 0.05). */
final class Durations {

    private Durations() {
    }

    static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }
}
