package io.imageclassifier.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the requests of a chaos run ended, in total and beside the fault that preceded each one.
 *
 * <p>A request is counted by its answer: {@code 200}, {@code 503} (with Retry-After: the client
 * may send it again), {@code 504} (the deadline passed), {@code other} (any other answer, kept
 * with its reason), or {@code unanswered} (no HTTP answer at all before the client gave up).
 * Each request belongs to the last fault that began before it ended; the chaos run leaves more
 * than a request timeout between one fault's end and the next fault, so a late answer (a 504
 * at its deadline) still lands beside the fault that caused it.
 */
final class ChaosTally {

    static final List<String> OUTCOMES = List.of("200", "503", "504", "other", "unanswered");
    /** The requests that ended before the first fault. */
    static final String STEADY = "before the first fault";

    /** One fault as it happened: when it began (System.nanoTime) and what it was. */
    record Fault(long startNanos, String label) {
    }

    /** The requests that ended while this fault's effects could last, by outcome. */
    record Window(String label, Map<String, Integer> outcomes, Map<String, Integer> otherReasons) {
    }

    private final Map<String, Integer> totals = zeroes();
    private final Map<String, Integer> otherReasons = new TreeMap<>();
    private final List<Window> windows = new ArrayList<>();

    /** @param faults in the order they began */
    ChaosTally(List<Fault> faults, List<HttpLoad.Sample> samples) {
        windows.add(new Window(STEADY, zeroes(), new TreeMap<>()));
        for (Fault fault : faults) {
            windows.add(new Window(fault.label(), zeroes(), new TreeMap<>()));
        }
        for (HttpLoad.Sample sample : samples) {
            String outcome = outcome(sample);
            Window window = windows.get(windowOf(faults, sample.endNanos()));
            totals.merge(outcome, 1, Integer::sum);
            window.outcomes().merge(outcome, 1, Integer::sum);
            if (outcome.equals("other")) {
                otherReasons.merge(reason(sample), 1, Integer::sum);
                window.otherReasons().merge(reason(sample), 1, Integer::sum);
            }
        }
    }

    static String outcome(HttpLoad.Sample sample) {
        if (sample.ok()) {
            return "200";
        }
        if (sample.status() == 0) {
            return "unanswered";
        }
        if (sample.status() == 503 && sample.retryAfter()) {
            return "503";
        }
        return sample.status() == 504 ? "504" : "other";
    }

    /** Why an "other" request counts as one: a 503 is only one when it did not say when to try again. */
    private static String reason(HttpLoad.Sample sample) {
        return sample.status() == 503 && !sample.retryAfter() ? sample.failure() + " without Retry-After"
                : sample.failure();
    }

    /** 0 for the steady window, i for the i-th fault (from 1). */
    private static int windowOf(List<Fault> faults, long endNanos) {
        int window = 0;
        for (int i = 0; i < faults.size() && faults.get(i).startNanos() - endNanos <= 0; i++) {
            window = i + 1;
        }
        return window;
    }

    int sent() {
        return totals.values().stream().mapToInt(Integer::intValue).sum();
    }

    Map<String, Integer> totals() {
        return totals;
    }

    Map<String, Integer> otherReasons() {
        return otherReasons;
    }

    /** The steady window first, then one per fault. */
    List<Window> windows() {
        return windows;
    }

    private static Map<String, Integer> zeroes() {
        Map<String, Integer> map = new LinkedHashMap<>();
        OUTCOMES.forEach(o -> map.put(o, 0));
        return map;
    }
}
