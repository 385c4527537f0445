package io.imageclassifier.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to Redis from the {@code redis.tls.*} settings: whom to trust (a PEM file of CA
 * certificates, as Redis's own {@code tls-ca-cert-file}) and, when Redis asks for one, the
 * client's certificate. Jedis checks that Redis's certificate names the host it connects to.
 */
final class RedisTls {

    private RedisTls() {
    }

    /** @throws IllegalArgumentException when a file named by the settings cannot be used, saying which */
    static SSLSocketFactory socketFactory(Settings settings) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(settings), trustManagers(settings), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS to Redis: " + e.getMessage(), e);
        }
    }

    /** Null (the JVM's default trust store) when no CA file is set. */
    private static TrustManager[] trustManagers(Settings settings) throws GeneralSecurityException {
        String caFile = settings.redisTlsCa();
        if (caFile.isEmpty()) {
            return null;
        }
        Collection<? extends Certificate> authorities;
        try (InputStream in = Files.newInputStream(Path.of(caFile))) {
            authorities = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("redis.tls.ca: cannot read CA certificates from " + caFile
                    + ": " + e.getMessage(), e);
        }
        if (authorities.isEmpty()) {
            throw new IllegalArgumentException("redis.tls.ca: no certificate in " + caFile);
        }
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            trusted.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException(e); // an empty in-memory store reads nothing
        }
        int n = 0;
        for (Certificate authority : authorities) {
            trusted.setCertificateEntry("redis-ca-" + n++, authority);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        return factory.getTrustManagers();
    }

    /** Null (no client certificate) when no keystore is set. */
    private static KeyManager[] keyManagers(Settings settings) throws GeneralSecurityException {
        String keystoreFile = settings.redisTlsClientKeystore();
        if (keystoreFile.isEmpty()) {
            return null;
        }
        char[] password = settings.redisTlsClientKeystorePassword().toCharArray();
        KeyStore client = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(keystoreFile))) {
            client.load(in, password);
        } catch (IOException e) {
            throw new IllegalArgumentException("redis.tls.client.keystore: cannot read " + keystoreFile
                    + " as PKCS12 with the given password: " + e.getMessage(), e);
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(client, password);
        return factory.getKeyManagers();
    }
}
