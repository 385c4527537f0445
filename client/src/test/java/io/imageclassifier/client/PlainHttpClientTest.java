package io.imageclassifier.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a loopback socket that answers one connection with canned bytes and keeps what it got. */
class PlainHttpClientTest {

    private final PlainHttpClient client = new PlainHttpClient(Duration.ofSeconds(5), Duration.ofSeconds(5));
    private ServerSocket server;
    private URI predict;

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        predict = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/predict?x=1");
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    @Test
    void sendsOneCompleteRequestAndReadsAContentLengthAnswer() throws Exception {
        MultipartBody body = MultipartBody.withBoundary("b0undary", "image", "dog.jpg", new byte[] {1, 2, 3});
        CompletableFuture<String> received = answerOnce(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"success\":true}", 0);

        PlainHttpClient.Reply reply = client.post(predict, body);

        assertEquals(200, reply.status());
        assertEquals("{\"success\":true}", reply.body());
        assertEquals(Optional.of("application/json"), reply.header("content-TYPE"));
        String request = received.get(5, TimeUnit.SECONDS);
        String head = request.substring(0, request.indexOf("\r\n\r\n") + 4);
        assertTrue(head.startsWith("POST /predict?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n"), head);
        assertTrue(head.contains("\r\nContent-Type: multipart/form-data; boundary=b0undary\r\n"), head);
        assertTrue(head.contains("\r\nContent-Length: " + body.bytes().length + "\r\n"), head);
        assertTrue(head.contains("\r\nConnection: close\r\n"), head);
        assertEquals(new String(body.bytes(), StandardCharsets.ISO_8859_1), request.substring(head.length()));
    }

    @Test
    void readsAChunkedAnswerAndJoinsRepeatedHeaders() throws Exception {
        answerOnce("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nVary: a\r\nVary: b\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"suc\r\na;ext=1\r\ncess\":fals\r\n2\r\ne}\r\n0\r\n\r\n", 0);

        PlainHttpClient.Reply reply = client.post(predict, MultipartBody.of("image", "a.png", new byte[1]));

        assertEquals(503, reply.status());
        assertEquals("{\"success\":false}", reply.body());
        assertEquals(Optional.of("1"), reply.header("Retry-After"));
        assertEquals(Optional.of("a, b"), reply.header("vary"));
    }

    @Test
    void readsAnAnswerThatEndsWhenTheServerCloses() throws Exception {
        answerOnce("HTTP/1.0 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nbroken\n", 0);

        PlainHttpClient.Reply reply = client.post(predict, MultipartBody.of("image", "a.png", new byte[1]));

        assertEquals(500, reply.status());
        assertEquals("broken\n", reply.body());
    }

    @Test
    void anAnswerCutShortIsAnError() throws Exception {
        answerOnce("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"success\"", 0);

        assertThrows(IOException.class, () -> client.post(predict, MultipartBody.of("image", "a.png", new byte[1])));
    }

    @Test
    void aServerThatNeverAnswersTimesOutAtTheRequestTimeout() throws Exception {
        answerOnce("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", 3_000);
        PlainHttpClient impatient = new PlainHttpClient(Duration.ofSeconds(5), Duration.ofMillis(300));

        long start = System.nanoTime();
        assertThrows(HttpTimeoutException.class,
                () -> impatient.post(predict, MultipartBody.of("image", "a.png", new byte[1])));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 250 && ms < 2_500, "gave up after " + ms + " ms");
    }

    /** Accepts one connection, reads the request (Content-Length tells its end), answers after a delay. */
    private CompletableFuture<String> answerOnce(String answer, long delayMs) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket socket = server.accept()) {
                String request = readRequest(socket.getInputStream());
                Thread.sleep(delayMs);
                socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                return request;
            } catch (IOException e) {
                return "failed: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        });
    }

    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int length = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            bytes.write(b);
            String sofar = bytes.toString(StandardCharsets.ISO_8859_1);
            int end = sofar.indexOf("\r\n\r\n");
            if (end >= 0 && length < 0) {
                String head = sofar.substring(0, end);
                int at = head.indexOf("Content-Length: ");
                length = Integer.parseInt(head.substring(at + 16, head.indexOf("\r\n", at)));
                bytes.write(in.readNBytes(length));
                break;
            }
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }
}
