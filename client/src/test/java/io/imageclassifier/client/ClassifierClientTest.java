package io.imageclassifier.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a stand-in for the service on a free loopback port, which records what it received. */
class ClassifierClientTest {

    private HttpServer server;
    private URI predict;
    private final AtomicReference<String> connection = new AtomicReference<>();
    private final AtomicReference<String> contentType = new AtomicReference<>();
    private final AtomicReference<String> body = new AtomicReference<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/predict", this::answer);
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange);
        });
        server.start();
        predict = URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort()
                + "/predict");
    }

    private void answer(HttpExchange exchange) throws IOException {
        connection.set(exchange.getRequestHeaders().getFirst("Connection"));
        contentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
        body.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1));
        byte[] answer = "{\"success\":true}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void predictUploadsThePhotoInTheImageField() throws Exception {
        HttpResponse<String> reply = ClassifierClient.builder().build().predict(predict, "dog.jpg", new byte[] {1, 2});
        assertEquals(200, reply.statusCode());
        assertEquals("{\"success\":true}", reply.body());
        assertTrue(contentType.get().startsWith("multipart/form-data; boundary="), contentType.get());
        assertTrue(body.get().contains("name=\"image\"; filename=\"dog.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\1\2\r\n"),
                body.get());
    }

    @Test
    void connectionPerRequestAsksTheServerToCloseEachConnection() throws Exception {
        ClassifierClient.builder().connectionPerRequest().build().predict(predict, "dog.jpg", new byte[] {1});
        assertEquals("close", connection.get());
    }

    @Test
    void byDefaultConnectionsAreKeptForTheNextRequest() throws Exception {
        ClassifierClient.builder().build().predict(predict, "dog.jpg", new byte[] {1});
        assertNull(connection.get());
    }

    @Test
    void aRequestThatOutlivesTheTimeoutFails() {
        ClassifierClient client = ClassifierClient.builder().requestTimeout(Duration.ofMillis(200)).build();
        assertThrows(HttpTimeoutException.class, () -> client.send(HttpRequest.newBuilder(predict.resolve("/slow"))));
    }
}
