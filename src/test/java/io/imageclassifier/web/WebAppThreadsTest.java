package io.imageclassifier.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class WebAppThreadsTest {

    private static Thread startWith(ClassLoader loader, String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setContextClassLoader(loader);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Test
    void waitsForAThreadThatIsStillEndingAndIgnoresOtherLoaders() throws Exception {
        ClassLoader webApp = new URLClassLoader(new URL[0]);
        CountDownLatch release = new CountDownLatch(1);
        // Like an executor's worker told to stop: it ends, but a moment later.
        Thread ending = startWith(webApp, "ending", () -> sleep(300));
        Thread otherApp = startWith(new URLClassLoader(new URL[0]), "other-app", () -> await(release));

        assertEquals(List.of(), WebAppThreads.awaitEnd(webApp, Duration.ofSeconds(5)));
        assertFalse(ending.isAlive());
        release.countDown();
        otherApp.join();
    }

    @Test
    void namesTheThreadsThatOutliveTheLimit() throws Exception {
        ClassLoader webApp = new URLClassLoader(new URL[0]);
        CountDownLatch release = new CountDownLatch(1);
        Thread stuck = startWith(webApp, "stuck", () -> await(release));

        assertEquals(List.of("stuck"), WebAppThreads.awaitEnd(webApp, Duration.ofMillis(200)));
        release.countDown();
        stuck.join();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
