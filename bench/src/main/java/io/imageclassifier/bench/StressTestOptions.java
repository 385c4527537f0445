package io.imageclassifier.bench;

import java.net.URI;
import java.nio.file.Path;

/** The command line of scripts/stress-test; null from {@link #parse} means --help was asked for. */
record StressTestOptions(int count, double intervalSeconds, URI url, Path image, Path daemonLog, int timeoutSeconds) {

    static final String USAGE = """
            usage: scripts/stress-test [options]
              --count N          number of requests (default 500)
              --interval SECONDS pause between request starts (default 0.05)
              --url URL          endpoint (default http://localhost/predict)
              --image PATH       image to post as multipart field "image" (default runtime/testdata/dog.jpg)
              --daemon-log PATH  model daemon log to read batch sizes from (default runtime/logs/model-daemon.log)
              --timeout SECONDS  per-request client timeout (default 60)
            """;

    /** Defaults are relative to {@code root}, the repository. */
    static StressTestOptions parse(String[] args, Path root) {
        int count = 500;
        double interval = 0.05;
        String url = "http://localhost/predict";
        Path image = root.resolve("runtime/testdata/dog.jpg");
        Path daemonLog = root.resolve("runtime/logs/model-daemon.log");
        int timeoutSeconds = 60;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--count" -> count = Integer.parseInt(v);
                case "--interval" -> interval = Double.parseDouble(v);
                case "--url" -> url = v;
                case "--image" -> image = Path.of(v);
                case "--daemon-log" -> daemonLog = Path.of(v);
                case "--timeout" -> timeoutSeconds = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (count < 1 || !(interval >= 0) || timeoutSeconds < 1) {
            throw new IllegalArgumentException("bad value");
        }
        URI uri = URI.create(url);
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
            throw new IllegalArgumentException("--url must be http(s)");
        }
        return new StressTestOptions(count, interval, uri, image, daemonLog, timeoutSeconds);
    }
}
