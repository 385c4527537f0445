package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One request can be followed through both access logs: Apache gives it an id, Tomcat echoes it
 * as X-Request-Id, and both logs carry the id with the status and the time taken.
 */
class RequestIdIT {

    private static final Path APACHE_ACCESS_LOG = Path.of("/var/log/apache2/access.log");
    private static final Path TOMCAT_LOGS = ServiceClient.REPO.resolve("runtime/tomcat/logs");

    @Test
    void bothAccessLogsNameTheRequestByTheIdTheClientGets() throws Exception {
        ServiceClient.Reply reply = new ServiceClient().predict(ServiceClient.photo("dog.jpg"), "dog.jpg");
        assertEquals(200, reply.status());
        String id = reply.headers().firstValue("X-Request-Id").orElseThrow();
        assertTrue(id.length() >= 16, "an id Apache generated: " + id);

        assertTrue(StackControl.await(Duration.ofSeconds(10), () -> lineWith(id, APACHE_ACCESS_LOG) != null),
                "Apache's access log names " + id);
        String apacheLine = lineWith(id, APACHE_ACCESS_LOG);
        assertTrue(apacheLine.matches(".*\"POST /predict HTTP/1.1\" 200 \\d+ \\d+ ms id=" + id + " .*"), apacheLine);

        assertTrue(StackControl.await(Duration.ofSeconds(10), () -> lineWith(id, tomcatAccessLog()) != null),
                "Tomcat's access log names " + id);
        String tomcatLine = lineWith(id, tomcatAccessLog());
        assertTrue(tomcatLine.matches(".*\"POST /predict HTTP/1.1\" 200 \\d+ \\d+ ms id=" + id), tomcatLine);
    }

    /** Today's access log: the names carry the date, so the newest sorts last. */
    private static Path tomcatAccessLog() {
        try {
            List<Path> logs = StackControl.accessLogs(TOMCAT_LOGS);
            return logs.get(logs.size() - 1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lineWith(String id, Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.stream().filter(l -> l.contains("id=" + id)).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
