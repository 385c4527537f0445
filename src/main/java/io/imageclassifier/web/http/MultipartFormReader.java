package io.imageclassifier.web.http;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads one field of a {@code multipart/form-data} upload (RFC 7578) straight from the request
 * body.
 *
 * <p>Tomcat's own parser (commons-fileupload) compares every byte of the body against the
 * boundary one at a time through a 4 KB buffer, spools parts over its threshold to a temp file
 * and copies the bytes twice more on the way out: a quarter of the web app's Java CPU on the test
 * photos. Here the body is read once, into memory (or, past 1 MB, a temp file until it is
 * complete), and the boundary is found with a Horspool search, which skips about a boundary's
 * length of image bytes per step.
 * Parts are read as Tomcat reads them: CRLF line ends, headers ended by an empty line, the field
 * named by the {@code name} parameter of {@code Content-Disposition}; the first part of that name
 * wins and the other parts are skipped.
 */
final class MultipartFormReader {

    /** Room for the part headers and boundaries around a field of the largest size allowed. */
    static final long OVERHEAD_BYTES = 64 * 1024;
    /** RFC 2046 allows boundaries of 1 to 70 characters. */
    private static final int MAX_BOUNDARY_LENGTH = 70;
    /** A part's headers longer than this are not a browser's or curl's: refuse them. */
    private static final int MAX_PART_HEADER_BYTES = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};
    private static final byte[] DASHES = {'-', '-'};
    /** Bodies up to this size are read straight into memory; Tomcat's parser kept as much there. */
    static final int IN_MEMORY_BYTES = 1 << 20;
    /** How the temp files of longer bodies are named, in java.io.tmpdir (Tomcat's temp/). */
    static final String SPOOL_PREFIX = "imageclassifier-upload-";

    private final long maxFieldBytes;

    /** @param maxFieldBytes the largest field accepted; the whole body may be {@link #OVERHEAD_BYTES} more */
    MultipartFormReader(long maxFieldBytes) {
        if (maxFieldBytes <= 0 || maxFieldBytes + OVERHEAD_BYTES > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the upload limit must be 1 byte to 2 GB less 64 KB: " + maxFieldBytes);
        }
        this.maxFieldBytes = maxFieldBytes;
    }

    /**
     * The bytes of field {@code name}, or null if the form has none.
     *
     * @throws BadRequestException when the body is not multipart/form-data or is malformed
     * @throws PayloadTooLargeException when the body or the field is over the limit
     */
    byte[] field(HttpServletRequest request, String name) throws IOException {
        String boundary = boundaryOf(request.getContentType());
        long maxBody = maxFieldBytes + OVERHEAD_BYTES;
        long declared = request.getContentLengthLong();
        if (declared > maxBody) {
            throw tooLarge();   // before reading a byte of it
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = receive(in, declared, maxBody);
        }
        byte[] field = field(body, boundary, name);
        if (field != null && field.length > maxFieldBytes) {
            throw tooLarge();
        }
        return field;
    }

    /**
     * The whole body. Up to {@link #IN_MEMORY_BYTES} it is read into memory; a longer one goes to a
     * temp file until it has all arrived, and only then into memory: an upload that stalls half
     * way (a slow client, or one that never sends the rest) holds a file, not heap, as it did with
     * Tomcat's parser.
     */
    private byte[] receive(InputStream in, long declared, long maxBody) throws IOException {
        byte[] first = new byte[(int) Math.min(declared >= 0 ? declared : IN_MEMORY_BYTES, IN_MEMORY_BYTES)];
        int length = in.readNBytes(first, 0, first.length);
        if (length < first.length || length == declared) {
            checkLength(length, declared);
            return length == first.length ? first : Arrays.copyOf(first, length);
        }
        Path spool = Files.createTempFile(SPOOL_PREFIX, ".part");   // in Tomcat's temp/, mode 600
        try {
            long total = length;
            try (OutputStream out = Files.newOutputStream(spool)) {
                out.write(first, 0, length);
                byte[] buffer = first;   // reused: its bytes are in the file now
                for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
                    total += n;
                    if (total > maxBody) {
                        throw tooLarge();
                    }
                    out.write(buffer, 0, n);
                }
            }
            checkLength(total, declared);
            return Files.readAllBytes(spool);
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private static void checkLength(long received, long declared) {
        if (declared >= 0 && received < declared) {
            throw new BadRequestException("the upload ended after " + received + " of its " + declared + " bytes");
        }
    }

    private PayloadTooLargeException tooLarge() {
        return new PayloadTooLargeException("the upload is larger than the limit of " + maxFieldBytes + " bytes");
    }

    /** The boundary parameter of a multipart/form-data Content-Type. */
    static String boundaryOf(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new BadRequestException("send the image as multipart/form-data in a field named '"
                    + PredictServlet.IMAGE_FIELD + "', e.g. curl -F " + PredictServlet.IMAGE_FIELD + "=@photo.jpg");
        }
        String boundary = parameter(contentType, "boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY_LENGTH) {
            throw malformed("its Content-Type names no boundary of 1 to " + MAX_BOUNDARY_LENGTH + " characters");
        }
        return boundary;
    }

    /** The bytes of the first part named {@code name} in the multipart {@code body}. */
    static byte[] field(byte[] body, String boundary, String name) {
        int length = body.length;
        byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Delimiter delimiter = new Delimiter(("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
        int pos;
        if (startsWith(body, length, 0, dashBoundary)) {
            pos = dashBoundary.length;
        } else {
            int first = delimiter.find(body, 0, length);   // after a preamble
            if (first < 0) {
                throw malformed("its boundary never appears");
            }
            pos = first + delimiter.length();
        }
        while (!startsWith(body, length, pos, DASHES)) {   // "--" right after a boundary closes the form
            while (pos < length && (body[pos] == ' ' || body[pos] == '\t')) {
                pos++;
            }
            if (!startsWith(body, length, pos, CRLF)) {
                throw malformed("a boundary line does not end with CRLF");
            }
            pos += CRLF.length;
            int headersEnd;
            int contentStart;
            if (startsWith(body, length, pos, CRLF)) {   // a part without headers
                headersEnd = pos;
                contentStart = pos + CRLF.length;
            } else {
                headersEnd = indexOf(body, pos, Math.min(length, pos + MAX_PART_HEADER_BYTES), HEADERS_END);
                if (headersEnd < 0) {
                    throw malformed("a part's headers do not end with an empty line within "
                            + MAX_PART_HEADER_BYTES + " bytes");
                }
                contentStart = headersEnd + HEADERS_END.length;
            }
            int contentEnd = delimiter.find(body, contentStart, length);
            if (contentEnd < 0) {
                throw malformed("it ends before its closing boundary");
            }
            if (name.equals(fieldName(new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8)))) {
                return Arrays.copyOfRange(body, contentStart, contentEnd);
            }
            pos = contentEnd + delimiter.length();
        }
        return null;
    }

    /** The {@code name} parameter of a part's Content-Disposition header; null without one. */
    private static String fieldName(String headers) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Disposition")) {
                String value = line.substring(colon + 1).trim();
                return value.toLowerCase(Locale.ROOT).startsWith("form-data") ? parameter(value, "name") : null;
            }
        }
        return null;
    }

    /**
     * The value of parameter {@code wanted} in a header value such as
     * {@code form-data; name="image"; filename="a.jpg"}: quoted or not, backslash escapes undone.
     */
    static String parameter(String headerValue, String wanted) {
        int i = headerValue.indexOf(';');
        while (i >= 0 && i < headerValue.length()) {
            i++;
            int equals = headerValue.indexOf('=', i);
            if (equals < 0) {
                return null;
            }
            String key = headerValue.substring(i, equals).trim();
            StringBuilder value = new StringBuilder();
            int j = equals + 1;
            while (j < headerValue.length() && headerValue.charAt(j) == ' ') {
                j++;
            }
            if (j < headerValue.length() && headerValue.charAt(j) == '"') {
                for (j++; j < headerValue.length() && headerValue.charAt(j) != '"'; j++) {
                    char c = headerValue.charAt(j);
                    if (c == '\\' && j + 1 < headerValue.length()) {
                        c = headerValue.charAt(++j);
                    }
                    value.append(c);
                }
                j = headerValue.indexOf(';', j);
            } else {
                int end = headerValue.indexOf(';', j);
                value.append(headerValue, j, end < 0 ? headerValue.length() : end);
                j = end;
            }
            if (key.equalsIgnoreCase(wanted)) {
                return value.toString().trim();
            }
            i = j;
        }
        return null;
    }

    private static BadRequestException malformed(String why) {
        return new BadRequestException("the multipart body could not be parsed: " + why);
    }

    private static boolean startsWith(byte[] body, int length, int at, byte[] prefix) {
        if (at + prefix.length > length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (body[at + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    /** A plain search, for the short stretch of part headers. */
    private static int indexOf(byte[] body, int from, int to, byte[] pattern) {
        for (int i = from; i + pattern.length <= to; i++) {
            if (startsWith(body, to, i, pattern)) {
                return i;
            }
        }
        return -1;
    }

    /** CRLF "--" boundary, found by Boyer-Moore-Horspool: image bytes rarely match its last byte's shift. */
    private static final class Delimiter {
        private final byte[] pattern;
        private final int[] shift = new int[256];

        Delimiter(byte[] pattern) {
            this.pattern = pattern;
            Arrays.fill(shift, pattern.length);
            for (int k = 0; k < pattern.length - 1; k++) {
                shift[pattern[k] & 0xFF] = pattern.length - 1 - k;
            }
        }

        int length() {
            return pattern.length;
        }

        /** Where the delimiter first starts in {@code body[from, to)}, or -1. */
        int find(byte[] body, int from, int to) {
            int last = pattern.length - 1;
            for (int i = from; i + last < to; i += shift[body[i + last] & 0xFF]) {
                int k = last;
                while (k >= 0 && body[i + k] == pattern[k]) {
                    k--;
                }
                if (k < 0) {
                    return i;
                }
            }
            return -1;
        }
    }
}
