package io.imageclassifier.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import redis.clients.jedis.HostAndPort;

/**
 * The service's settings, read the same way by the web app and the model daemon.
 *
 * <p>Three layers, later ones winning: the built-in {@code classifier-defaults.properties}, the
 * properties file named by {@code CLASSIFIER_CONFIG}, and environment variables named after the
 * key ({@code redis.port} is {@code REDIS_PORT}).
 */
public final class Settings {

    public static final String CONFIG_FILE_VARIABLE = "CLASSIFIER_CONFIG";
    private static final String DEFAULTS_RESOURCE = "classifier-defaults.properties";

    private final Properties values;

    private Settings(Properties values) {
        this.values = values;
    }

    /** Settings for this process: defaults, the CLASSIFIER_CONFIG file, the environment. */
    public static Settings load() {
        return fromEnvironment(System.getenv());
    }

    /** Settings as {@link #load()} builds them, from the given environment. */
    public static Settings fromEnvironment(Map<String, String> environment) {
        Properties merged = defaults();
        String configFile = environment.get(CONFIG_FILE_VARIABLE);
        if (configFile != null && !configFile.isBlank()) {
            Properties fromFile = readFile(Path.of(configFile));
            for (String key : fromFile.stringPropertyNames()) {
                if (!merged.containsKey(key)) {
                    // A misspelt key would otherwise be ignored without a word.
                    throw new IllegalArgumentException("unknown setting " + key + " in " + configFile);
                }
            }
            merged.putAll(fromFile);
        }
        for (String key : merged.stringPropertyNames()) {
            String override = environment.get(environmentName(key));
            if (override != null) {
                merged.setProperty(key, override);
            }
        }
        return new Settings(merged);
    }

    /** The environment variable that overrides a key: {@code batch.max.delay.ms} is {@code BATCH_MAX_DELAY_MS}. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** A copy with one value replaced; for tests and tools. */
    public Settings with(String key, String value) {
        requireKnown(key);
        Properties copy = new Properties();
        copy.putAll(values);
        copy.setProperty(key, value);
        return new Settings(copy);
    }

    public String redisHost() { return string("redis.host"); }
    public int redisPort() { return integer("redis.port"); }
    public int redisDatabase() { return integer("redis.db"); }
    public String redisPassword() { return string("redis.password"); }
    /** The Sentinels to ask for the master; empty when Redis is reached directly. */
    public Set<HostAndPort> redisSentinels() {
        Set<HostAndPort> sentinels = new LinkedHashSet<>();
        for (String entry : string("redis.sentinels").split(",")) {
            if (!entry.isBlank()) {
                sentinels.add(hostAndPort("redis.sentinels", entry.strip()));
            }
        }
        return sentinels;
    }
    public String redisSentinelMaster() { return string("redis.sentinel.master"); }
    public String redisSentinelPassword() { return string("redis.sentinel.password"); }
    public Duration redisTimeout() { return millis("redis.timeout.ms"); }
    public int redisPoolSize() { return integer("redis.pool.size"); }
    public boolean redisTls() { return bool("redis.tls"); }
    public String redisTlsCa() { return string("redis.tls.ca"); }
    public String redisTlsClientKeystore() { return string("redis.tls.client.keystore"); }
    public String redisTlsClientKeystorePassword() { return string("redis.tls.client.keystore.password"); }

    public int imageWidth() { return integer("image.width"); }
    public int imageHeight() { return integer("image.height"); }
    public int imageChannels() { return integer("image.channels"); }
    public String imageQueue() { return string("image.queue"); }
    public long queueMaxLength() { return longInteger("queue.max.length"); }
    public Duration queueClaimIdle() { return millis("queue.claim.idle.ms"); }

    public int batchSize() { return integer("batch.size"); }
    public Duration batchMaxDelay() { return millis("batch.max.delay.ms"); }

    public Duration requestTimeout() { return millis("request.timeout.ms"); }
    /** How long a result list outlives its request at most: twice the request timeout. */
    public Duration resultTtl() { return requestTimeout().multipliedBy(2); }
    public long uploadMaxBytes() { return longInteger("upload.max.bytes"); }
    public long imageMaxPixels() { return longInteger("image.max.pixels"); }
    public long imageDecodeBudgetMegabytes() { return longInteger("image.decode.budget.mb"); }
    public boolean imageJpegDctScaling() { return bool("image.jpeg.dct.scaling"); }

    public Path modelPath() { return Path.of(string("model.path")); }
    public Path modelInt8Path() { return Path.of(string("model.int8.path")); }
    /** "fp32" or "int8". */
    public String modelPrecision() {
        String precision = string("model.precision");
        if (!precision.equals("fp32") && !precision.equals("int8")) {
            throw new IllegalArgumentException("model.precision must be fp32 or int8, got '" + precision + "'");
        }
        return precision;
    }
    /** The model file the daemon serves: model.path, or model.int8.path with model.precision=int8. */
    public Path servedModelPath() { return modelPrecision().equals("int8") ? modelInt8Path() : modelPath(); }
    public Path labelsPath() { return Path.of(string("labels.path")); }
    public String modelDevice() { return string("model.device"); }
    public int modelThreads() { return integer("model.threads"); }
    public int topK() { return integer("model.top.k"); }

    /** The raw value of a key, as the three layers resolved it. */
    public String string(String key) {
        requireKnown(key);
        return values.getProperty(key).trim();
    }

    private boolean bool(String key) {
        String value = string(key);
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("setting " + key + " (" + environmentName(key)
                + ") must be true or false, got '" + value + "'");
    }

    private int integer(String key) {
        long value = longInteger(key);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("setting " + key + " (" + environmentName(key)
                    + ") is out of range: " + value);
        }
        return (int) value;
    }

    private long longInteger(String key) {
        String value = string(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + key + " (" + environmentName(key)
                    + ") must be a whole number, got '" + value + "'", e);
        }
    }

    private static HostAndPort hostAndPort(String key, String value) {
        int colon = value.lastIndexOf(':');
        try {
            if (colon > 0) {
                return new HostAndPort(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("setting " + key + " (" + environmentName(key)
                + ") must list host:port entries, got '" + value + "'");
    }

    private Duration millis(String key) {
        return Duration.ofMillis(longInteger(key));
    }

    private void requireKnown(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("unknown setting " + key);
        }
    }

    private static Properties defaults() {
        Properties defaults = new Properties();
        try (InputStream in = Settings.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
            }
            defaults.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
        }
        return defaults;
    }

    private static Properties readFile(Path file) {
        Properties fromFile = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            fromFile.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read settings file " + file + " (named by "
                    + CONFIG_FILE_VARIABLE + "): " + e.getMessage(), e);
        }
        return fromFile;
    }
}
