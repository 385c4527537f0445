package io.imageclassifier.client;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;

/**
 * A multipart/form-data body with one file in it, as {@code curl -F image=@photo.jpg} sends it:
 * the file's bytes unchanged, the part's type guessed from the file name.
 *
 * <p>Built once, it can be sent any number of times (a load test posts the same photo over and
 * over without copying it).
 */
public final class MultipartBody {

    private final String boundary;
    private final byte[] bytes;

    private MultipartBody(String boundary, byte[] bytes) {
        this.boundary = boundary;
        this.bytes = bytes;
    }

    /** {@code file} as the field {@code field}, named {@code fileName}. */
    public static MultipartBody of(String field, String fileName, byte[] file) {
        return withBoundary("----imageclassifier" + UUID.randomUUID().toString().replace("-", ""), field, fileName,
                file);
    }

    static MultipartBody withBoundary(String boundary, String field, String fileName, byte[] file) {
        // A quote or a line break would end the header early.
        String name = fileName.replaceAll("[\"\r\n]", "");
        byte[] head = ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + name + "\"\r\n"
                + "Content-Type: " + fileType(name) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(head, head.length + file.length + tail.length);
        System.arraycopy(file, 0, all, head.length, file.length);
        System.arraycopy(tail, 0, all, head.length + file.length, tail.length);
        return new MultipartBody(boundary, all);
    }

    /** The part's Content-Type, as curl guesses it from the file name. */
    static String fileType(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".png")) {
            return "image/png";
        }
        return lower.endsWith(".jpg") || lower.endsWith(".jpeg") ? "image/jpeg" : "application/octet-stream";
    }

    /** The request's Content-Type header: it names the boundary. */
    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The body of a POST. */
    public HttpRequest.BodyPublisher publisher() {
        return HttpRequest.BodyPublishers.ofByteArray(bytes);
    }

    byte[] bytes() {
        return bytes;
    }
}
