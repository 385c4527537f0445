package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Uploads that stop half way hold disk, not heap. Fifty clients each send 18 of the 19 MB they
 * declare and then wait: 900 MB, more than Tomcat's whole 1 GB heap holds besides the decode
 * budget. While they wait, the parts sent so far sit in Tomcat's temp folder, a photo is still
 * classified, and Tomcat is the same process; once they hang up, their files are gone and each
 * of them has been answered.
 */
class StalledUploadsIT {

    private static final int CLIENTS = 50;
    private static final int SENT_BYTES = 18 << 20;
    private static final Path TOMCAT_TEMP = StackControl.REPO.resolve("runtime/tomcat/temp");

    @Test
    void stalledUploadsWaitInTempFilesAndThePhotoSentMeanwhileIsAnswered() throws Exception {
        long tomcat = StackControl.pid("tomcat.pid");
        double answeredBefore = requestsAnswered();
        byte[] chunk = new byte[1 << 20];
        new Random(7).nextBytes(chunk);
        String boundary = "stalled0upload";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"big.jpg\"\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                Socket socket = new Socket(ServiceClient.BASE.getHost(), 80);
                stalled.add(socket);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary="
                        + boundary + "\r\nContent-Length: " + (SENT_BYTES + (1 << 20)) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(head);
                for (int sent = head.length; sent < SENT_BYTES; sent += chunk.length) {
                    out.write(chunk, 0, Math.min(chunk.length, SENT_BYTES - sent));
                }
                out.flush();
            }
            long expected = (long) CLIENTS * (SENT_BYTES - (1 << 20));
            assertTrue(StackControl.await(Duration.ofSeconds(60), () -> spooledBytes() >= expected),
                    "the stalled uploads' bytes reach Tomcat's temp folder: " + spooledBytes() + " of at least " + expected);

            ServiceClient.Reply reply = new ServiceClient().predict(ServiceClient.photo("eagle.jpg"), "eagle.jpg");
            assertEquals(200, reply.status(), reply.body());
            assertFalse(StackControl.hasExited(tomcat), "Tomcat is still the same process");
            assertEquals(tomcat, StackControl.pid("tomcat.pid"));
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        assertTrue(StackControl.await(Duration.ofSeconds(60), () -> spooledBytes() == 0),
                "the temp files go when their clients hang up: " + spooledBytes() + " bytes left");
        // Every one of them ends as a request the web app answered (a 400: the body ended early),
        // and before the next test counts requests of its own.
        assertTrue(StackControl.await(Duration.ofSeconds(60), () -> requestsAnswered() >= answeredBefore + CLIENTS + 1),
                "the web app answered the photo and all " + CLIENTS + " stalled uploads: "
                        + (requestsAnswered() - answeredBefore));
        System.out.println(CLIENTS + " stalled uploads of " + (SENT_BYTES >> 20) + " MB: the photo sent meanwhile got"
                + " 200, Tomcat kept running, no temp file left");
    }

    /** The web app's count of answered /predict requests, from its /metrics. */
    private static double requestsAnswered() {
        try {
            ServiceClient.Reply reply = new ServiceClient().send(
                    HttpRequest.newBuilder(ServiceClient.BASE.resolve("/metrics")).GET());
            for (String line : reply.body().split("\n")) {
                if (line.startsWith("imageclassifier_request_duration_seconds_count ")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return 0;
        } catch (Exception e) {
            return -1;
        }
    }

    private static long spooledBytes() {
        try (var files = Files.list(TOMCAT_TEMP)) {
            return files.filter(f -> f.getFileName().toString().startsWith("imageclassifier-upload-"))
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0;   // deleted meanwhile
                        }
                    }).sum();
        } catch (IOException e) {
            return -1;
        }
    }
}
