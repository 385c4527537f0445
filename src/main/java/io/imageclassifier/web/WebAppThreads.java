package io.imageclassifier.web;

import java.time.Duration;
import java.util.List;

/**
 * The threads the web app's libraries started, awaited at undeploy. Closing a client often only
 * tells its threads to stop (an executor's shutdown, a pool's evictor, Jedis' Sentinel listeners);
 * Tomcat looks for live threads of the web app's class loader right after undeploy and reports
 * one that has not quite ended as a leak.
 */
final class WebAppThreads {

    private WebAppThreads() {
    }

    /**
     * Waits until no thread but the caller runs with {@code loader} as its context class loader,
     * or {@code limit} has passed.
     *
     * @return the names of those still running
     */
    static List<String> awaitEnd(ClassLoader loader, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Thread thread : startedBy(loader)) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                thread.join(Math.max(1, left / 1_000_000));
            }
        }
        return startedBy(loader).stream().map(Thread::getName).toList();
    }

    private static List<Thread> startedBy(ClassLoader loader) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t != Thread.currentThread() && t.isAlive() && t.getContextClassLoader() == loader)
                .toList();
    }
}
