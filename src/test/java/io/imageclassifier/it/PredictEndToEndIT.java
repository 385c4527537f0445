package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Real photos through Apache, Tomcat, Redis, the model daemon and the real ResNet50. */
class PredictEndToEndIT {

    private final ServiceClient client = new ServiceClient();

    @Test
    void welcomesAtTheRoot() throws Exception {
        ServiceClient.Reply reply = client.send(HttpRequest.newBuilder(ServiceClient.BASE.resolve("/")).GET());
        assertEquals(200, reply.status());
        assertTrue(reply.body().contains("/predict"), reply.body());
    }

    @ParameterizedTest(name = "{0} is classified as {1}")
    @CsvSource({
            "eagle.jpg, bald_eagle",
            "kite.jpg, seashore",
            "dog.jpg, malamute",
    })
    void classifiesRealPhotosThroughApache(String photo, String expectedTopLabel) throws Exception {
        ServiceClient.Reply reply = client.predict(ServiceClient.photo(photo), photo);

        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.contentType().startsWith("application/json"), reply.contentType());
        JsonObject json = reply.json();
        assertTrue(json.get("success").getAsBoolean(), reply.body());
        JsonArray predictions = json.getAsJsonArray("predictions");
        assertEquals(expectedTopLabel, predictions.get(0).getAsJsonObject().get("label").getAsString(), reply.body());
    }

    @ParameterizedTest(name = "the eagle as {0} is a bald eagle")
    @CsvSource({"WEBP, eagle.webp", "TIFF, eagle.tif", "PNG, eagle.png"})
    void classifiesEveryFormatPillowReads(String format, String fileName) throws Exception {
        byte[] file = SampleFiles.convertWithPillow(ServiceClient.TEST_PHOTOS.resolve("eagle.jpg"), format);

        ServiceClient.Reply reply = client.predict(file, fileName);

        assertEquals(200, reply.status(), reply.body());
        assertEquals("bald_eagle", reply.json().getAsJsonArray("predictions").get(0).getAsJsonObject()
                .get("label").getAsString(), reply.body());
    }

    @Test
    void answersInTheOriginalShapeWithFiveDescendingProbabilities() throws Exception {
        JsonObject json = client.predict(ServiceClient.photo("dog.jpg"), "dog.jpg").json();

        assertEquals(2, json.size(), "only success and predictions: " + json);
        JsonArray predictions = json.getAsJsonArray("predictions");
        assertEquals(5, predictions.size());
        double previous = 1.0;
        double sum = 0;
        for (int i = 0; i < predictions.size(); i++) {
            JsonObject prediction = predictions.get(i).getAsJsonObject();
            assertEquals(2, prediction.size(), "label and probability only: " + prediction);
            assertFalse(prediction.get("label").getAsString().isBlank());
            double probability = prediction.get("probability").getAsDouble();
            assertTrue(probability <= previous, "descending: " + predictions);
            assertTrue(probability >= 0, "non-negative: " + predictions);
            previous = probability;
            sum += probability;
        }
        assertTrue(sum <= 1.0 + 1e-6, "softmax probabilities sum to at most 1: " + sum);
    }

    @Test
    void rejectsANonImageWith400AndKeepsServing() throws Exception {
        ServiceClient.Reply bad = client.predict("this is not an image".getBytes(StandardCharsets.UTF_8), "notes.txt");

        assertEquals(400, bad.status(), bad.body());
        assertFalse(bad.json().get("success").getAsBoolean());
        assertTrue(bad.json().get("error").getAsString().contains("not a JPEG, PNG, GIF, BMP, TIFF or WebP"), bad.body());

        ServiceClient.Reply good = client.predict(ServiceClient.photo("eagle.jpg"), "eagle.jpg");
        assertEquals(200, good.status(), good.body());
        assertEquals("bald_eagle", good.json().getAsJsonArray("predictions").get(0).getAsJsonObject()
                .get("label").getAsString());
    }

    @Test
    void answersMalformedRequestsWithJsonErrors() throws Exception {
        ServiceClient.Reply missingField = client.postMultipart("/predict", "photo", ServiceClient.photo("dog.jpg"), "dog.jpg");
        ServiceClient.Reply empty = client.predict(new byte[0], "empty.jpg");
        ServiceClient.Reply notMultipart = client.send(HttpRequest.newBuilder(ServiceClient.BASE.resolve("/predict"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"image\": \"x\"}")));
        ServiceClient.Reply wrongMethod = client.send(HttpRequest.newBuilder(ServiceClient.BASE.resolve("/predict")).GET());
        ServiceClient.Reply unknownPath = client.send(HttpRequest.newBuilder(ServiceClient.BASE.resolve("/nothing-here")).GET());

        assertAll(
                () -> assertJsonError(400, missingField),
                () -> assertJsonError(400, empty),
                () -> assertJsonError(400, notMultipart),
                () -> assertJsonError(405, wrongMethod),
                () -> assertJsonError(404, unknownPath));
    }

    @Test
    void rejectsAnOversizeUploadWith413() throws Exception {
        byte[] tooLarge = new byte[21 * 1024 * 1024];

        assertJsonError(413, client.predict(tooLarge, "huge.jpg"));
    }

    private static void assertJsonError(int status, ServiceClient.Reply reply) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.contentType().startsWith("application/json"), reply.contentType() + ": " + reply.body());
        JsonObject json = reply.json();
        assertFalse(json.get("success").getAsBoolean(), reply.body());
        assertFalse(json.get("error").getAsString().isBlank(), reply.body());
        assertFalse(reply.body().contains("Exception"), "no stack traces: " + reply.body());
    }
}
