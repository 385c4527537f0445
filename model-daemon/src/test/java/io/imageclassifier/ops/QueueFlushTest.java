package io.imageclassifier.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageclassifier.protocol.PredictionJob;
import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.protocol.QueueKeys;
import io.imageclassifier.protocol.ResultChannel;
import io.imageclassifier.testing.ThrowawayRedisExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;

/** scripts/flush-queue against a real redis-server: what it removes, what it leaves, whom it answers. */
class QueueFlushTest {

    private static final QueueKeys KEYS = new QueueKeys("image_queue");
    private static final String REPLY_TO = KEYS.resultList("web-1");
    private static final ResultChannel RESULTS = new ResultChannel(Duration.ofMinutes(1));
    @RegisterExtension
    static final ThrowawayRedisExtension REDIS = new ThrowawayRedisExtension();

    private RedisClient redis;

    @BeforeEach
    void connect() {
        redis = REDIS.client();
    }

    @Test
    void jobsNoDaemonHasTakenAreRemovedAndEachAnsweredAsWithdrawn() {
        createDaemonGroup();
        queue("a");
        queue("b");

        assertEquals(2, QueueFlush.flush(redis, KEYS, RESULTS));

        assertEquals(0, redis.xlen(KEYS.jobStream()));
        assertEquals(List.of(PredictionResult.withdrawn("a", QueueFlush.REASON),
                PredictionResult.withdrawn("b", QueueFlush.REASON)), answered());
        assertTrue(redis.pttl(REPLY_TO) > 0, "the result list expires like any other");
    }

    @Test
    void jobsADaemonHasTakenAreLeftToTheDaemons() {
        createDaemonGroup();
        queue("taken");
        queue("waiting");
        redis.xreadGroup(QueueKeys.DAEMON_GROUP, "daemon-1", XReadGroupParams.xReadGroupParams().count(1),
                Map.of(KEYS.jobStream(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));

        assertEquals(1, QueueFlush.flush(redis, KEYS, RESULTS));

        assertEquals(1, redis.xlen(KEYS.jobStream()));
        assertEquals(List.of(PredictionResult.withdrawn("waiting", QueueFlush.REASON)), answered());
    }

    @Test
    void beforeAnyDaemonJoinedEveryQueuedJobIsRemoved() {
        queue("a");
        queue("b");

        assertEquals(2, QueueFlush.flush(redis, KEYS, RESULTS));
        assertEquals(0, redis.xlen(KEYS.jobStream()));
    }

    @Test
    void anEntryThatNamesNoReplyListIsRemovedUnanswered() {
        redis.xadd(KEYS.jobStream(), XAddParams.xAddParams(), Map.of("id", "lost"));

        assertEquals(1, QueueFlush.flush(redis, KEYS, RESULTS));
        assertEquals(0, redis.xlen(KEYS.jobStream()));
        assertEquals(List.of(), answered());
    }

    @Test
    void aQueueLongerThanOnePageIsFlushedWhole() {
        createDaemonGroup();
        IntStream.range(0, 250).forEach(i -> queue("j" + i));

        assertEquals(250, QueueFlush.flush(redis, KEYS, RESULTS));
        assertEquals(0, redis.xlen(KEYS.jobStream()));
        assertEquals(250, answered().size());
    }

    @Test
    void aQueueThatWasNeverUsedIsNothingToFlush() {
        assertEquals(0, QueueFlush.flush(redis, KEYS, RESULTS));
    }

    private void createDaemonGroup() {
        redis.xgroupCreate(KEYS.jobStream(), QueueKeys.DAEMON_GROUP, new StreamEntryID(0, 0), true);
    }

    private void queue(String jobId) {
        PredictionJob job = new PredictionJob(jobId, REPLY_TO, Long.MAX_VALUE, 1, 1, new byte[3]);
        redis.xadd(KEYS.jobStream().getBytes(StandardCharsets.UTF_8), XAddParams.xAddParams(), job.toStreamFields());
    }

    /** What the web instance was answered, oldest first. */
    private List<PredictionResult> answered() {
        List<String> oldestFirst = new ArrayList<>(redis.lrange(REPLY_TO, 0, -1));
        Collections.reverse(oldestFirst);
        return oldestFirst.stream().map(PredictionResult::fromJson).toList();
    }
}
