package io.imageclassifier.web.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.imageclassifier.protocol.PredictionJob;
import io.imageclassifier.testing.ThrowawayRedisExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamEntryBinary;

/** The queue-limit script against a real redis-server: what it adds, what it refuses, and how it writes a job. */
class BoundedJobStreamTest {

    private static final String STREAM = "image_queue";
    private static final String REPLY_TO = "image_queue:results:web-1";

    @RegisterExtension
    static final ThrowawayRedisExtension REDIS = new ThrowawayRedisExtension();

    private RedisClient redis;

    @BeforeEach
    void connect() {
        redis = REDIS.client();
    }

    @Test
    void addsUnderTheLimitInArrivalOrderSayingHowManyJobsAreAhead() {
        BoundedJobStream stream = new BoundedJobStream(redis, STREAM, 3);

        assertEquals(0, stream.add(job("a")).queuedBefore());
        assertEquals(1, stream.add(job("b")).queuedBefore());
        assertEquals(2, stream.add(job("c")).queuedBefore());

        assertEquals(List.of("a", "b", "c"), queuedIds());
    }

    @Test
    void namesTheEntryItAdded() {
        BoundedJobStream stream = new BoundedJobStream(redis, STREAM, 3);

        BoundedJobStream.Added added = stream.add(job("a"));

        List<StreamEntry> entries = redis.xrange(STREAM, "-", "+");
        assertEquals(entries.get(0).getID().toString(), added.entryId());
    }

    @Test
    void refusesAtTheLimitWithTheLengthAndAddsNothing() {
        BoundedJobStream stream = new BoundedJobStream(redis, STREAM, 2);
        stream.add(job("a"));
        stream.add(job("b"));

        QueueFullException full = assertThrows(QueueFullException.class, () -> stream.add(job("c")));

        assertEquals(2, full.queued());
        assertEquals(2, full.limit());
        assertEquals(List.of("a", "b"), queuedIds());
    }

    @Test
    void refusesAQueueAlreadyPastItsLimitNamingItsRealLength() {
        // Another web instance, configured with a larger queue.max.length, filled it further.
        BoundedJobStream generous = new BoundedJobStream(redis, STREAM, 10);
        for (String id : List.of("a", "b", "c", "d")) {
            generous.add(job(id));
        }
        BoundedJobStream strict = new BoundedJobStream(redis, STREAM, 2);

        QueueFullException full = assertThrows(QueueFullException.class, () -> strict.add(job("e")));

        assertEquals(4, full.queued());
        assertEquals(4, redis.xlen(STREAM));
    }

    @Test
    void aJobFreedByTheDaemonsMakesRoomAgain() {
        BoundedJobStream stream = new BoundedJobStream(redis, STREAM, 1);
        stream.add(job("a"));
        assertThrows(QueueFullException.class, () -> stream.add(job("b")));

        redis.xdel(STREAM, redis.xrange(STREAM, "-", "+").get(0).getID());   // as a daemon does once it answered

        assertEquals(0, stream.add(job("b")).queuedBefore());
        assertEquals(List.of("b"), queuedIds());
    }

    @Test
    void writesTheProtocolsFieldsSoADaemonReadsTheSameJobBack() {
        // Every byte value, including those that are not UTF-8: the pixels must travel untouched.
        byte[] pixels = new byte[4 * 4 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 5 + 128);
        }
        PredictionJob sent = new PredictionJob("job-1", REPLY_TO, 1_700_000_000_123L, 4, 4, pixels);

        new BoundedJobStream(redis, STREAM, 10).add(sent);

        Map<byte[], byte[]> fields = onlyEntry().getFields();
        assertEquals(Set.of(PredictionJob.FIELD_ID, PredictionJob.FIELD_REPLY_TO, PredictionJob.FIELD_DEADLINE,
                        PredictionJob.FIELD_WIDTH, PredictionJob.FIELD_HEIGHT, PredictionJob.FIELD_PIXELS),
                names(fields));
        PredictionJob read = PredictionJob.fromStreamFields(fields);
        assertEquals("job-1", read.id());
        assertEquals(REPLY_TO, read.replyTo());
        assertEquals(1_700_000_000_123L, read.deadlineMillis());
        assertEquals(4, read.width());
        assertEquals(4, read.height());
        assertArrayEquals(pixels, read.rgbPixels());
    }

    @Test
    void touchesNoKeyButTheJobStream() {
        BoundedJobStream stream = new BoundedJobStream(redis, STREAM, 1);
        stream.add(job("a"));
        assertThrows(QueueFullException.class, () -> stream.add(job("b")));

        assertEquals(Set.of(STREAM), redis.keys("*"));
    }

    @Test
    void aBurstOfRequestsAtOnceFillsTheQueueExactlyToItsLimit() throws Exception {
        int limit = 20;
        int requests = 80;
        BoundedJobStream stream = new BoundedJobStream(redis, STREAM, limit);
        Queue<Long> placesTaken = new ConcurrentLinkedQueue<>();
        Queue<Long> lengthsRefusedAt = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                PredictionJob job = job("job-" + i);
                sent.add(clients.submit(() -> {
                    try {
                        placesTaken.add(stream.add(job).queuedBefore());
                    } catch (QueueFullException full) {
                        lengthsRefusedAt.add(full.queued());
                    }
                }));
            }
            for (Future<?> request : sent) {
                request.get();
            }
        } finally {
            clients.shutdownNow();
        }

        assertEquals(LongStream.range(0, limit).boxed().toList(), placesTaken.stream().sorted().toList(),
                "each place in the queue taken once");
        assertEquals(requests - limit, lengthsRefusedAt.size());
        assertEquals(Set.of((long) limit), Set.copyOf(lengthsRefusedAt), "every refusal saw the queue at its limit");
        assertEquals(limit, redis.xlen(STREAM));
    }

    private static PredictionJob job(String id) {
        return new PredictionJob(id, REPLY_TO, 1_700_000_000_000L, 2, 2, new byte[2 * 2 * 3]);
    }

    private List<String> queuedIds() {
        return redis.xrange(STREAM, "-", "+").stream()
                .map(StreamEntry::getFields)
                .map(fields -> fields.get(PredictionJob.FIELD_ID))
                .toList();
    }

    private StreamEntryBinary onlyEntry() {
        List<Map.Entry<byte[], List<StreamEntryBinary>>> read = redis.xreadBinary(XReadParams.xReadParams(),
                Map.of(STREAM.getBytes(StandardCharsets.UTF_8), new StreamEntryID()));
        List<StreamEntryBinary> entries = read.get(0).getValue();
        assertEquals(1, entries.size());
        return entries.get(0);
    }

    private static Set<String> names(Map<byte[], byte[]> fields) {
        Set<String> names = new HashSet<>();
        fields.keySet().forEach(name -> names.add(new String(name, StandardCharsets.UTF_8)));
        return names;
    }
}
