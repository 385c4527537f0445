package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StageTimesTest {

    private static String metrics(int count, double uploadSeconds, double preprocessSeconds, double waitSeconds) {
        return String.join("\n",
                "# HELP imageclassifier_upload_read_seconds Time to receive and parse a POST /predict multipart upload.",
                "imageclassifier_upload_read_seconds_bucket{le=\"0.001\"} " + count,
                "imageclassifier_upload_read_seconds_count " + count,
                "imageclassifier_upload_read_seconds_sum " + uploadSeconds,
                "imageclassifier_preprocess_seconds_count " + count,
                "imageclassifier_preprocess_seconds_sum " + preprocessSeconds,
                "imageclassifier_model_wait_seconds_count " + count,
                "imageclassifier_model_wait_seconds_sum " + waitSeconds,
                "imageclassifier_request_duration_seconds_count 99",
                "");
    }

    @Test
    void meansAreTheGrowthOfEachSumOverTheRequestsOfThePhase() {
        StageTimes.Snapshot before = StageTimes.parse(metrics(10, 0.02, 0.07, 0.4));
        StageTimes.Snapshot after = StageTimes.parse(metrics(110, 0.22, 0.77, 4.4));

        StageTimes.Means means = StageTimes.between(before, after, 100);

        assertEquals(2.0, means.uploadReadMs(), 1e-9);
        assertEquals(7.0, means.preprocessMs(), 1e-9);
        assertEquals(40.0, means.modelWaitMs(), 1e-9);
        assertEquals(49.0, means.sumMs(), 1e-9);
    }

    @Test
    void countsThatDoNotMatchThePhaseGiveNoMeans() {
        // Behind a balancer each scrape may reach another Tomcat, whose counters are its own.
        StageTimes.Snapshot before = StageTimes.parse(metrics(10, 0.02, 0.07, 0.4));
        StageTimes.Snapshot after = StageTimes.parse(metrics(60, 0.12, 0.42, 2.4));

        assertTrue(Double.isNaN(StageTimes.between(before, after, 100).sumMs()));
    }

    @Test
    void aWebAppWithoutStageMetricsGivesNoMeans() {
        StageTimes.Snapshot none = StageTimes.parse("imageclassifier_requests_total{status=\"200\"} 5\n");

        assertTrue(Double.isNaN(StageTimes.between(none, none, 100).sumMs()));
    }
}
