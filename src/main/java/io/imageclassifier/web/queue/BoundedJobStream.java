package io.imageclassifier.web.queue;

import io.imageclassifier.protocol.PredictionJob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The job stream with the queue's length limit ({@code queue.max.length}). A job is added only
 * while fewer jobs than the limit are queued, checked and added in one atomic script: a burst of
 * requests cannot overshoot the limit between checking and adding, and each request borrows a
 * pooled connection once.
 */
final class BoundedJobStream {

    /**
     * KEYS[1] the job stream; ARGV[1] the queue limit, then the job's field/value pairs. Returns
     * the number of jobs queued before this one and the new entry's id, or {@code -1 - queued}
     * alone when the queue was full and nothing was added.
     */
    private static final byte[] ENQUEUE_UNLESS_FULL = bytes("""
            local queued = redis.call('XLEN', KEYS[1])
            if queued >= tonumber(ARGV[1]) then
              return {-1 - queued}
            end
            local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
            return {queued, id}
            """);

    /** A job on the stream: how many were queued ahead of it, and its entry's id. */
    record Added(long queuedBefore, String entryId) {
    }

    private final UnifiedJedis redis;
    private final byte[] stream;
    private final long limit;

    BoundedJobStream(UnifiedJedis redis, String stream, long limit) {
        this.redis = redis;
        this.stream = bytes(stream);
        this.limit = limit;
    }

    /**
     * Adds the job at the end of the stream, in the protocol's fields.
     *
     * @throws QueueFullException when the stream already held {@code limit} jobs; nothing was added
     */
    Added add(PredictionJob job) {
        List<byte[]> args = new ArrayList<>();
        args.add(bytes(Long.toString(limit)));
        job.toStreamFields().forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        List<?> reply = (List<?>) redis.eval(ENQUEUE_UNLESS_FULL, List.of(stream), args);
        long queuedBefore = (Long) reply.get(0);
        if (queuedBefore < 0) {
            throw new QueueFullException(-1 - queuedBefore, limit);
        }
        return new Added(queuedBefore, new String((byte[]) reply.get(1), StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
