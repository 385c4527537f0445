package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With no daemon answering, a request ends with 504 at its deadline, saying the model daemon is
 * not answering; a daemon that comes back skips the job nobody waits for any more.
 */
class NoDaemonIT {

    private final ServiceClient client = new ServiceClient();

    @Test
    void requestTimesOutWith504AndTheLateDaemonSkipsItsJob() throws Exception {
        long daemonPid = StackControl.daemonPid();
        long logOffset = StackControl.logSize(ServiceClient.DAEMON_LOG);
        ServiceClient.Reply reply;
        StackControl.signal("STOP", daemonPid);
        try {
            reply = client.predict(ServiceClient.photo("eagle.jpg"), "eagle.jpg");
        } finally {
            StackControl.signal("CONT", daemonPid);
        }

        assertEquals(504, reply.status(), reply.body());
        assertTrue(reply.json().get("error").getAsString().contains("model daemon did not answer"), reply.body());
        assertTrue(StackControl.await(Duration.ofSeconds(30), () -> appendedLog(logOffset).contains("whose caller had already timed out")),
                "the daemon skipped the expired job: " + appendedLog(logOffset));
        assertTrue(StackControl.batchSizesSince(ServiceClient.DAEMON_LOG, logOffset).isEmpty(),
                "no compute for a caller that is gone");
    }

    private static String appendedLog(long offset) {
        try {
            String log = Files.readString(ServiceClient.DAEMON_LOG);
            return log.substring((int) Math.min(offset, log.length()));
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
