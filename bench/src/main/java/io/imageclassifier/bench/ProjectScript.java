package io.imageclassifier.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one of the project's scripts (scripts/start, scripts/restart) the way the benchmark needs. */
final class ProjectScript {

    private ProjectScript() {
    }

    /**
     * Runs {@code command} in {@code root}, its output appended to {@code log}, and waits for it.
     * To a file, not a pipe: the services it starts must not keep a pipe of ours open.
     *
     * @return its exit status
     * @throws IOException when it did not finish within {@code limit} (it is then killed)
     */
    static int run(Path root, List<String> command, Path log, Duration limit) throws IOException, InterruptedException {
        Path parent = log.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in " + limit.toMinutes()
                    + " minutes (see " + log + ")");
        }
        return p.exitValue();
    }
}
