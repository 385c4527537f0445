package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The web host stamps each job's deadline and a daemon host checks it. With the daemon's clock two
 * hours ahead (libfaketime, from Debian's faketime package), every job used to look expired on
 * arrival and every request got 504. Deadlines are on Redis's clock now, so requests succeed and
 * the daemon's log names the skew.
 */
class ClockSkewIT {

    @Test
    void aDaemonWhoseClockIsTwoHoursAheadStillServesEveryRequest() throws Exception {
        // The real path: runtime/ is a link where the service user cannot reach the checkout.
        String skewedDaemon = "exec faketime -f +2h java -jar " + StackControl.REPO.resolve("runtime").toRealPath()
                .resolve("daemon/model-daemon.jar");
        try {
            StackControl.runWith(Map.of("STACK_DAEMON_CMD", skewedDaemon), StackControl.REPO.resolve("scripts/restart").toString(),
                    "daemon");
            try (LoadGenerator load = new LoadGenerator(4)) {
                assertEquals(Map.of(200, 8), load.send(8, ServiceClient.photo("eagle.jpg")).statusCounts());
            }
            String log = Files.readString(ServiceClient.DAEMON_LOG);
            assertTrue(log.contains("ms off Redis's"), "the daemon names the skew:\n" + log);
        } finally {
            StackControl.restart("daemon");
        }
    }
}
