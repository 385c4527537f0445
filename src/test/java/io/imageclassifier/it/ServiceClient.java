package io.imageclassifier.it;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.imageclassifier.client.ClassifierClient;
import io.imageclassifier.client.MultipartBody;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Talks to the running stack the way curl does: multipart uploads to /predict through Apache. */
final class ServiceClient {

    /** Where the stack answers; scripts/test runs the suite against Apache on port 80. */
    static final URI BASE = URI.create(System.getProperty("it.baseUrl", "http://localhost"));
    static final Path REPO = Path.of(System.getProperty("it.repoRoot", "."));
    static final Path TEST_PHOTOS = REPO.resolve("runtime/testdata");
    static final Path DAEMON_LOG = REPO.resolve("runtime/logs/model-daemon.log");

    /**
     * Generous, as curl's is: when a test opens hundreds of connections at once on a loaded machine,
     * the kernel may drop some connection attempts for the client to retry 1, 3 and 7 s later; a
     * connection the server never accepted is not a request it lost.
     */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final ClassifierClient http = ClassifierClient.builder()
            .connectTimeout(CONNECT_TIMEOUT)
            .requestTimeout(Duration.ofSeconds(90))
            .build();

    record Reply(int status, String contentType, String body, java.net.http.HttpHeaders headers) {
        JsonObject json() {
            return JsonParser.parseString(body).getAsJsonObject();
        }
    }

    static byte[] photo(String name) throws IOException {
        return Files.readAllBytes(TEST_PHOTOS.resolve(name));
    }

    Reply predict(byte[] file, String fileName) throws IOException, InterruptedException {
        return reply(http.predict(BASE.resolve("/predict"), fileName, file));
    }

    Reply postMultipart(String path, String field, byte[] file, String fileName)
            throws IOException, InterruptedException {
        return postMultipart(BASE.resolve(path), field, file, fileName);
    }

    Reply postMultipart(URI url, String field, byte[] file, String fileName)
            throws IOException, InterruptedException {
        return reply(http.post(url, MultipartBody.of(field, fileName, file)));
    }

    Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return reply(http.send(request));
    }

    private static Reply reply(HttpResponse<String> response) {
        return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body(), response.headers());
    }
}
