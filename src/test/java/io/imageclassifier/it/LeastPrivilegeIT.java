package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Nothing the stack starts runs as root, and no secret is readable by others: uploads from anyone
 * are parsed inside Tomcat, and a flaw in an image decoder must not hand out root.
 */
class LeastPrivilegeIT {

    private static final String SERVICE_USER = "imageclassifier";
    private static final Path RUNTIME = StackControl.REPO.resolve("runtime");

    @Test
    void redisTheModelDaemonAndTomcatRunAsTheServiceUser() throws Exception {
        for (String pidFile : List.of("redis.pid", "model-daemon.pid", "tomcat.pid")) {
            long pid = StackControl.pid(pidFile);
            String owner = Files.getOwner(Path.of("/proc", Long.toString(pid))).getName();
            assertEquals(SERVICE_USER, owner, pidFile + ": pid " + pid);
            assertNotEquals("0", realUid(pid), pidFile + " runs as root");
        }
    }

    @Test
    void secretsAreReadableOnlyByRootAndTheServiceGroup() throws Exception {
        for (Path secret : List.of(RUNTIME.resolve("classifier.properties"), RUNTIME.resolve("redis/redis.conf"),
                RUNTIME.resolve("tomcat/conf/catalina.properties"), RUNTIME.resolve("tomcat/conf/server.xml"))) {
            PosixFileAttributes attributes = Files.readAttributes(secret, PosixFileAttributes.class);
            assertEquals("root", attributes.owner().getName(), secret.toString());
            assertEquals(SERVICE_USER, attributes.group().getName(), secret.toString());
            assertNoAccessForOthers(secret, attributes.permissions());
            assertTrue(!attributes.permissions().contains(PosixFilePermission.GROUP_WRITE), secret + " is not the service's to change");
        }
        for (Path rootOnly : List.of(RUNTIME.resolve("secrets"), Path.of("/etc/apache2/conf-available/imageclassifier.conf"),
                Path.of("/etc/libapache2-mod-jk/imageclassifier-workers.properties"))) {
            PosixFileAttributes attributes = Files.readAttributes(rootOnly, PosixFileAttributes.class);
            assertEquals("root", attributes.owner().getName(), rootOnly.toString());
            assertTrue(attributes.permissions().stream().allMatch(p -> p.name().startsWith("OWNER")),
                    rootOnly + " is root's alone: " + attributes.permissions());
        }
    }

    @Test
    void theServiceUserCannotChangeTheModelItsSettingsOrWhatRootActsOn() throws Exception {
        // run/ holds the layout and the daemons' pid files, which root reads and acts on.
        for (Path file : List.of(RUNTIME.resolve("model/resnet50.onnx"), RUNTIME.resolve("classifier.properties"),
                RUNTIME.resolve("tomcat/conf/server.xml"), RUNTIME.resolve("tomcat/lib"), RUNTIME.resolve("run"),
                RUNTIME.resolve("run/layout"), RUNTIME.resolve("run/model-daemon.pid"))) {
            assertTrue(Files.exists(file), file + " exists");
            Process check = new ProcessBuilder("setpriv", "--reuid=" + SERVICE_USER, "--regid=" + SERVICE_USER,
                    "--init-groups", "--", "test", "-w", file.toString()).start();
            assertEquals(1, check.waitFor(), SERVICE_USER + " may not write " + file);
        }
    }

    private static String realUid(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(line -> line.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[1];
    }

    private static void assertNoAccessForOthers(Path file, Set<PosixFilePermission> permissions) {
        assertTrue(permissions.stream().noneMatch(p -> p.name().startsWith("OTHERS")),
                file + " is readable by others: " + permissions);
    }
}
