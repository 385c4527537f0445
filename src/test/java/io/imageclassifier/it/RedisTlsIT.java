package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageclassifier.protocol.PredictionJob;
import io.imageclassifier.protocol.RedisClients;
import io.imageclassifier.protocol.Settings;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.CertPathBuilderException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.XAddParams;

/**
 * The {@code redis.tls.*} settings against a real Redis serving TLS only, as a Redis on another
 * host would: its own CA, a server certificate for 127.0.0.1, client certificates required
 * (Redis's default). This Redis is the test's own, on a free port; the running stack is untouched.
 */
class RedisTlsIT {

    private static final String PASSWORD = "tls-test-password";
    private static final String KEYSTORE_PASSWORD = "client-keystore-password";

    @TempDir
    static Path certs;
    private static Process redis;
    private static int port;

    @BeforeAll
    static void startRedisWithTls() throws Exception {
        openssl(certs, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test redis CA",
                "-keyout", "ca.key", "-out", "ca.crt");
        openssl(certs, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=someone else",
                "-keyout", "other-ca.key", "-out", "other-ca.crt");
        signed("server", "subjectAltName=IP:127.0.0.1");
        signed("client", "extendedKeyUsage=clientAuth");
        openssl(certs, "pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key",
                "-out", "client.p12", "-passout", "pass:" + KEYSTORE_PASSWORD);

        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        redis = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", Integer.toString(port),
                "--bind", "127.0.0.1", "--requirepass", PASSWORD, "--save", "", "--appendonly", "no",
                "--dir", certs.toString(),
                "--tls-cert-file", "server.crt", "--tls-key-file", "server.key", "--tls-ca-cert-file", "ca.crt",
                "--tls-auth-clients", "yes")
                .directory(certs.toFile()).redirectErrorStream(true)
                .redirectOutput(certs.resolve("redis.log").toFile()).start();
        boolean listening = StackControl.await(Duration.ofSeconds(15), () -> {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return !redis.isAlive() && fail("redis-server exited:\n" + log());
            }
        });
        assertTrue(listening, "redis-server with TLS listening on " + port + "\n" + log());
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.destroy();
            redis.waitFor();
        }
    }

    @Test
    void queuesAJobOverTlsWithTheConfiguredCaAndClientCertificate() {
        Settings settings = settings(Map.of());
        byte[] pixels = new byte[224 * 224 * 3];
        new Random(7).nextBytes(pixels);
        PredictionJob job = new PredictionJob("tls-job", "tls-results", Long.MAX_VALUE, 224, 224, pixels);
        byte[] stream = "tls-stream".getBytes(StandardCharsets.UTF_8);
        byte[] copy = "tls-pixels".getBytes(StandardCharsets.UTF_8);

        try (UnifiedJedis client = RedisClients.create(settings, 2, 0)) {
            client.xadd(stream, XAddParams.xAddParams(), job.toStreamFields());
            client.set(copy, pixels);

            assertEquals(1, client.xlen(stream));
            assertArrayEquals(pixels, client.get(copy), "150,528 pixel bytes arrive intact over TLS");
        }
    }

    @Test
    void refusesARedisWhoseCertificateNoTrustedCaSigned() {
        Settings trustingAnotherCa = settings(Map.of("REDIS_TLS_CA", certs.resolve("other-ca.crt").toString()));

        JedisConnectionException refused = assertThrows(JedisConnectionException.class, () -> ping(trustingAnotherCa));
        assertTrue(causedBy(refused, SSLException.class), "a TLS handshake failure: " + refused);
        assertTrue(rootCause(refused) instanceof CertPathBuilderException, "no trusted signer: " + rootCause(refused));
    }

    @Test
    void refusesACertificateThatDoesNotNameTheHost() {
        // The certificate names 127.0.0.1 only; "localhost" reaches the same Redis under another name.
        Settings byAnotherName = settings(Map.of("REDIS_HOST", "localhost"));

        JedisConnectionException refused = assertThrows(JedisConnectionException.class, () -> ping(byAnotherName));
        assertTrue(causedBy(refused, SSLException.class), "a TLS handshake failure: " + refused);
        assertTrue(String.valueOf(rootCause(refused).getMessage()).contains("localhost"),
                "the certificate does not name localhost: " + rootCause(refused));
    }

    @Test
    void withoutAClientCertificateRedisRefusesTheConnection() {
        Settings noClientCertificate = settings(Map.of("REDIS_TLS_CLIENT_KEYSTORE", ""));

        assertThrows(JedisConnectionException.class, () -> ping(noClientCertificate));
    }

    @Test
    void plainConnectionsGetNoAnswerFromATlsPort() {
        Settings plain = settings(Map.of("REDIS_TLS", "false"));

        assertThrows(JedisConnectionException.class, () -> ping(plain));
    }

    @Test
    void anUnreadableCaFileIsNamedInTheError() {
        Settings missingCa = settings(Map.of("REDIS_TLS_CA", certs.resolve("missing.crt").toString()));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RedisClients.create(missingCa, 1, 0).close());
        assertTrue(error.getMessage().contains("redis.tls.ca") && error.getMessage().contains("missing.crt"),
                error.getMessage());
    }

    private static Settings settings(Map<String, String> overrides) {
        Map<String, String> environment = new HashMap<>(Map.of(
                "REDIS_HOST", "127.0.0.1",
                "REDIS_PORT", Integer.toString(port),
                "REDIS_PASSWORD", PASSWORD,
                "REDIS_TLS", "true",
                "REDIS_TLS_CA", certs.resolve("ca.crt").toString(),
                "REDIS_TLS_CLIENT_KEYSTORE", certs.resolve("client.p12").toString(),
                "REDIS_TLS_CLIENT_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD));
        environment.putAll(overrides);
        return Settings.fromEnvironment(environment);
    }

    private static void ping(Settings settings) {
        try (UnifiedJedis client = RedisClients.create(settings, 1, 0)) {
            client.ping();
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** A key and a certificate signed by the test CA, with one X.509 extension. */
    private static void signed(String name, String extension) throws Exception {
        openssl(certs, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name,
                "-keyout", name + ".key", "-out", name + ".csr");
        Files.writeString(certs.resolve(name + ".ext"), extension + "\n");
        openssl(certs, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt");
    }

    private static void openssl(Path folder, String... arguments) throws Exception {
        String[] command = new String[arguments.length + 1];
        command[0] = "openssl";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        StackControl.runIn(folder, command);
    }

    private static String log() {
        return read(certs.resolve("redis.log"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static boolean fail(String message) {
        throw new AssertionError(message);
    }
}
