package io.imageclassifier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageclassifier.testing.ThrowawayRedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.args.ListDirection;

class ResultChannelTest {

    private static final Duration TTL = Duration.ofSeconds(60);
    private static final String REPLY_TO = new QueueKeys("image_queue").resultList("web-1");
    @RegisterExtension
    static final ThrowawayRedisExtension REDIS = new ThrowawayRedisExtension();

    private final ResultChannel channel = new ResultChannel(TTL);
    private RedisClient redis;

    @BeforeEach
    void connect() {
        redis = REDIS.client();
    }

    @Test
    void eachKindOfResultIsReadBackAsSent() {
        List<PredictionResult> sent = List.of(
                PredictionResult.success("a", List.of(new Prediction("tabby", 0.75), new Prediction("lynx", 0.25))),
                PredictionResult.failure("b", "inference failed"),
                PredictionResult.withdrawn("c", "removed by an operator"));

        send(sent.toArray(PredictionResult[]::new));

        assertEquals(sent, readAsTheWebTierDoes());
    }

    @Test
    void resultsAreReadInTheOrderTheyWereSent() {
        send(PredictionResult.failure("first", "x"));
        send(PredictionResult.failure("second", "x"), PredictionResult.failure("third", "x"));

        assertEquals(List.of("first", "second", "third"),
                readAsTheWebTierDoes().stream().map(PredictionResult::jobId).toList());
    }

    @Test
    void theResultListExpiresWithinTheResultTtl() {
        send(PredictionResult.failure("a", "x"));

        long pttl = redis.pttl(REPLY_TO);
        assertTrue(pttl > 0 && pttl <= TTL.toMillis(), "PTTL " + pttl);
    }

    @Test
    void everySendRenewsTheExpiryOfTheWholeList() {
        send(PredictionResult.failure("a", "x"));
        redis.pexpire(REPLY_TO, 1000);

        send(PredictionResult.failure("b", "x"));

        assertTrue(redis.pttl(REPLY_TO) > 1000, "PTTL " + redis.pttl(REPLY_TO));
        assertEquals(2, redis.llen(REPLY_TO));
    }

    @Test
    void theResultTtlComesFromTheSettings() {
        Settings settings = Settings.fromEnvironment(Map.of("REQUEST_TIMEOUT_MS", "5000"));
        AbstractPipeline pipeline = redis.pipelined();
        try (pipeline) {
            ResultChannel.from(settings).send(pipeline, REPLY_TO, PredictionResult.failure("a", "x"));
            pipeline.sync();
        }

        long pttl = redis.pttl(REPLY_TO);
        assertTrue(pttl > 5000 && pttl <= settings.resultTtl().toMillis(), "PTTL " + pttl);
    }

    @Test
    void nothingReachesRedisUntilThePipelineSyncs() {
        AbstractPipeline pipeline = redis.pipelined();
        try (pipeline) {
            channel.send(pipeline, REPLY_TO, PredictionResult.failure("a", "x"));
            assertFalse(redis.exists(REPLY_TO));
            pipeline.sync();
        }

        assertTrue(redis.exists(REPLY_TO));
    }

    private void send(PredictionResult... results) {
        AbstractPipeline pipeline = redis.pipelined();
        try (pipeline) {
            for (PredictionResult result : results) {
                channel.send(pipeline, REPLY_TO, result);
            }
            pipeline.sync();
        }
    }

    /** As RedisPredictionQueue's listener reads its result list: BLMPOP from the right. */
    private List<PredictionResult> readAsTheWebTierDoes() {
        return redis.blmpop(1, ListDirection.RIGHT, 64, REPLY_TO).getValue().stream()
                .map(PredictionResult::fromJson).toList();
    }
}
