package io.imageclassifier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class QueueKeysTest {

    private final QueueKeys keys = new QueueKeys("image_queue");

    @Test
    void jobStreamIsTheQueueName() {
        assertEquals("image_queue", keys.jobStream());
    }

    @Test
    void resultListIsPerWebInstanceUnderTheQueueName() {
        assertEquals("image_queue:results:web-1", keys.resultList("web-1"));
    }

    @Test
    void allKeysPatternMatchesEverythingUnderTheQueueName() {
        assertEquals("image_queue*", keys.allKeysPattern());
    }

    @Test
    void daemonsShareOneConsumerGroup() {
        assertEquals("model-daemons", QueueKeys.DAEMON_GROUP);
    }

    @Test
    void queueNameComesFromTheImageQueueSetting() {
        Settings settings = Settings.fromEnvironment(Map.of("IMAGE_QUEUE", "staging_images"));

        assertEquals("staging_images", QueueKeys.from(settings).jobStream());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void blankQueueNameIsRejected(String name) {
        assertThrows(IllegalArgumentException.class, () -> new QueueKeys(name));
    }
}
