package io.imageclassifier.web.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MultipartFormReaderTest {

    private static final String BOUNDARY = "------------------------d74496d66958873e";
    private final HttpServletRequest request = mock(HttpServletRequest.class);

    @Test
    void readsTheFieldAsCurlSendsIt() {
        byte[] photo = randomBytes(300_000, 1);
        byte[] body = form(BOUNDARY, part("image", "dog.jpg", photo));

        assertArrayEquals(photo, MultipartFormReader.field(body, BOUNDARY, "image"));
    }

    @Test
    void findsTheFieldAfterOtherPartsAndSkipsThePreamble() {
        byte[] photo = randomBytes(5_000, 2);
        byte[] body = concat(bytes("a preamble that says nothing\r\n"),
                form(BOUNDARY, part("note", null, bytes("hello")), part("image", "a.png", photo),
                        part("image", "second.png", bytes("not this one"))));

        assertArrayEquals(photo, MultipartFormReader.field(body, BOUNDARY, "image"));
    }

    @Test
    void keepsBytesThatLookLikeTheBoundaryButAreNot() {
        // The delimiter is CRLF "--" boundary: inside the file, a boundary without the CRLF or
        // cut short by one byte is content.
        byte[] photo = concat(bytes("--" + BOUNDARY + "\r\n"), bytes("\r\n--" + BOUNDARY.substring(1)),
                bytes("\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1) + "x"), randomBytes(100, 3));
        byte[] body = form(BOUNDARY, part("image", "tricky.bin", photo));

        assertArrayEquals(photo, MultipartFormReader.field(body, BOUNDARY, "image"));
    }

    @Test
    void readsEmptyAndQuotedAndUnquotedFieldNames() {
        byte[] body = form("x", "Content-Disposition: form-data; name=image; filename=\"e.jpg\"\r\n\r\n");

        assertArrayEquals(new byte[0], MultipartFormReader.field(body, "x", "image"));
        byte[] escaped = form("x", "content-disposition: Form-Data; filename=\"a\\\"b\"; name=\"image\"\r\n\r\nAB");
        assertArrayEquals(bytes("AB"), MultipartFormReader.field(escaped, "x", "image"));
    }

    @Test
    void aFormWithoutTheFieldGivesNull() {
        byte[] body = form(BOUNDARY, part("file", "eagle.jpg", randomBytes(1_000, 4)),
                "Content-Type: text/plain\r\n\r\nno disposition", "\r\nheaderless part");

        assertNull(MultipartFormReader.field(body, BOUNDARY, "image"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                                                             // empty body
        "no boundary anywhere",
        "--B\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\ncut off",   // no closing boundary
        "--B\r\nContent-Disposition: form-data; name=\"image\"\r\nno empty line",
        "--Bgarbage\r\n\r\nx\r\n--B--",                                // a boundary line with more on it
        "--B\r\n\r\nfirst part\r\n--B",                                // ends without the closing "--"
    })
    void aMalformedBodyIs400(String text) {
        byte[] body = bytes(text);

        BadRequestException e = assertThrows(BadRequestException.class,
                () -> MultipartFormReader.field(body, "B", "image"));
        assertTrue(e.getMessage().startsWith("the multipart body could not be parsed"), e.getMessage());
    }

    @Test
    void theBoundaryComesFromTheContentType() {
        assertEquals("abc", MultipartFormReader.boundaryOf("multipart/form-data; boundary=abc"));
        assertEquals("a b;c", MultipartFormReader.boundaryOf("Multipart/Form-Data; charset=utf-8; boundary=\"a b;c\""));
        assertThrows(BadRequestException.class, () -> MultipartFormReader.boundaryOf("multipart/form-data"));
        assertThrows(BadRequestException.class, () -> MultipartFormReader.boundaryOf("multipart/form-data; boundary="));
        assertThrows(BadRequestException.class,
                () -> MultipartFormReader.boundaryOf("multipart/form-data; boundary=" + "b".repeat(71)));
        BadRequestException notMultipart = assertThrows(BadRequestException.class,
                () -> MultipartFormReader.boundaryOf("application/octet-stream"));
        assertTrue(notMultipart.getMessage().contains("multipart/form-data"), notMultipart.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 200_000, 1 << 20, 2_500_000})   // around the first buffer's 1 MB
    void readsARequestBodyOfItsDeclaredLength(int size) throws IOException {
        byte[] photo = randomBytes(size, 5);
        byte[] body = form(BOUNDARY, part("image", "a.jpg", photo));
        upload(body, body.length);

        assertArrayEquals(photo, new MultipartFormReader(3_000_000).field(request, "image"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 65_000, 500_000, 2_500_000})
    void readsAChunkedRequestBodyOfUnknownLength(int size) throws IOException {
        byte[] photo = randomBytes(size, 6);
        byte[] body = form(BOUNDARY, part("image", "a.jpg", photo));
        upload(body, -1);

        assertArrayEquals(photo, new MultipartFormReader(3_000_000).field(request, "image"));
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413WithoutReadingTheBody() throws IOException {
        when(request.getContentType()).thenReturn("multipart/form-data; boundary=" + BOUNDARY);
        when(request.getContentLengthLong()).thenReturn(1_000_000 + MultipartFormReader.OVERHEAD_BYTES + 1);

        PayloadTooLargeException e = assertThrows(PayloadTooLargeException.class,
                () -> new MultipartFormReader(1_000_000).field(request, "image"));
        assertTrue(e.getMessage().contains("1000000 bytes"), e.getMessage());
        verify(request, never()).getInputStream();
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() throws IOException {
        byte[] body = form(BOUNDARY, part("image", "a.jpg", randomBytes(1_200_000, 7)));
        upload(body, -1);

        assertThrows(PayloadTooLargeException.class, () -> new MultipartFormReader(1_000_000).field(request, "image"));
    }

    @Test
    void aFieldOverTheLimitIs413EvenInABodyWithinIt() throws IOException {
        byte[] body = form(BOUNDARY, part("image", "a.jpg", randomBytes(1_000_001, 8)));
        upload(body, body.length);

        assertThrows(PayloadTooLargeException.class, () -> new MultipartFormReader(1_000_000).field(request, "image"));
    }

    @Test
    void aBodyShorterThanDeclaredIs400() throws IOException {
        byte[] body = form(BOUNDARY, part("image", "a.jpg", randomBytes(1_000, 9)));
        upload(body, body.length + 10);

        BadRequestException e = assertThrows(BadRequestException.class,
                () -> new MultipartFormReader(1_000_000).field(request, "image"));
        assertTrue(e.getMessage().contains("ended after"), e.getMessage());
    }

    @Test
    void aBodyOverOneMegabyteWaitsInATempFileNotInTheHeapUntilItIsComplete() throws Exception {
        byte[] body = form(BOUNDARY, part("image", "big.jpg", randomBytes(3_000_000, 10)));
        int sentBeforeStall = 2_000_000;
        CountDownLatch resume = new CountDownLatch(1);
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        when(request.getContentType()).thenReturn("multipart/form-data; boundary=" + BOUNDARY);
        when(request.getContentLengthLong()).thenReturn((long) body.length);
        when(request.getInputStream()).thenReturn(TestUploads.servletInput(new InputStream() {
            private int sent;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent >= sentBeforeStall) {
                    try {
                        resume.await();   // a client that stops sending half way
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                int n = in.read(b, off, sent < sentBeforeStall ? Math.min(len, sentBeforeStall - sent) : len);
                sent += Math.max(n, 0);
                return n;
            }
        }));
        Set<Path> before = spoolFiles();
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return new MultipartFormReader(5_000_000).field(request, "image");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        long spooled = 0;
        for (int i = 0; i < 200 && spooled < sentBeforeStall; i++) {
            Thread.sleep(25);
            Set<Path> now = spoolFiles();
            now.removeAll(before);
            spooled = now.stream().mapToLong(MultipartFormReaderTest::size).sum();
        }
        assertEquals(sentBeforeStall, spooled, "what the stalled upload sent so far is in its temp file");
        resume.countDown();
        assertEquals(3_000_000, read.get(10, TimeUnit.SECONDS).length);
        Set<Path> after = spoolFiles();
        after.removeAll(before);
        assertEquals(Set.of(), after, "the temp file is gone once the body is read");
    }

    @Test
    void aRefusedBodyLeavesNoTempFile() throws IOException {
        Set<Path> before = spoolFiles();
        byte[] body = form(BOUNDARY, part("image", "a.jpg", randomBytes(1_500_000, 11)));
        upload(body, -1);

        assertThrows(PayloadTooLargeException.class, () -> new MultipartFormReader(1_200_000).field(request, "image"));
        Set<Path> after = spoolFiles();
        after.removeAll(before);
        assertEquals(Set.of(), after);
    }

    private static Set<Path> spoolFiles() throws IOException {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith(MultipartFormReader.SPOOL_PREFIX))
                    .collect(Collectors.toCollection(HashSet::new));
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;   // deleted meanwhile
        }
    }

    private void upload(byte[] body, long declaredLength) throws IOException {
        when(request.getContentType()).thenReturn("multipart/form-data; boundary=" + BOUNDARY);
        TestUploads.body(request, body, declaredLength);
    }

    /** A part as curl writes it: its headers, an empty line, then the content. */
    private static byte[] part(String name, String fileName, byte[] content) {
        String headers = "Content-Disposition: form-data; name=\"" + name + "\""
                + (fileName == null ? "" : "; filename=\"" + fileName + "\"\r\nContent-Type: application/octet-stream")
                + "\r\n\r\n";
        return concat(bytes(headers), content);
    }

    /** A form of the given parts (bytes, or text), each opened by the boundary, closed by boundary "--". */
    private static byte[] form(String boundary, Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(bytes("--" + boundary + "\r\n"));
            out.writeBytes(part instanceof byte[] b ? b : bytes((String) part));
            out.writeBytes(bytes("\r\n"));
        }
        out.writeBytes(bytes("--" + boundary + "--\r\n"));
        return out.toByteArray();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... arrays) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] a : arrays) {
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
