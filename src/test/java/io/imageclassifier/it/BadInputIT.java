package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every kind of bad input gets a JSON error with the right status and never reaches the model;
 * the odd-but-valid images (16-bit, animated, 1x1, CMYK) are classified; and the service keeps
 * serving real photos after it.
 */
class BadInputIT {

    private final ServiceClient client = new ServiceClient();

    @Test
    void everyBadInputGetsItsJsonErrorAndNothingReachesTheModel() throws Exception {
        byte[] photo = ServiceClient.photo("eagle.jpg");
        byte[] smallPng = SampleFiles.png(SampleFiles.picture(120, 90));
        long logOffset = StackControl.logSize(ServiceClient.DAEMON_LOG);

        List<Executable> checks = new ArrayList<>();
        checks.add(expect(400, "no 'image' field", client.postMultipart("/predict", "file", photo, "eagle.jpg")));
        checks.add(expect(400, "empty", client.predict(new byte[0], "empty.jpg")));
        checks.add(expect(400, "not a JPEG, PNG, GIF, BMP, TIFF or WebP",
                client.predict("just some text\n".getBytes(StandardCharsets.UTF_8), "notes.txt")));
        checks.add(expect(400, "not a JPEG, PNG, GIF, BMP, TIFF or WebP", client.predict(SampleFiles.randomBytes(50_000), "noise.bin")));
        checks.add(expect(400, "could not be decoded", client.predict(SampleFiles.truncated(smallPng), "cut.png")));
        checks.add(expect(400, "damaged", client.predict(SampleFiles.truncated(photo), "cut.jpg")));
        checks.add(expect(400, "", client.predict(SampleFiles.corruptBody(smallPng, 40), "corrupt.png")));
        checks.add(expect(400, "", client.predict(SampleFiles.corruptBody(photo, 700), "corrupt.jpg")));
        checks.add(expect(413, "50000x50000", client.predict(SampleFiles.pngDeclaring(50_000, 50_000), "bomb.png")));
        checks.add(expect(413, "larger than the limit", client.predict(new byte[21 * 1024 * 1024], "huge.jpg")));
        checks.add(expect(400, "multipart/form-data", client.send(HttpRequest.newBuilder(ServiceClient.BASE.resolve("/predict"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(photo)))));
        checks.add(expect(405, "method not allowed", client.send(HttpRequest.newBuilder(ServiceClient.BASE.resolve("/predict")).GET())));
        checks.add(expect(405, "method not allowed", client.send(HttpRequest.newBuilder(ServiceClient.BASE.resolve("/predict"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(photo)))));
        checks.add(expect(405, "method not allowed", client.send(HttpRequest.newBuilder(ServiceClient.BASE.resolve("/predict")).DELETE())));
        int badInputs = checks.size();

        // Odd but valid: classified like any other image.
        checks.add(expectClassified(client.predict(SampleFiles.sixteenBitPng(), "sixteen-bit.png")));
        checks.add(expectClassified(client.predict(SampleFiles.animatedGif(), "animated.gif")));
        checks.add(expectClassified(client.predict(SampleFiles.png(SampleFiles.picture(1, 1)), "one-pixel.png")));
        checks.add(expectClassified(client.predict(SampleFiles.cmykJpeg(), "cmyk.jpg")));
        ServiceClient.Reply realPhotoAfter = client.predict(photo, "eagle.jpg");
        checks.add(() -> assertEquals("bald_eagle", realPhotoAfter.json().getAsJsonArray("predictions").get(0)
                .getAsJsonObject().get("label").getAsString(), realPhotoAfter.body()));

        assertAll(checks);
        System.out.println("bad inputs tried: " + badInputs + ", odd-but-valid images classified: 4");
        int modelRuns = StackControl.sum(StackControl.batchSizesSince(ServiceClient.DAEMON_LOG, logOffset));
        assertEquals(5, modelRuns, "only the five valid images reached the model");
    }

    private static Executable expect(int status, String errorMentions, ServiceClient.Reply reply) {
        return () -> {
            assertEquals(status, reply.status(), reply.body());
            assertTrue(reply.contentType().startsWith("application/json"), reply.contentType() + " " + reply.body());
            JsonObject json = reply.json();
            assertFalse(json.get("success").getAsBoolean(), reply.body());
            String error = json.get("error").getAsString();
            assertTrue(error.contains(errorMentions), "error should mention '" + errorMentions + "': " + error);
            assertFalse(reply.body().contains("Exception") || reply.body().contains("/work/"),
                    "no stack traces or paths: " + reply.body());
        };
    }

    private static Executable expectClassified(ServiceClient.Reply reply) {
        return () -> {
            assertEquals(200, reply.status(), reply.body());
            assertEquals(5, reply.json().getAsJsonArray("predictions").size(), reply.body());
        };
    }
}
