package io.imageclassifier.protocol;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @TempDir
    Path folder;

    @Test
    void redisIsReachedDirectlyUnlessSentinelsAreNamed() {
        Settings direct = Settings.fromEnvironment(Map.of());
        assertEquals(Set.of(), direct.redisSentinels());
        assertEquals("127.0.0.1:6379", RedisClients.describe(direct));

        Settings sentinels = Settings.fromEnvironment(Map.of(
                "REDIS_SENTINELS", "10.0.0.1:26379, 10.0.0.2:26379,,10.0.0.3:26380",
                "REDIS_SENTINEL_MASTER", "queue"));
        assertEquals(List.of(new HostAndPort("10.0.0.1", 26379), new HostAndPort("10.0.0.2", 26379),
                new HostAndPort("10.0.0.3", 26380)), List.copyOf(sentinels.redisSentinels()));
        assertEquals("queue", sentinels.redisSentinelMaster());
        assertEquals("master 'queue' via Sentinels [10.0.0.1:26379, 10.0.0.2:26379, 10.0.0.3:26380]",
                RedisClients.describe(sentinels));
    }

    @Test
    void aSentinelWithoutPortIsRefusedWithTheSettingsName() {
        Settings settings = Settings.fromEnvironment(Map.of("REDIS_SENTINELS", "10.0.0.1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, settings::redisSentinels);
        assertTrue(e.getMessage().contains("redis.sentinels (REDIS_SENTINELS)"), e.getMessage());
    }

    @Test
    void loadsTheBuiltInDefaultsWhenNothingIsConfigured() {
        Settings settings = Settings.fromEnvironment(Map.of());

        assertAll(
                () -> assertEquals("127.0.0.1", settings.redisHost()),
                () -> assertEquals(6379, settings.redisPort()),
                () -> assertEquals(0, settings.redisDatabase()),
                () -> assertEquals("", settings.redisPassword()),
                () -> assertEquals(Duration.ofMillis(2000), settings.redisTimeout()),
                () -> assertEquals(16, settings.redisPoolSize()),
                () -> assertEquals(false, settings.redisTls()),
                () -> assertEquals("", settings.redisTlsCa()),
                () -> assertEquals("", settings.redisTlsClientKeystore()),
                () -> assertEquals(224, settings.imageWidth()),
                () -> assertEquals(224, settings.imageHeight()),
                () -> assertEquals(3, settings.imageChannels()),
                () -> assertEquals(1000, settings.queueMaxLength()),
                () -> assertEquals(Duration.ofSeconds(10), settings.queueClaimIdle()),
                () -> assertEquals("image_queue", settings.imageQueue()),
                () -> assertEquals(32, settings.batchSize()),
                () -> assertEquals(Duration.ZERO, settings.batchMaxDelay()),
                () -> assertEquals(Duration.ofSeconds(30), settings.requestTimeout()),
                () -> assertEquals(Duration.ofSeconds(60), settings.resultTtl()),
                () -> assertEquals(20L * 1024 * 1024, settings.uploadMaxBytes()),
                () -> assertEquals(60_000_000L, settings.imageMaxPixels()),
                () -> assertEquals(Path.of("runtime/model/resnet50.onnx"), settings.modelPath()),
                () -> assertEquals("fp32", settings.modelPrecision()),
                () -> assertEquals(Path.of("runtime/model/resnet50.onnx"), settings.servedModelPath()),
                () -> assertEquals(Path.of("runtime/model/labels.json"), settings.labelsPath()),
                () -> assertEquals("cpu", settings.modelDevice()),
                () -> assertEquals(0, settings.modelThreads()),
                () -> assertEquals(5, settings.topK()));
    }

    @Test
    void configFileOverridesTheDefaults() throws IOException {
        Path file = configFile("redis.host=redis.internal\nbatch.size=8\n");

        Settings settings = Settings.fromEnvironment(Map.of("CLASSIFIER_CONFIG", file.toString()));

        assertEquals("redis.internal", settings.redisHost());
        assertEquals(8, settings.batchSize());
        assertEquals(6379, settings.redisPort(), "keys the file leaves out keep their default");
    }

    @Test
    void environmentVariableOverridesTheConfigFile() throws IOException {
        Path file = configFile("redis.port=6380\nbatch.max.delay.ms=5\n");

        Settings settings = Settings.fromEnvironment(Map.of(
                "CLASSIFIER_CONFIG", file.toString(),
                "REDIS_PORT", "6390",
                "BATCH_MAX_DELAY_MS", "7"));

        assertEquals(6390, settings.redisPort());
        assertEquals(Duration.ofMillis(7), settings.batchMaxDelay());
    }

    @Test
    void environmentVariableOverridesTheDefaultWithoutAConfigFile() {
        Settings settings = Settings.fromEnvironment(Map.of("IMAGE_QUEUE", "other_queue", "MODEL_TOP_K", "3"));

        assertEquals("other_queue", settings.imageQueue());
        assertEquals(3, settings.topK());
    }

    @Test
    void blankConfigFileVariableIsIgnored() {
        Settings settings = Settings.fromEnvironment(Map.of("CLASSIFIER_CONFIG", "  "));

        assertEquals(6379, settings.redisPort());
    }

    @Test
    void surroundingWhitespaceInAValueIsIgnored() {
        Settings settings = Settings.fromEnvironment(Map.of("REDIS_PORT", " 6381 "));

        assertEquals(6381, settings.redisPort());
    }

    @Test
    void missingConfigFileIsReportedWithItsPathAndTheVariableThatNamedIt() {
        Path missing = folder.resolve("nowhere.properties");

        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> Settings.fromEnvironment(Map.of("CLASSIFIER_CONFIG", missing.toString())));

        assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("CLASSIFIER_CONFIG"), error.getMessage());
    }

    @Test
    void environmentNameIsTheKeyUpperCasedWithUnderscores() {
        assertEquals("REDIS_PORT", Settings.environmentName("redis.port"));
        assertEquals("BATCH_MAX_DELAY_MS", Settings.environmentName("batch.max.delay.ms"));
        assertEquals("MODEL_TOP_K", Settings.environmentName("model.top.k"));
    }

    @Test
    void badNumberNamesTheKeyTheEnvironmentVariableAndTheValue() {
        Settings settings = Settings.fromEnvironment(Map.of("BATCH_MAX_DELAY_MS", "fast"));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, settings::batchMaxDelay);

        assertTrue(error.getMessage().contains("batch.max.delay.ms"), error.getMessage());
        assertTrue(error.getMessage().contains("BATCH_MAX_DELAY_MS"), error.getMessage());
        assertTrue(error.getMessage().contains("'fast'"), error.getMessage());
    }

    @Test
    void badNumberInTheConfigFileIsReportedTheSameWay() throws IOException {
        Settings settings = Settings.fromEnvironment(
                Map.of("CLASSIFIER_CONFIG", configFile("redis.port=six\n").toString()));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, settings::redisPort);

        assertTrue(error.getMessage().contains("redis.port"), error.getMessage());
        assertTrue(error.getMessage().contains("REDIS_PORT"), error.getMessage());
    }

    @Test
    void int8PrecisionServesTheInt8ModelAndAnythingElseIsRefused() {
        Settings int8 = Settings.fromEnvironment(Map.of("MODEL_PRECISION", "int8", "MODEL_INT8_PATH", "/m/q.onnx"));
        assertEquals(Path.of("/m/q.onnx"), int8.servedModelPath());

        Settings fp16 = Settings.fromEnvironment(Map.of("MODEL_PRECISION", "fp16"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, fp16::servedModelPath);
        assertEquals("model.precision must be fp32 or int8, got 'fp16'", error.getMessage());
    }

    @Test
    void switchesAcceptTrueOrFalseInAnyCase() {
        assertEquals(true, Settings.fromEnvironment(Map.of("REDIS_TLS", "TRUE")).redisTls());
        assertEquals(false, Settings.fromEnvironment(Map.of("REDIS_TLS", "False")).redisTls());
    }

    @Test
    void aSwitchThatIsNeitherTrueNorFalseNamesTheKeyAndTheValue() {
        Settings settings = Settings.fromEnvironment(Map.of("REDIS_TLS", "yes"));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, settings::redisTls);
        assertEquals("setting redis.tls (REDIS_TLS) must be true or false, got 'yes'", error.getMessage());
    }

    @Test
    void numberTooLargeForAnIntIsReportedAsABadSettingNamingTheKey() {
        Settings settings = Settings.fromEnvironment(Map.of("REDIS_PORT", "3000000000"));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, settings::redisPort);

        assertTrue(error.getMessage().contains("redis.port"), error.getMessage());
        assertTrue(error.getMessage().contains("REDIS_PORT"), error.getMessage());
    }

    @Test
    void unknownKeyIsRejectedWhenRead() {
        Settings settings = Settings.fromEnvironment(Map.of());

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> settings.string("redis.prot"));

        assertTrue(error.getMessage().contains("redis.prot"), error.getMessage());
    }

    @Test
    void unknownKeyIsRejectedWhenReplaced() {
        Settings settings = Settings.fromEnvironment(Map.of());

        assertThrows(IllegalArgumentException.class, () -> settings.with("batch.sise", "4"));
    }

    @Test
    void unknownKeyInTheConfigFileIsRejected() throws IOException {
        Path file = configFile("batch.max.delay=5\n");

        assertThrows(IllegalArgumentException.class,
                () -> Settings.fromEnvironment(Map.of("CLASSIFIER_CONFIG", file.toString())));
    }

    @Test
    void withReplacesOneValueAndLeavesTheOriginalUnchanged() {
        Settings original = Settings.fromEnvironment(Map.of());

        Settings changed = original.with("batch.size", "4");

        assertEquals(4, changed.batchSize());
        assertEquals(32, original.batchSize());
        assertEquals(original.redisPort(), changed.redisPort());
    }

    @Test
    void environmentVariablesUnrelatedToSettingsAreIgnored() {
        Settings settings = Settings.fromEnvironment(Map.of("PATH", "/usr/bin", "HOME", "/root"));

        assertThrows(IllegalArgumentException.class, () -> settings.string("path"));
        assertEquals(6379, settings.redisPort());
    }

    private Path configFile(String content) throws IOException {
        return Files.writeString(folder.resolve("classifier.properties"), content);
    }
}
