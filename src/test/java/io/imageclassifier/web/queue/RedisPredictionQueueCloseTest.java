package io.imageclassifier.web.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageclassifier.protocol.Settings;
import io.imageclassifier.testing.ThrowawayRedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Undeploying the web app closes the queue client: by the time close() returns, every thread it
 * started must be gone, or Tomcat, which looks right afterwards, reports a leak.
 */
class RedisPredictionQueueCloseTest {

    @RegisterExtension
    static final ThrowawayRedisExtension REDIS = new ThrowawayRedisExtension();

    /** What Tomcat would see: the live threads the queue client names. */
    private static List<String> queueThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("prediction-"))
                .toList();
    }

    @Test
    void closeReturnsOnlyWhenItsThreadsHaveEnded() throws Exception {
        Settings settings = Settings.fromEnvironment(Map.of("REDIS_PORT", String.valueOf(REDIS.server().port())));
        // A thread that is merely told to stop ends a moment later, or at once: a few rounds, so a
        // close that does not wait cannot pass by luck.
        for (int round = 0; round < 3; round++) {
            RedisPredictionQueue queue = new RedisPredictionQueue(settings, REDIS.client());
            // A request that times out (no daemon here) has started the timeout timer's thread.
            var answer = queue.submit(new byte[settings.imageWidth() * settings.imageHeight() * 3],
                    Duration.ofMillis(20));
            ExecutionException timedOut = assertThrows(ExecutionException.class, answer::get);
            assertEquals(PredictionTimedOutException.class, timedOut.getCause().getClass());

            queue.close();

            assertTrue(queue.threadsEnded(), "round " + round + ": still running after close()");
            assertEquals(List.of(), queueThreads(), "round " + round);
        }
    }
}
