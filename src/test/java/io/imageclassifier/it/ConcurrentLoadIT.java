package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Many requests at once: all answered, and the daemon batches them. */
class ConcurrentLoadIT {

    private static final Pattern BATCH_LINE = Pattern.compile("\\* Batch size: \\((\\d+), 224, 224, 3\\)");
    private final ServiceClient client = new ServiceClient();

    @Test
    void fiftyConcurrentRequestsAllSucceedAndAreBatched() throws Exception {
        byte[] photo = ServiceClient.photo("dog.jpg");
        long logOffset = Files.size(ServiceClient.DAEMON_LOG);

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
        List<Integer> batchSizes = batchSizesLoggedSince(logOffset);
        assertEquals(50, batchSizes.stream().mapToInt(Integer::intValue).sum(),
                "every request ran through the model exactly once: " + batchSizes);
        assertTrue(batchSizes.stream().anyMatch(size -> size > 1), "some batches held several images: " + batchSizes);
    }

    private static List<Integer> batchSizesLoggedSince(long offset) throws Exception {
        byte[] log = Files.readAllBytes(ServiceClient.DAEMON_LOG);
        String appended = new String(log, (int) offset, log.length - (int) offset);
        List<Integer> sizes = new ArrayList<>();
        Matcher matcher = BATCH_LINE.matcher(appended);
        while (matcher.find()) {
            sizes.add(Integer.parseInt(matcher.group(1)));
        }
        return sizes;
    }
}
