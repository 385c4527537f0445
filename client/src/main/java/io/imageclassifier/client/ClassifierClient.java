package io.imageclassifier.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Talks to the service over HTTP/1.1, as curl does: {@link #predict} uploads a photo to
 * {@code /predict}; {@link #send} sends any other request with the same timeouts.
 *
 * <pre>{@code
 * ClassifierClient client = ClassifierClient.builder().requestTimeout(Duration.ofSeconds(60)).build();
 * HttpResponse<String> top5 = client.predict(URI.create("http://localhost/predict"), "dog.jpg", bytes);
 * }</pre>
 */
public final class ClassifierClient {

    /** The multipart field the service reads the photo from. */
    public static final String IMAGE_FIELD = "image";

    static {
        // "Connection" is a restricted header unless this is set before the JDK's HTTP classes
        // first read it: this class sets it as it loads, before it builds any request.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
    }

    private final HttpClient http;
    private final Duration requestTimeout;
    private final boolean connectionPerRequest;

    private ClassifierClient(Builder builder) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(builder.connectTimeout)
                .build();
        this.requestTimeout = builder.requestTimeout;
        this.connectionPerRequest = builder.connectionPerRequest;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How the client connects; the defaults suit one request at a time to a nearby service. */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private boolean connectionPerRequest;

        private Builder() {
        }

        /** How long a connection attempt may take (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long a request may wait for its answer (default 60 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Every request on a fresh connection ({@code Connection: close}), like independent
         * clients: a pooled keep-alive connection that Apache closes just as a POST goes out
         * fails with "header parser received no bytes", and the JDK client never retries a POST.
         */
        public Builder connectionPerRequest() {
            this.connectionPerRequest = true;
            return this;
        }

        public ClassifierClient build() {
            return new ClassifierClient(this);
        }
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Uploads a photo to the service's {@code /predict} URL, in the field {@link #IMAGE_FIELD}. */
    public HttpResponse<String> predict(URI predictUrl, String fileName, byte[] photo)
            throws IOException, InterruptedException {
        return post(predictUrl, MultipartBody.of(IMAGE_FIELD, fileName, photo));
    }

    /** POSTs a multipart body, e.g. one built once and sent many times. */
    public HttpResponse<String> post(URI url, MultipartBody body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(url)
                .header("Content-Type", body.contentType())
                .POST(body.publisher()));
    }

    /** Sends a request with this client's timeout (and {@code Connection: close} where asked for). */
    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        request.timeout(requestTimeout);
        if (connectionPerRequest) {
            request.header("Connection", "close");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
