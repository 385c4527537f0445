package io.imageclassifier.web.http;

import static org.mockito.Mockito.when;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Gives a mocked request a body, delivered the way a network delivers it. */
final class TestUploads {

    private TestUploads() {
    }

    /** {@code body} as the request's input stream, with {@code declaredLength} as its Content-Length (-1: chunked). */
    static void body(HttpServletRequest request, byte[] body, long declaredLength) throws IOException {
        when(request.getContentLengthLong()).thenReturn(declaredLength);
        when(request.getInputStream()).thenReturn(servletInput(new ByteArrayInputStream(body)));
    }

    /** {@code in} as a servlet's input stream. */
    static ServletInputStream servletInput(InputStream in) {
        return new ServletInputStream() {
            @Override
            public int read() throws IOException {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                // At most 8 KB at a time, like one AJP packet: readers must not expect it whole.
                return in.read(b, off, Math.min(len, 8192));
            }

            @Override
            public boolean isFinished() {
                return false;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
