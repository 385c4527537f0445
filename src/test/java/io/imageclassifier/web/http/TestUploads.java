package io.imageclassifier.web.http;

import static org.mockito.Mockito.when;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** Gives a mocked request a body, delivered the way a network delivers it. */
final class TestUploads {

    private TestUploads() {
    }

    /** {@code body} as the request's input stream, with {@code declaredLength} as its Content-Length (-1: chunked). */
    static void body(HttpServletRequest request, byte[] body, long declaredLength) throws IOException {
        when(request.getContentLengthLong()).thenReturn(declaredLength);
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        when(request.getInputStream()).thenReturn(new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                // At most 8 KB at a time, like one AJP packet: readers must not expect it whole.
                return in.read(b, off, Math.min(len, 8192));
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        });
    }
}
