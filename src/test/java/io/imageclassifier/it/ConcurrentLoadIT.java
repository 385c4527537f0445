package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Many requests at once: all answered, and the daemon batches them. */
class ConcurrentLoadIT {

    private final ServiceClient client = new ServiceClient();

    @Test
    void fiftyConcurrentRequestsAllSucceedAndAreBatched() throws Exception {
        byte[] photo = ServiceClient.photo("dog.jpg");
        long logOffset = StackControl.logSize(ServiceClient.DAEMON_LOG);

        List<Callable<ServiceClient.Reply>> requests = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            requests.add(() -> client.predict(photo, "dog.jpg"));
        }
        ExecutorService clients = Executors.newFixedThreadPool(50);
        List<ServiceClient.Reply> replies = new ArrayList<>();
        try {
            for (Future<ServiceClient.Reply> reply : clients.invokeAll(requests)) {
                replies.add(reply.get());
            }
        } finally {
            clients.shutdownNow();
        }

        for (ServiceClient.Reply reply : replies) {
            assertEquals(200, reply.status(), reply.body());
            assertTrue(reply.json().get("success").getAsBoolean(), reply.body());
        }
        List<Integer> batchSizes = StackControl.batchSizesSince(ServiceClient.DAEMON_LOG, logOffset);
        assertEquals(50, StackControl.sum(batchSizes),
                "every request ran through the model exactly once: " + batchSizes);
        assertTrue(batchSizes.stream().anyMatch(size -> size > 1), "some batches held several images: " + batchSizes);
    }
}
