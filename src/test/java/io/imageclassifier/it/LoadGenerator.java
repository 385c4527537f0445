package io.imageclassifier.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A fixed number of photo uploads sent concurrently, whose outcomes are collected by status. */
final class LoadGenerator implements AutoCloseable {

    private final ExecutorService clients;
    private final List<Future<ServiceClient.Reply>> replies = new ArrayList<>();
    private final List<String> clientErrors = new ArrayList<>();
    private final Map<String, Integer> errorBodies = new TreeMap<>();

    LoadGenerator(int concurrency) {
        clients = Executors.newFixedThreadPool(concurrency);
    }

    /** Queues {@code count} uploads of {@code photo}; they start as client threads free up. */
    LoadGenerator send(int count, byte[] photo) {
        ServiceClient client = new ServiceClient();
        Callable<ServiceClient.Reply> upload = () -> client.predict(photo, "photo.jpg");
        for (int i = 0; i < count; i++) {
            replies.add(clients.submit(upload));
        }
        return this;
    }

    /**
     * Waits for every reply (each bounded by the client's own timeout) and counts them by HTTP
     * status; a request that got no HTTP answer at all counts under status 0, and what went
     * wrong with it is kept in {@link #clientErrors()}.
     */
    Map<Integer, Integer> statusCounts() throws InterruptedException {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (Future<ServiceClient.Reply> reply : replies) {
            int status;
            try {
                ServiceClient.Reply answer = reply.get();
                status = answer.status();
                if (status != 200) {
                    errorBodies.merge(status + " " + answer.body().strip(), 1, Integer::sum);
                }
            } catch (java.util.concurrent.ExecutionException e) {
                status = 0;
                clientErrors.add(String.valueOf(e.getCause()));
                System.out.println("no HTTP answer: " + e.getCause());
            }
            counts.merge(status, 1, Integer::sum);
        }
        return counts;
    }

    /** The answers other than 200, as "status body", with how often each came. */
    Map<String, Integer> errorBodies() {
        return Map.copyOf(errorBodies);
    }

    /** Why the requests counted under status 0 got no HTTP answer. */
    List<String> clientErrors() {
        return List.copyOf(clientErrors);
    }

    int sent() {
        return replies.size();
    }

    @Override
    public void close() {
        clients.shutdownNow();
    }
}
