package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Twenty concurrent uploads of a few hundred KB each that decode to 60 million pixels (180 and
 * 240 MB each, 4 GB together against Tomcat's 1 GB heap) used to make Tomcat exit with
 * OutOfMemoryError. The decode memory budget makes them take turns: each gets a JSON answer, a
 * normal photo sent meanwhile is classified, and the same Tomcat is still serving afterwards.
 */
class DecompressionBombIT {

    private static final int BOMBS = 20;
    /** 7745 x 7745 = 59,985,025 pixels: just under image.max.pixels (60,000,000). */
    private static final int SIDE = 7745;

    private final ServiceClient client = new ServiceClient();

    @Test
    void twentyConcurrentSixtyMegapixelPngsLeaveTomcatServing() throws Exception {
        long tomcatPid = StackControl.pid("tomcat.pid");
        byte[] rgb = SampleFiles.solidPng(SIDE, SIDE, false);
        byte[] rgba = SampleFiles.solidPng(SIDE, SIDE, true);
        byte[] photo = ServiceClient.photo("eagle.jpg");
        System.out.printf("decompression bombs: %d KB (RGB) and %d KB (RGBA), each %d pixels%n",
                rgb.length >> 10, rgba.length >> 10, (long) SIDE * SIDE);

        ExecutorService clients = Executors.newFixedThreadPool(BOMBS);
        List<Future<ServiceClient.Reply>> bombs = new ArrayList<>();
        ServiceClient.Reply photoMeanwhile;
        try {
            for (int i = 0; i < BOMBS; i++) {
                byte[] bomb = i % 2 == 0 ? rgb : rgba;
                bombs.add(clients.submit(() -> client.predict(bomb, "bomb.png")));
            }
            Thread.sleep(1000);   // the bombs are being decoded or waiting for the budget
            photoMeanwhile = client.predict(photo, "eagle.jpg");
        } finally {
            clients.shutdown();
        }

        Map<String, Integer> outcomes = new TreeMap<>();
        for (Future<ServiceClient.Reply> bomb : bombs) {
            ServiceClient.Reply reply = bomb.get();
            assertTrue(Set.of(200, 413, 503).contains(reply.status()), "200, 413 or 503: " + reply.status() + " " + reply.body());
            assertEquals(reply.status() == 200, reply.json().get("success").getAsBoolean(), reply.body());
            if (reply.status() == 503) {
                assertTrue(reply.headers().firstValue("Retry-After").isPresent(), "a 503 says when to retry");
            }
            outcomes.merge(reply.status() == 200 ? "200" : reply.status() + " " + reply.json().get("error").getAsString(),
                    1, Integer::sum);
        }
        System.out.printf("decompression bombs: %s; the photo sent meanwhile: %d%n", outcomes, photoMeanwhile.status());

        assertEquals(200, photoMeanwhile.status(), "a normal photo is not held up: " + photoMeanwhile.body());
        assertTrue(outcomes.getOrDefault("200", 0) > 0, "the budget lets large images through in turn: " + outcomes);
        assertTrue(ProcessHandle.of(tomcatPid).isPresent(), "Tomcat is still running");
        assertEquals(tomcatPid, StackControl.pid("tomcat.pid"), "the same Tomcat, not a restarted one");
        ServiceClient.Reply after = client.predict(photo, "eagle.jpg");
        assertEquals(200, after.status(), after.body());
    }
}
