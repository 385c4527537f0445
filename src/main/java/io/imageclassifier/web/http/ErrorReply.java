package io.imageclassifier.web.http;

/** {@code {"success": false, "error": ...}}: every error the web app answers, whatever its status. */
public record ErrorReply(boolean success, String error) {

    public ErrorReply(String error) {
        this(false, error);
    }
}
