package io.imageclassifier.web.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A failure as the client hears it.
 *
 * @param retryAfterSeconds sent as Retry-After when positive: retrying after that may work
 */
record HttpError(int status, int retryAfterSeconds, String message) {

    void writeTo(HttpServletResponse response) throws IOException {
        if (retryAfterSeconds > 0) {
            response.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
        }
        JsonReplyWriter.write(response, status, new ErrorReply(message));
    }
}
