package io.imageclassifier.protocol;

import java.time.Duration;
import redis.clients.jedis.AbstractPipeline;

/**
 * How an answer reaches the web instance that waits for it: the result's JSON is pushed on the
 * left of the instance's result list ({@link QueueKeys#resultList}, named in the job's
 * {@code reply_to}), which its listener pops from the right, so results are read in the order
 * they were sent.
 *
 * <p>Every send renews the list's expiry: a list whose web instance is gone holds results nobody
 * will read, and must not outlive it by more than the result TTL.
 */
public final class ResultChannel {

    private final Duration resultTtl;

    public ResultChannel(Duration resultTtl) {
        this.resultTtl = resultTtl;
    }

    public static ResultChannel from(Settings settings) {
        return new ResultChannel(settings.resultTtl());
    }

    /**
     * Queues the result on the pipeline, so that a whole batch of answers (and whatever the
     * caller adds, such as acknowledgements) goes in one round trip; sent when the caller syncs.
     */
    public void send(AbstractPipeline pipeline, String replyTo, PredictionResult result) {
        pipeline.lpush(replyTo, result.toJson());
        pipeline.pexpire(replyTo, resultTtl.toMillis());
    }
}
