package io.imageclassifier.web.image;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the memory that uploads being decoded take at once. A PNG of a few hundred KB can
 * declare 60 million pixels and inflate to hundreds of MB, so a handful of them at once used to
 * exhaust Tomcat's heap. Each decode reserves what its header says it will need before it
 * starts; one that does not fit waits until others finish, up to its deadline, and is then refused
 * as busy (the client may retry shortly). Any request that fits goes ahead, so a normal photo is not held up
 * behind a queue of huge images.
 */
public final class DecodeMemoryBudget {

    private final long capacityBytes;
    private long reservedBytes;

    DecodeMemoryBudget(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("the decode budget must be positive, not " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    /** Half the heap: the other half holds the waiting requests, the Redis pool and Tomcat itself. */
    public static DecodeMemoryBudget fromSetting(long budgetMegabytes, Runtime runtime) {
        return new DecodeMemoryBudget(budgetMegabytes > 0 ? budgetMegabytes << 20 : runtime.maxMemory() / 2);
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    /**
     * Reserves {@code bytes}, waiting at most {@code maxWait} for other decodes to release theirs.
     *
     * @throws ImageTooLargeException    when the image could never fit, however long it waited
     * @throws DecodeMemoryBusyException when it did not fit within {@code maxWait}
     */
    Reservation reserve(long bytes, Duration maxWait) {
        if (bytes > capacityBytes) {
            throw new ImageTooLargeException("decoding this image takes about " + (bytes >> 20) + " MB, more than the "
                    + (capacityBytes >> 20) + " MB this server allows for decoding (image.decode.budget.mb)");
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        synchronized (this) {
            while (reservedBytes + bytes > capacityBytes) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new DecodeMemoryBusyException();
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DecodeMemoryBusyException(e);
                }
            }
            reservedBytes += bytes;
        }
        return new Reservation(bytes);
    }

    synchronized long reservedBytes() {
        return reservedBytes;
    }

    private synchronized void release(long bytes) {
        reservedBytes -= bytes;
        notifyAll();
    }

    /** Memory held for one decode; closing it (once) hands it back. */
    final class Reservation implements AutoCloseable {
        private long bytes;

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            if (bytes > 0) {
                release(bytes);
                bytes = 0;
            }
        }
    }
}
