package io.imageclassifier.web.http;

import com.google.gson.Gson;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Writes every reply of the web app as JSON, so that all of them share one Gson, one content
 * type and one encoding. Fields that are null are left out, as a reply type's optional parts.
 */
public final class JsonReplyWriter {

    private static final Gson GSON = new Gson();

    private JsonReplyWriter() {
    }

    /** Sets the status and writes {@code reply} as UTF-8 JSON, its fields in declaration order. */
    public static void write(HttpServletResponse response, int status, Object reply) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(GSON.toJson(reply));
    }
}
