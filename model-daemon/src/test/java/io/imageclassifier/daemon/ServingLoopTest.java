package io.imageclassifier.daemon;

import static io.imageclassifier.daemon.Jobs.ids;
import static io.imageclassifier.daemon.Jobs.job;
import static io.imageclassifier.daemon.Jobs.jobs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.onnxruntime.OrtException;
import io.imageclassifier.protocol.DaemonHeartbeat;
import io.imageclassifier.protocol.Prediction;
import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.protocol.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;

class ServingLoopTest {

    private static final long START = 1_000_000L;
    private static final long LATER = START + 60_000L;
    private static final String[] NAMES = {"cat", "dog", "fox", "owl"};
    private static final String DAEMON = "host-1234";

    private final ManualClock clock = new ManualClock(START);
    private final InMemoryJobSource source = new InMemoryJobSource(clock);
    private final ImageClassifier classifier = mock(ImageClassifier.class);
    private final Settings settings = Settings.fromEnvironment(Map.of())
            .with("batch.size", "4")
            .with("model.top.k", "2")
            .with("image.width", Integer.toString(Jobs.WIDTH))
            .with("image.height", Integer.toString(Jobs.HEIGHT));
    /** Every list of images the model was given, one per classify call. */
    private final List<List<byte[]>> classified = new ArrayList<>();

    @BeforeEach
    void modelThatFavoursTheClassNamedByThePixelValue() throws Exception {
        when(classifier.classify(anyList())).thenAnswer(call -> {
            List<byte[]> images = call.getArgument(0);
            classified.add(images);
            return images.stream().map(image -> rowFavouring(image[0])).toArray(float[][]::new);
        });
    }

    @Test
    void eachJobGetsItsOwnTopKUnderItsOwnId() throws Exception {
        source.queue(List.of(job("a", LATER, 1), job("b", LATER, 2), job("c", LATER, 0)));

        daemon().serveOneBatch();

        assertSuccess("a", new Prediction("dog", 0.7f), new Prediction("fox", 0.2f));
        assertSuccess("b", new Prediction("fox", 0.7f), new Prediction("owl", 0.2f));
        assertSuccess("c", new Prediction("cat", 0.7f), new Prediction("dog", 0.2f));
    }

    @Test
    void wholeBatchGoesToTheModelInOneCallInQueueOrderAndIsAnsweredInOneCall() throws Exception {
        source.queue(List.of(job("a", LATER, 3), job("b", LATER, 1), job("c", LATER, 2)));

        daemon().serveOneBatch();

        assertEquals(1, classified.size());
        assertEquals(List.of(3, 1, 2), classified.get(0).stream().map(image -> (int) image[0]).toList());
        assertEquals(1, source.answerCalls());
        assertEquals(List.of("a", "b", "c"), ids(List.copyOf(source.answered().keySet())));
    }

    @Test
    void servesAtMostTheBatchSizeFromSettingsPerTurn() throws Exception {
        source.queue(jobs("j", 6, LATER));
        ServingLoop daemon = daemon();

        daemon.serveOneBatch();
        daemon.serveOneBatch();

        assertEquals(List.of(4, 2), classified.stream().map(List::size).toList());
        assertEquals(6, source.answered().size());
    }

    @Test
    void heartbeatCountsBatchesImagesAndSkippedJobsWithABatchSizeHistogram() throws Exception {
        source.queue(jobs("j", 6, LATER));
        source.queue(List.of(job("gave-up", START - 1, 1)));
        ServingLoop daemon = daemon();

        daemon.serveOneBatch();
        daemon.serveOneBatch();
        DaemonHeartbeat beat = daemon.heartbeat();

        assertEquals(DAEMON, beat.daemon());
        assertEquals(2, beat.batches());
        assertEquals(6, beat.images());
        assertEquals(1, beat.skippedExpired());
        assertEquals(4, beat.batchSize());
        // Batches of 4 and 2 images: one in the bucket le=2, one in le=4.
        assertArrayEquals(new long[] {0, 1, 1, 0, 0, 0, 0, 0, 0}, beat.batchSizes().bucketCounts());
        assertEquals(6.0, beat.batchSizes().sum());
        assertEquals(2, beat.inferenceSeconds().count());
    }

    @Test
    void topKComesFromSettings() throws Exception {
        source.queue(List.of(job("a", LATER, 0)));

        daemon(settings.with("model.top.k", "3")).serveOneBatch();

        assertEquals(List.of("cat", "dog", "fox"), labelsOf(resultFor("a")));
    }

    @Test
    void expiredJobsAreDiscardedNotAnsweredNorClassified() throws Exception {
        source.queue(List.of(job("gave-up", START - 1, 1), job("live", LATER, 2)));

        daemon().serveOneBatch();

        assertEquals(List.of("gave-up"), ids(source.discarded()));
        assertEquals(List.of("live"), ids(List.copyOf(source.answered().keySet())));
        assertEquals(1, classified.get(0).size());
    }

    @Test
    void batchOfOnlyExpiredJobsRunsNoInference() throws Exception {
        source.queue(List.of(job("gave-up", START - 1)));

        daemon().serveOneBatch();

        assertEquals(List.of("gave-up"), ids(source.discarded()));
        verify(classifier, never()).classify(anyList());
        assertEquals(0, source.answerCalls());
    }

