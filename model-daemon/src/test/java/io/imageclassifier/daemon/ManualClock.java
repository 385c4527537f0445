package io.imageclassifier.daemon;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that only moves when told to. */
final class ManualClock extends Clock {

    private long millis;

    ManualClock(long startMillis) {
        this.millis = startMillis;
    }

    void advanceTo(long newMillis) {
        if (newMillis < millis) {
            throw new IllegalArgumentException("time does not run backwards: " + newMillis + " < " + millis);
        }
        millis = newMillis;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
