package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosTallyTest {

    private static final long S = 1_000_000_000L;

    private static HttpLoad.Sample ok(long start, long end) {
        return new HttpLoad.Sample(0, start * S, end * S, 200, true, null);
    }

    private static HttpLoad.Sample failed(long start, long end, int status, String failure) {
        return new HttpLoad.Sample(0, start * S, end * S, status, false, failure, status == 503);
    }

    private static HttpLoad.Sample failedWithoutRetryAfter(long start, long end, int status, String failure) {
        return new HttpLoad.Sample(0, start * S, end * S, status, false, failure, false);
    }

    @Test
    void countsEachRequestByHowItEnded() {
        ChaosTally tally = new ChaosTally(List.of(), List.of(
                ok(0, 1),
                failed(1, 2, 503, "HTTP 503 (the job queue (Redis) is unavailable)"),
                failedWithoutRetryAfter(1, 2, 503, "HTTP 503 (queue full)"),
                failed(1, 31, 504, "HTTP 504 (the model daemon did not answer within N ms)"),
                failed(2, 3, 502, "HTTP 502 (the web tier (Tomcat) is not reachable)"),
                failed(2, 62, 0, "client timeout after 60 s"),
                failed(3, 4, 200, "HTTP 200")));

        assertEquals(Map.of("200", 1, "503", 1, "504", 1, "other", 3, "unanswered", 1), tally.totals());
        assertEquals(7, tally.sent());
        assertEquals(Map.of("HTTP 503 (queue full) without Retry-After", 1,
                "HTTP 502 (the web tier (Tomcat) is not reachable)", 1, "HTTP 200", 1), tally.otherReasons(),
                "a 503 without Retry-After, any other status, and a 200 without a prediction are 'other'");
    }

    @Test
    void aRequestBelongsToTheLastFaultThatBeganBeforeItEnded() {
        List<ChaosTally.Fault> faults = List.of(new ChaosTally.Fault(10 * S, "Redis restarted"),
                new ChaosTally.Fault(80 * S, "daemon 1 killed with -9"));
        ChaosTally tally = new ChaosTally(faults, List.of(
                ok(0, 5),
                // In flight when Redis restarted: its job was lost and it ends at its deadline.
                failed(8, 38, 504, "HTTP 504"),
                failed(11, 11, 503, "HTTP 503"),
                ok(12, 13),
                ok(79, 81)));

        List<ChaosTally.Window> windows = tally.windows();
        assertEquals(List.of(ChaosTally.STEADY, "Redis restarted", "daemon 1 killed with -9"),
                windows.stream().map(ChaosTally.Window::label).toList());
        assertEquals(Map.of("200", 1, "503", 0, "504", 0, "other", 0, "unanswered", 0), windows.get(0).outcomes());
        assertEquals(Map.of("200", 1, "503", 1, "504", 1, "other", 0, "unanswered", 0), windows.get(1).outcomes());
        assertEquals(Map.of("200", 1, "503", 0, "504", 0, "other", 0, "unanswered", 0), windows.get(2).outcomes());
    }
}
