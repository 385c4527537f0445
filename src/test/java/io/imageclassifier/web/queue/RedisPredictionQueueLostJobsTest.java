package io.imageclassifier.web.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageclassifier.protocol.Prediction;
import io.imageclassifier.protocol.PredictionJob;
import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.protocol.QueueKeys;
import io.imageclassifier.protocol.ResultChannel;
import io.imageclassifier.protocol.Settings;
import io.imageclassifier.testing.ThrowawayRedisExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Redis comes back from an outage without some waiting requests' jobs (a restart without
 * persistence): those requests get a 503 they may simply resend soon after, not a 504 at their
 * deadline; jobs that survived the outage, or that a daemon still answers, are not touched.
 * The outage is a real one for the client: every connection is killed; losing the data is a
 * FLUSHALL, as a restart without persistence would.
 */
class RedisPredictionQueueLostJobsTest {

    @RegisterExtension
    static final ThrowawayRedisExtension REDIS = new ThrowawayRedisExtension();

    /** Longer than any of these tests waits: a request that times out has been forgotten. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern BLOCKED_LISTENER = Pattern.compile("id=(\\d+) .*cmd=blmpop");

    private Settings settings;
    private RedisPredictionQueue queue;

    @BeforeEach
    void settings() {
        settings = Settings.fromEnvironment(Map.of("REDIS_PORT", String.valueOf(REDIS.server().port())));
    }

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close();
        }
    }

    @Test
    void aRequestWhoseJobRedisLostGetsASendAgainAnswerInsteadOfATimeout() throws Exception {
        queue = new RedisPredictionQueue(settings, REDIS.server().client(), Duration.ofMillis(200));
        CompletableFuture<PredictionResult> answer = queue.submit(pixels(), REQUEST_TIMEOUT);

        REDIS.client().flushAll();
        killEveryOtherConnection();

        ExecutionException lost = assertThrows(ExecutionException.class, answer::get);
        assertEquals(PredictionWithdrawnException.class, lost.getCause().getClass(), lost.getCause().toString());
        assertEquals(RedisPredictionQueue.LOST_JOB_REASON, lost.getCause().getMessage());
    }

    @Test
    void aJobADaemonHadTakenIsStillAnsweredAfterRedisLostItsEntry() throws Exception {
        // Long enough that the daemon's answer below always comes first.
        queue = new RedisPredictionQueue(settings, REDIS.server().client(), Duration.ofSeconds(60));
        CompletableFuture<PredictionResult> answer = queue.submit(pixels(), REQUEST_TIMEOUT);
        PredictionJob taken = queuedJob();

        REDIS.client().flushAll();
        killEveryOtherConnection();
        answerLikeADaemon(taken);

        assertTrue(answer.get().succeeded(), answer.get().toString());
    }

    @Test
    void aJobThatOutlivedTheOutageKeepsWaitingForItsAnswer() throws Exception {
        Duration grace = Duration.ofMillis(200);
        queue = new RedisPredictionQueue(settings, REDIS.server().client(), grace);
        CompletableFuture<PredictionResult> answer = queue.submit(pixels(), REQUEST_TIMEOUT);
        long listenerBefore = blockedListener().orElseThrow();

        killEveryOtherConnection();   // an outage in which Redis kept its data (AOF, or a network cut)
        // The listener checks the jobs before it blocks again: once it does, plus the grace (and a
        // margin), a wrongly failed request would have failed.
        while (blockedListener().orElse(listenerBefore) == listenerBefore) {
            Thread.sleep(20);
        }
        Thread.sleep(grace.multipliedBy(5).toMillis());
        assertTrue(!answer.isDone(), "still waiting: " + answer);

        answerLikeADaemon(queuedJob());
        assertTrue(answer.get().succeeded(), answer.get().toString());
    }

    private byte[] pixels() {
        return new byte[settings.imageWidth() * settings.imageHeight() * 3];
    }

    private PredictionJob queuedJob() {
        List<StreamEntry> entries = REDIS.client().xrange(QueueKeys.from(settings).jobStream(), "-", "+");
        assertEquals(1, entries.size(), "one job queued");
        Map<String, String> fields = entries.get(0).getFields();
        return new PredictionJob(fields.get(PredictionJob.FIELD_ID), fields.get(PredictionJob.FIELD_REPLY_TO),
                0, settings.imageWidth(), settings.imageHeight(), pixels());
    }

    private void answerLikeADaemon(PredictionJob job) {
        try (AbstractPipeline pipeline = REDIS.client().pipelined()) {
            new ResultChannel(Duration.ofMinutes(1)).send(pipeline, job.replyTo(),
                    PredictionResult.success(job.id(), List.of(new Prediction("tabby", 0.9))));
            pipeline.sync();
        }
    }

    /** Every client connection but this test's own is closed, as a Redis restart closes them. */
    private void killEveryOtherConnection() {
        REDIS.client().sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "normal", "SKIPME", "yes");
    }

    /** The id of the connection blocked in the result listener's BLMPOP, if one is. */
    private OptionalLong blockedListener() {
        Object reply = REDIS.client().sendCommand(Protocol.Command.CLIENT, "LIST");
        String clients = reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
        for (String client : clients.split("\n")) {
            Matcher matcher = BLOCKED_LISTENER.matcher(client);
            if (matcher.find()) {
                return OptionalLong.of(Long.parseLong(matcher.group(1)));
            }
        }
        return OptionalLong.empty();
    }
}
