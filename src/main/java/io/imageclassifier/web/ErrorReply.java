package io.imageclassifier.web;

/** {@code {"success": false, "error": ...}}: every error the web app answers, whatever its status. */
record ErrorReply(boolean success, String error) {

    ErrorReply(String error) {
        this(false, error);
    }
}
