package io.imageclassifier.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Uploads over plain HTTP/1.1, one blocking socket per request, as curl does: the request goes
 * out in one write and the answer is read on the calling thread, with nothing pooled.
 *
 * <p>This is the load generator's client. The JDK's HttpClient hands every exchange to its
 * selector thread and back; on a 2-core host that cost 4-7 ms of CPU a request (measured by the
 * benchmark's CPU table), time a benchmark counts as the service's latency and CPU the service
 * then lacks. Only what the service sends is handled: Content-Length, chunked, or a body that
 * ends when the server closes the connection.
 */
public final class PlainHttpClient {

    /** The most header bytes an answer may have before it counts as broken. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    /** An answer: its status, its headers (names in lower case, repeats joined by ", ") and body. */
    public record Reply(int status, Map<String, String> headers, String body) {

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    private final Duration connectTimeout;
    private final Duration requestTimeout;

    public PlainHttpClient(Duration connectTimeout, Duration requestTimeout) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    /** How long a request may take from connecting to the last byte of its answer. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * POSTs {@code body} to {@code url} on a fresh connection and reads the whole answer.
     *
     * @throws HttpTimeoutException when the answer has not fully arrived within the request timeout
     */
    public Reply post(URI url, MultipartBody body) throws IOException {
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("only http:// URLs with a host: " + url);
        }
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        int port = url.getPort() < 0 ? 80 : url.getPort();
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        byte[] content = body.bytes();
        byte[] head = ("POST " + path + " HTTP/1.1\r\n"
                + "Host: " + url.getHost() + (url.getPort() < 0 ? "" : ":" + port) + "\r\n"
                + "User-Agent: imageclassifier-plain-client\r\n"
                + "Accept: */*\r\n"
                + "Content-Type: " + body.contentType() + "\r\n"
                + "Content-Length: " + content.length + "\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + content.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(content, 0, request, head.length, content.length);
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(url.getHost(), port), (int) Math.max(1, connectTimeout.toMillis()));
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return read(new BufferedInputStream(new DeadlineInputStream(socket, deadline), 16 * 1024));
        }
    }

    private Reply read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int headerBytes = statusLine.length();
        for (String line; !(line = line(in)).isEmpty(); ) {
            headerBytes += line.length();
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new IOException("the answer's headers are over " + MAX_HEADER_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("not an HTTP header: " + line);
            }
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        byte[] content;
        String length = headers.get("content-length");
        if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            content = dechunk(in);
        } else if (length != null) {
            content = exactly(in, Integer.parseInt(length.trim()));
        } else {
            content = in.readAllBytes();   // the body ends where the server closes the connection
        }
        return new Reply(status, headers, new String(content, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            int semicolon = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("not a chunk size: " + sizeLine);
            }
            if (size == 0) {
                while (!line(in).isEmpty()) {
                    // trailers: none that matter here
                }
                return content.toByteArray();
            }
            content.write(exactly(in, size));
            if (!line(in).isEmpty()) {
                throw new IOException("a chunk did not end with CRLF");
            }
        }
    }

    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("the answer ended after " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    /** One CRLF-ended line without its CRLF; a line cut off by the end of the stream fails. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("the answer ended in the middle of a line");
            }
            if (line.length() > MAX_HEADER_BYTES) {
                throw new IOException("a line of the answer is over " + MAX_HEADER_BYTES + " bytes");
            }
            line.append((char) b);
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    /** Reads from the socket, never past the request's deadline. */
    private static final class DeadlineInputStream extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;

        DeadlineInputStream(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                throw new HttpTimeoutException("request timed out");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMs));
            try {
                return in.read(buffer, offset, length);
            } catch (SocketTimeoutException e) {
                throw new HttpTimeoutException("request timed out");
            }
        }
    }
}