    @Test
    void emptyQueueRunsNoInferenceAndAnswersNothing() throws Exception {
        daemon().serveOneBatch();

        verify(classifier, never()).classify(anyList());
        assertEquals(0, source.answerCalls());
        assertTrue(source.discarded().isEmpty());
    }

    @Test
    void whenTheModelFailsEveryJobOfTheBatchIsAnsweredWithAFailure() throws Exception {
        doThrow(new OrtException("CUDA out of memory")).when(classifier).classify(anyList());
        source.queue(List.of(job("a", LATER), job("b", LATER), job("c", LATER)));

        daemon().serveOneBatch();

        assertFailure("a");
        assertFailure("b");
        assertFailure("c");
    }

    @Test
    void whenTheModelGivesTooFewRowsEveryJobIsAnsweredWithAFailure() throws Exception {
        doReturn(new float[][] {rowFavouring((byte) 0)}).when(classifier).classify(anyList());
        source.queue(List.of(job("a", LATER), job("b", LATER)));

        daemon().serveOneBatch();

        assertFailure("a");
        assertFailure("b");
    }

    @Test
    void failedBatchDoesNotStopTheNextOne() throws Exception {
        doThrow(new IllegalStateException("boom"))
                .doReturn(new float[][] {rowFavouring((byte) 1)})
                .when(classifier).classify(anyList());
        source.queue(List.of(job("a", LATER), job("b", LATER)));
        ServingLoop daemon = daemon(settings.with("batch.size", "1"));

        daemon.serveOneBatch();
        daemon.serveOneBatch();

        assertFailure("a");
        assertSuccess("b", new Prediction("dog", 0.7f), new Prediction("fox", 0.2f));
    }

    @Test
    void jobOfTheWrongSizeIsAnsweredWithAFailureWithoutFailingTheOthers() throws Exception {
        source.queue(List.of(
                job("a", LATER, 1),
                Jobs.sized("wrong-size", LATER, 3, 3, 2),
                job("b", LATER, 2)));

        daemon().serveOneBatch();

        classified.get(0).forEach(image -> assertEquals(Jobs.WIDTH * Jobs.HEIGHT * 3, image.length));
        assertFailure("wrong-size");
        assertTrue(resultFor("a").succeeded());
        assertTrue(resultFor("b").succeeded());
    }

    @Test
    void redisRefusingCommandsIsSaidOnceAndRetriedWithBackoffNotInATightLoop() throws Exception {
        JobSource refusing = mock(JobSource.class);
        AtomicInteger attempts = new AtomicInteger();
        when(refusing.take(anyInt(), any())).thenAnswer(call -> {
            attempts.incrementAndGet();
            throw new JedisDataException("OOM command not allowed when used memory > 'maxmemory'");
        });
        ServingLoop daemon = new ServingLoop(DAEMON, settings, classifier, new Labels(NAMES), refusing, clock);
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(ServingLoop.class.getName());
        log.addHandler(capture);
        try {
            Thread serving = new Thread(daemon::run);
            serving.start();
            Thread.sleep(1000);
            daemon.stop();
            serving.join(10_000);
        } finally {
            log.removeHandler(capture);
        }

        // Backoff of 0.2, 0.4, 0.8 s: a handful of attempts in a second, not thousands.
        assertTrue(attempts.get() <= 5, attempts.get() + " attempts in one second");
        assertEquals(1, logged.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).count(),
                "one line for the outage: " + logged.stream().map(LogRecord::getMessage).toList());
        assertTrue(logged.get(0).getMessage().contains("OOM"), logged.get(0).getMessage());
    }

    // --- helpers -----------------------------------------------------------------------------

    private ServingLoop daemon() {
        return daemon(settings);
    }

    private ServingLoop daemon(Settings with) {
        return new ServingLoop(DAEMON, with, classifier, new Labels(NAMES), source, clock);
    }

    /** Probabilities 0.7, 0.2, 0.07, 0.03 for the class {@code favourite} and the ones after it. */
    private static float[] rowFavouring(byte favourite) {
        float[] row = new float[NAMES.length];
        float[] descending = {0.7f, 0.2f, 0.07f, 0.03f};
        for (int i = 0; i < NAMES.length; i++) {
            row[(favourite + i) % NAMES.length] = descending[i];
        }
        return row;
    }

    private PredictionResult resultFor(String jobId) {
        List<PredictionResult> results = source.answered().entrySet().stream()
                .filter(answered -> answered.getKey().job().id().equals(jobId))
                .map(Map.Entry::getValue)
                .toList();
        assertEquals(1, results.size(), "answers for " + jobId + ": " + source.answered());
        return results.get(0);
    }

    private void assertSuccess(String jobId, Prediction... expected) {
        PredictionResult result = resultFor(jobId);
        assertEquals(jobId, result.jobId());
        assertTrue(result.succeeded(), result.toString());
        assertEquals(List.of(expected), result.predictions());
    }

    private void assertFailure(String jobId) {
        PredictionResult result = resultFor(jobId);
        assertEquals(jobId, result.jobId());
        assertFalse(result.succeeded(), result.toString());
    }

    private static List<String> labelsOf(PredictionResult result) {
        return result.predictions().stream().map(Prediction::label).toList();
    }
}
