package io.imageclassifier.web.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.imageclassifier.protocol.DaemonHeartbeat;
import io.imageclassifier.protocol.QueueKeys;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

class ServiceStateTest {

    private final RedisClient redis = mock(RedisClient.class);
    private final ServiceState state = new ServiceState(redis, new QueueKeys("image_queue"));

    @Test
    void aHeartbeatThisVersionCannotReadStillCountsItsDaemonAsLive() {
        Map<String, String> current = heartbeat("host-a-1");
        // A daemon of a later version, whose batch-size histogram has other buckets.
        Map<String, String> upgraded = new HashMap<>(heartbeat("host-b-2"));
        upgraded.put("batch_sizes", "0,0,0|0");
        heartbeats(Map.of("image_queue:daemon:host-a-1", current, "image_queue:daemon:host-b-2", upgraded));

        ServiceState.LiveDaemons live = state.liveDaemons();

        assertEquals(2, live.count());
        assertEquals("host-a-1", live.readable().get(0).daemon());
        assertEquals(List.of("host-b-2"), live.unreadable());
    }

    @Test
    void aHeartbeatThatExpiredBetweenScanAndReadIsNotCounted() {
        heartbeats(Map.of("image_queue:daemon:gone", Map.of()));

        assertEquals(0, state.liveDaemons().count());
    }

    private void heartbeats(Map<String, Map<String, String>> byKey) {
        when(redis.scan(anyString(), any(ScanParams.class)))
                .thenReturn(new ScanResult<>(ScanParams.SCAN_POINTER_START, List.copyOf(byKey.keySet())));
        byKey.forEach((key, hash) -> when(redis.hgetAll(key)).thenReturn(hash));
    }

    private static Map<String, String> heartbeat(String daemon) {
        return new DaemonHeartbeat(daemon, "resnet50.onnx", "CPU", 32, 3, 40, 0,
                DaemonHeartbeat.newBatchSizeHistogram(), DaemonHeartbeat.newInferenceSecondsHistogram()).toHash();
    }
}
