package io.imageclassifier.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.verify;

import io.imageclassifier.protocol.Prediction;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonReplyWriterTest {

    private final RecordedResponse response = new RecordedResponse();

    @Test
    void predictionsAreSuccessTrueAndTheListInTheGivenOrder() throws IOException {
        JsonReplyWriter.write(response.servletResponse(), 200, new PredictionReply(List.of(
                new Prediction("tabby", 0.75), new Prediction("lynx", 0.125), new Prediction("tiger cat", 0.5))));

        assertEquals(200, response.status());
        assertEquals("{\"success\":true,\"predictions\":["
                + "{\"label\":\"tabby\",\"probability\":0.75},"
                + "{\"label\":\"lynx\",\"probability\":0.125},"
                + "{\"label\":\"tiger cat\",\"probability\":0.5}]}", response.body());
    }

    @Test
    void noPredictionsIsAnEmptyList() throws IOException {
        JsonReplyWriter.write(response.servletResponse(), 200, new PredictionReply(List.of()));

        assertEquals("{\"success\":true,\"predictions\":[]}", response.body());
    }

    @Test
    void errorIsSuccessFalseWithTheMessageAndStatus() throws IOException {
        JsonReplyWriter.write(response.servletResponse(), 413, new ErrorReply("the upload is too large"));

        assertEquals(413, response.status());
        assertEquals("{\"success\":false,\"error\":\"the upload is too large\"}", response.body());
    }

    @Test
    void errorMessageIsJsonEscaped() throws IOException {
        String message = "no 'image' field; send \"-F image=@photo.jpg\"\\n";

        JsonReplyWriter.write(response.servletResponse(), 400, new ErrorReply(message));

        assertEquals(message, response.error());
    }

    @Test
    void bothShapesAreUtf8Json() throws IOException {
        JsonReplyWriter.write(response.servletResponse(), 200, new PredictionReply(List.of(new Prediction("crème brûlée", 1.0))));

        assertEquals("application/json", response.contentType());
        verify(response.servletResponse()).setCharacterEncoding("UTF-8");
        assertEquals("crème brûlée",
                response.json().getAsJsonArray("predictions").get(0).getAsJsonObject().get("label").getAsString());
    }
}
