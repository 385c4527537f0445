package io.imageclassifier.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorServletTest {

    private final ErrorServlet servlet = new ErrorServlet();
    private final RecordedResponse response = new RecordedResponse();

    @Test
    void unknownPathIs404JsonNamingThePathAndTheRealEndpoint() throws IOException {
        serve(404, "/classify");

        assertEquals(404, response.status());
        assertFalse(response.succeeded());
        assertEquals("no such endpoint: /classify (POST images to /predict)", response.error());
    }

    @Test
    void wrongMethodIs405Json() throws IOException {
        serve(405, "/predict");

        assertEquals(405, response.status());
        assertFalse(response.succeeded());
        assertEquals("method not allowed on /predict; use POST /predict or GET /", response.error());
    }

    @Test
    void escapedExceptionIs500JsonWithoutStackTraceOrDetail() throws IOException {
        HttpServletRequest request = errorRequest(500, "/predict");
        when(request.getAttribute(RequestDispatcher.ERROR_EXCEPTION))
                .thenReturn(new IllegalStateException("password=hunter2 at db.internal:5432"));

        servlet.service(request, response.servletResponse());

        assertEquals(500, response.status());
        assertEquals("{\"success\":false,\"error\":\"internal error\"}", response.body());
    }

    @Test
    void missingStatusIsTreatedAs500() throws IOException {
        serve(null, "/predict");

        assertEquals(500, response.status());
        assertEquals("internal error", response.error());
    }

    @ParameterizedTest
    @CsvSource({
        "400, bad request",
        "413, the upload is too large",
        "401, request failed with status 401",
        "503, internal error",
    })
    void otherStatusesGetAShortFixedMessage(int status, String message) throws IOException {
        serve(status, "/predict");

        assertEquals(status, response.status());
        assertEquals(message, response.error());
    }

    @Test
    void bodyHasOnlyTheSuccessAndErrorFields() throws IOException {
        serve(404, "/x");

        assertEquals(Set.of("success", "error"), response.json().keySet());
        assertEquals("application/json", response.contentType());
    }

    @Test
    void discardsWhateverTheContainerBufferedBefore() throws IOException {
        serve(500, "/predict");

        verify(response.servletResponse()).resetBuffer();
    }

    private void serve(Integer status, String uri) throws IOException {
        servlet.service(errorRequest(status, uri), response.servletResponse());
    }

    private static HttpServletRequest errorRequest(Integer status, String uri) {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE)).thenReturn(status);
        when(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)).thenReturn(uri);
        return request;
    }
}
