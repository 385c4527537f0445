package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * 500 requests waiting at once must fit in Tomcat's default thread pool (200) and the web app's
 * small Redis pool: a waiting request holds neither a thread nor a connection.
 *
 * <p>The model daemon is paused (SIGSTOP) while the requests arrive, so all 500 are provably
 * queued and waiting at the same moment, whatever the machine's speed; then it resumes and every
 * request must get its answer. The requests go to Tomcat's loopback HTTP connector, because
 * Apache's own worker limit (150) would otherwise keep most of them out of Tomcat.
 *
 * <p>Whether all 500 can be classified before their deadline depends on the machine: at 18
 * images/s they need 28 s of the 30 s timeout. So the test measures the service's speed on this
 * machine first; the requests the daemon cannot reach in time must end with the deadline's 504,
 * and at least half of what the measured speed allows must succeed (all 500 on a machine fast
 * enough to answer them twice over in the time left).
 */
class ManyInFlightIT {

    private static final int IN_FLIGHT = 500;
    private static final URI TOMCAT = URI.create("http://127.0.0.1:8080/predict");

    @Test
    void fiveHundredWaitingRequestsHoldNoThreadsAndAllGetAnswers() throws Exception {
        long daemonPid = StackControl.daemonPid();
        byte[] photo = smallPng();
        ServiceClient client = new ServiceClient();
        ExecutorService clients = Executors.newFixedThreadPool(IN_FLIGHT);
        List<Future<ServiceClient.Reply>> replies = new ArrayList<>();
        double perSecond = StackControl.measureRequestsPerSecond(TOMCAT, photo);

        try (UnifiedJedis redis = StackControl.redis()) {
            long firstSent = System.nanoTime();
            StackControl.signal("STOP", daemonPid);
            try {
                for (int i = 0; i < IN_FLIGHT; i++) {
                    replies.add(clients.submit(() -> client.postMultipart(TOMCAT, "image", photo, "small.png")));
                }
                boolean allQueued = StackControl.await(Duration.ofMinutes(1),
                        () -> redis.xlen(StackControl.KEYS.jobStream()) >= IN_FLIGHT);
                assertTrue(allQueued, () -> "all requests queued while the daemon was paused; queued: "
                        + redis.xlen(StackControl.KEYS.jobStream()) + "; requests already answered: "
                        + answeredEarly(replies));
            } finally {
                StackControl.signal("CONT", daemonPid);
            }
            // The first request's deadline bounds the time the daemon has for the whole backlog.
            double secondsLeft = StackControl.SETTINGS.requestTimeout().toMillis() / 1000.0
                    - (System.nanoTime() - firstSent) / 1e9;
            int mustSucceed = (int) Math.min(IN_FLIGHT, Math.max(0, perSecond * secondsLeft / 2));
            int succeeded = 0;
            Map<String, Integer> others = new TreeMap<>();
            for (Future<ServiceClient.Reply> reply : replies) {
                ServiceClient.Reply answered = reply.get();
                if (answered.status() == 200) {
                    assertTrue(answered.json().get("success").getAsBoolean(), answered.body());
                    succeeded++;
                } else {
                    others.merge(answered.status() + " " + answered.body(), 1, Integer::sum);
                }
            }
            System.out.printf("%d waiting requests: %d answered 200, others %s; measured %.1f requests/s, "
                    + "%.1f s left for the backlog, so at least %d must succeed%n",
                    IN_FLIGHT, succeeded, others, perSecond, secondsLeft, mustSucceed);
            for (String other : others.keySet()) {
                assertTrue(other.startsWith("504 ") && other.contains("did not answer within"),
                        "every request is answered 200, or 504 at its deadline: " + others);
            }
            assertTrue(succeeded >= mustSucceed, "the daemon worked through the backlog at no less than half the "
                    + "measured speed: " + succeeded + " answered 200, " + mustSucceed + " required");
        } finally {
            clients.shutdownNow();
        }
    }

    /** What the requests that finished while the daemon was paused got (none should have), counted by kind. */
    private static Map<String, Integer> answeredEarly(List<Future<ServiceClient.Reply>> replies) {
        Map<String, Integer> early = new TreeMap<>();
        for (Future<ServiceClient.Reply> reply : replies) {
            if (!reply.isDone()) {
                continue;
            }
            String outcome;
            try {
                ServiceClient.Reply answered = reply.get();
                outcome = answered.status() + " " + answered.body();
            } catch (Exception e) {
                outcome = String.valueOf(e.getCause());
            }
            early.merge(outcome, 1, Integer::sum);
        }
        return early;
    }

    /** A small PNG keeps decoding cheap, so the 500 answers come well within the request timeout. */
    private static byte[] smallPng() throws Exception {
        BufferedImage image = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillOval(40, 40, 140, 140);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }
}
