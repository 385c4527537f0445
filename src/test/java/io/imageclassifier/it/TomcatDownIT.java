package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/**
 * With no Tomcat behind it, Apache answers for the service: a JSON 503 that says when to try
 * again, like the web app's own 503s, so clients back off the same way whoever answered.
 */
class TomcatDownIT {

    private final ServiceClient client = new ServiceClient();

    @Test
    void apacheAnswersJson503WithRetryAfterWhileTomcatIsDown() throws Exception {
        byte[] photo = ServiceClient.photo("eagle.jpg");
        StackControl.stop("KILL", StackControl.pid("tomcat.pid"));
        ServiceClient.Reply reply;
        try {
            reply = client.predict(photo, "eagle.jpg");
        } finally {
            StackControl.restart("tomcat");
        }

        assertEquals(503, reply.status(), reply.body());
        assertFalse(reply.json().get("success").getAsBoolean(), reply.body());
        assertEquals("5", reply.headers().firstValue("Retry-After").orElse("none"),
                "Apache's 503 says when to retry: " + reply.headers().map());
        StackControl.assertServesAgain(photo, "the service answers 200 again once Tomcat is back");
    }
}
