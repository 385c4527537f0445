package io.imageclassifier.web.http;

import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** A mocked servlet response that remembers the status, content type and body written to it. */
public final class RecordedResponse {

    private final HttpServletResponse response = mock(HttpServletResponse.class);
    private final StringWriter body = new StringWriter();
    private Integer status;
    private String contentType;

    public RecordedResponse() {
        try {
            when(response.getWriter()).thenReturn(new PrintWriter(body, true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        doAnswer(call -> status = call.getArgument(0)).when(response).setStatus(anyInt());
        doAnswer(call -> contentType = call.getArgument(0)).when(response).setContentType(anyString());
    }

    public HttpServletResponse servletResponse() {
        return response;
    }

    /** The status set, or null when none was. */
    public Integer status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    public String body() {
        return body.toString();
    }

    public JsonObject json() {
        return JsonParser.parseString(body()).getAsJsonObject();
    }

    public boolean succeeded() {
        return json().get("success").getAsBoolean();
    }

    public String error() {
        return json().get("error").getAsString();
    }
}
