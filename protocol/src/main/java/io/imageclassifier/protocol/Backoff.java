package io.imageclassifier.protocol;

import java.time.Duration;

/** Exponential backoff for reconnecting to Redis: doubles on each failure up to a ceiling. */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration current;

    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
        this.current = initial;
    }

    /** The delay to wait now; the next call returns twice as much, up to the ceiling. */
    public Duration next() {
        Duration delay = current;
        Duration doubled = current.multipliedBy(2);
        current = doubled.compareTo(max) > 0 ? max : doubled;
        return delay;
    }

    /** Back to the initial delay, after a success. */
    public void reset() {
        current = initial;
    }

    /** Sleeps for {@link #next()}; keeps the interrupt flag if interrupted. */
    public void pause() {
        try {
            Thread.sleep(next().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
