package io.imageclassifier.bench;

import java.nio.file.Path;

/** What every phase works with: the run's options, its results so far, its console and its folder. */
record PhaseContext(BenchOptions options, BenchResults results, Console console, Path outDir) {
}
