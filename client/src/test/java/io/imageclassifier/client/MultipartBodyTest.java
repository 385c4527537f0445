package io.imageclassifier.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MultipartBodyTest {

    private static String text(MultipartBody body) {
        return new String(body.bytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void multipartBodyHasTheImageFieldAndTheFileBytes() {
        byte[] file = {1, 2, 3, (byte) 0xFF};
        byte[] body = MultipartBody.withBoundary("BOUNDARY", "image", "dog.jpg", file).bytes();
        String text = new String(body, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("--BOUNDARY\r\nContent-Disposition: form-data; name=\"image\"; filename=\"dog.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n"));
        assertTrue(text.endsWith("\r\n--BOUNDARY--\r\n"));
        int at = text.indexOf("\r\n\r\n") + 4;
        byte[] embedded = Arrays.copyOfRange(body, at, at + file.length);
        assertArrayEquals(file, embedded);
        assertTrue(text(MultipartBody.withBoundary("B", "image", "x.png", file)).contains("Content-Type: image/png"));
    }

    @Test
    void thePartTypeIsGuessedFromTheNameAsCurlDoes() {
        assertEquals("image/jpeg", MultipartBody.fileType("EAGLE.JPEG"));
        assertEquals("image/png", MultipartBody.fileType("small.png"));
        assertEquals("application/octet-stream", MultipartBody.fileType("notes.txt"));
        assertEquals("application/octet-stream", MultipartBody.fileType("photo.webp"));
    }

    @Test
    void anyFieldCanBeSentToTestTheServiceRejectingIt() {
        assertTrue(text(MultipartBody.withBoundary("B", "file", "eagle.jpg", new byte[0]))
                .startsWith("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"eagle.jpg\"\r\n"));
    }

    @Test
    void quotesAndLineBreaksInTheFileNameCannotEndTheHeader() {
        assertTrue(text(MultipartBody.withBoundary("B", "image", "a\"b\r\nc.jpg", new byte[0]))
                .contains("filename=\"abc.jpg\"\r\nContent-Type: image/jpeg\r\n"));
    }

    @Test
    void eachBodyHasItsOwnBoundaryNamedInTheContentType() {
        MultipartBody a = MultipartBody.of("image", "dog.jpg", new byte[] {1});
        MultipartBody b = MultipartBody.of("image", "dog.jpg", new byte[] {1});
        assertNotEquals(a.contentType(), b.contentType());
        String boundary = a.contentType().substring("multipart/form-data; boundary=".length());
        assertTrue(text(a).startsWith("--" + boundary + "\r\n"));
        assertTrue(text(a).endsWith("\r\n--" + boundary + "--\r\n"));
    }
}
