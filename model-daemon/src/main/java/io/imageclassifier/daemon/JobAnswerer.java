package io.imageclassifier.daemon;

import io.imageclassifier.protocol.MalformedMessageException;
import io.imageclassifier.protocol.PredictionJob;
import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.protocol.QueueKeys;
import io.imageclassifier.protocol.ResultChannel;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

/**
 * The last step of every job taken from the stream: its result goes to its web instance over the
 * {@link ResultChannel}, then the job is acknowledged, so it is never handed out again. A whole
 * batch goes in one pipelined round trip.
 */
final class JobAnswerer {

    private static final Logger LOG = Logger.getLogger(JobAnswerer.class.getName());

    private final UnifiedJedis redis;
    private final String stream;
    private final ResultChannel resultChannel;

    JobAnswerer(UnifiedJedis redis, QueueKeys keys, ResultChannel resultChannel) {
        this.redis = redis;
        this.stream = keys.jobStream();
        this.resultChannel = resultChannel;
    }

    void answer(Map<QueuedJob, PredictionResult> results) {
        AbstractPipeline pipeline = redis.pipelined();
        try (pipeline) {
            for (Map.Entry<QueuedJob, PredictionResult> answered : results.entrySet()) {
                resultChannel.send(pipeline, answered.getKey().job().replyTo(), answered.getValue());
            }
            acknowledge(pipeline, results.keySet().stream().map(QueuedJob::entryId).toList());
            pipeline.sync();
        }
    }

    /** Acknowledges jobs without answering: their caller has already given up waiting. */
    void discard(List<QueuedJob> jobs) {
        AbstractPipeline pipeline = redis.pipelined();
        try (pipeline) {
            acknowledge(pipeline, jobs.stream().map(QueuedJob::entryId).toList());
            pipeline.sync();
        }
    }

    /**
     * A queue entry that is not a job (a poison entry) would fail forever if retried: answer it
     * with an error when it says where to, acknowledge it, and move on.
     */
    void rejectPoison(String entryId, Map<byte[], byte[]> fields, MalformedMessageException error) {
        LOG.warning("discarding malformed queue entry " + entryId + ": " + error.getMessage());
        String replyTo = PredictionJob.replyToOf(fields);
        String jobId = PredictionJob.idOf(fields);
        AbstractPipeline pipeline = redis.pipelined();
        try (pipeline) {
            if (replyTo != null && jobId != null) {
                resultChannel.send(pipeline, replyTo, PredictionResult.failure(jobId, "malformed job"));
            }
            acknowledge(pipeline, List.of(entryId));
            pipeline.sync();
        }
    }

    /** XACK releases the entry from the group; XDEL keeps the stream from growing without bound. */
    private void acknowledge(AbstractPipeline pipeline, List<String> entryIds) {
        if (entryIds.isEmpty()) {
            return;
        }
        StreamEntryID[] ids = entryIds.stream().map(StreamEntryID::new).toArray(StreamEntryID[]::new);
        pipeline.xack(stream, QueueKeys.DAEMON_GROUP, ids);
        pipeline.xdel(stream, ids);
    }
}
