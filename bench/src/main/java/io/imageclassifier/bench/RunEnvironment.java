package io.imageclassifier.bench;

import io.imageclassifier.protocol.CpuFeatures;
import io.imageclassifier.protocol.Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where a run measured: the host, the daemon's settings and the options, so runs can be compared. */
final class RunEnvironment {

    private RunEnvironment() {
    }

    /** The settings the stack's daemon runs with: runtime/classifier.properties, then the environment. */
    static Settings daemonSettings(Path root) {
        Map<String, String> env = new HashMap<>(System.getenv());
        Path config = root.resolve("runtime/classifier.properties");
        if (!env.containsKey(Settings.CONFIG_FILE_VARIABLE) && Files.isReadable(config)) {
            env.put(Settings.CONFIG_FILE_VARIABLE, config.toString());
        }
        Settings s = Settings.fromEnvironment(env);
        if (!s.modelPath().isAbsolute()) {
            s = s.with("model.path", root.resolve(s.modelPath()).toString());
        }
        if (!s.modelInt8Path().isAbsolute()) {
            s = s.with("model.int8.path", root.resolve(s.modelInt8Path()).toString());
        }
        return s;
    }

    /** Fills the results' environment and options. */
    static void describe(BenchResults results, BenchOptions o, Settings settings, List<Path> photos) {
        Map<String, Object> env = results.environment;
        try {
            env.put("host", InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            env.put("host", "unknown");
        }
        env.put("cpus", Runtime.getRuntime().availableProcessors());
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        env.put("loadAverageAtStart", loadAverage());
        Map<String, Object> s = new LinkedHashMap<>();
        for (String key : List.of("batch.size", "batch.max.delay.ms", "model.threads", "model.device", "model.path",
                "request.timeout.ms")) {
            s.put(key, settings.string(key));
        }
        env.put("settings", s);
        env.put("photos", photos.stream().map(p -> p.getFileName().toString()).toList());
        Map<String, Object> opt = results.options;
        opt.put("phases", new ArrayList<>(o.phases));
        opt.put("quick", o.quick);
        opt.put("url", o.url.toString());
        opt.put("batches", o.batches);
        opt.put("levels", o.levels);
        opt.put("levelSeconds", o.levelSeconds);
        opt.put("warmupSeconds", o.warmupSeconds);
        opt.put("lightCount", o.lightCount);
        opt.put("stressCount", o.stressCount);
        opt.put("stressInterval", o.stressInterval);
        opt.put("soakMinutes", o.soakMinutes);
        opt.put("timeoutSeconds", o.timeoutSeconds);
    }

    /** The processor, as /proc/cpuinfo names it: figures from different machines are not comparable. */
    static String cpuModel() {
        return CpuFeatures.modelName() + (CpuFeatures.hasVnni() ? " (VNNI)" : "");
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
