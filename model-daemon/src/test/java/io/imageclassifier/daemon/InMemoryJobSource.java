package io.imageclassifier.daemon;

import io.imageclassifier.protocol.PredictionResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job queue in memory, on a {@link ManualClock}. Jobs are either queued now or scheduled to arrive
 * at a later time; when {@link #take} has to wait, it moves the clock forward instead of sleeping:
 * to the next arrival if that comes within the wait, else by the whole wait.
 */
final class InMemoryJobSource implements JobSource {

    /** One call to {@link #take}, as the collector made it. */
    record Take(int max, Duration maxWait) {
    }

    private final ManualClock clock;
    private final Deque<QueuedJob> queued = new ArrayDeque<>();
    private final TreeMap<Long, List<QueuedJob>> arrivals = new TreeMap<>();
    private final List<Take> takes = new ArrayList<>();
    private final Map<QueuedJob, PredictionResult> answered = new LinkedHashMap<>();
    private final List<QueuedJob> discarded = new ArrayList<>();
    private int answerCalls;

    InMemoryJobSource(ManualClock clock) {
        this.clock = clock;
    }

    InMemoryJobSource queue(List<QueuedJob> jobs) {
        queued.addAll(jobs);
        return this;
    }

    InMemoryJobSource arriveAt(long millis, QueuedJob... jobs) {
        arrivals.computeIfAbsent(millis, at -> new ArrayList<>()).addAll(List.of(jobs));
        return this;
    }

    @Override
    public List<QueuedJob> take(int max, Duration wait) {
        takes.add(new Take(max, wait));
        admitArrivals();
        if (queued.isEmpty() && !wait.isZero()) {
            long waitUntil = clock.millis() + wait.toMillis();
            Long nextArrival = arrivals.isEmpty() ? null : arrivals.firstKey();
            clock.advanceTo(nextArrival != null && nextArrival <= waitUntil ? nextArrival : waitUntil);
            admitArrivals();
        }
        List<QueuedJob> taken = new ArrayList<>();
        while (taken.size() < max && !queued.isEmpty()) {
            taken.add(queued.poll());
        }
        return taken;
    }

    @Override
    public void answer(Map<QueuedJob, PredictionResult> results) {
        answerCalls++;
        answered.putAll(results);
    }

    @Override
    public void discard(List<QueuedJob> jobs) {
        discarded.addAll(jobs);
    }

    List<Take> takes() {
        return takes;
    }

    int waitingJobs() {
        return queued.size() + arrivals.values().stream().mapToInt(List::size).sum();
    }

    Map<QueuedJob, PredictionResult> answered() {
        return answered;
    }

    int answerCalls() {
        return answerCalls;
    }

    List<QueuedJob> discarded() {
        return discarded;
    }

    private void admitArrivals() {
        while (!arrivals.isEmpty() && arrivals.firstKey() <= clock.millis()) {
            queued.addAll(arrivals.pollFirstEntry().getValue());
        }
    }
}
