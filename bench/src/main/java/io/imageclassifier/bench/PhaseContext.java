package io.imageclassifier.bench;

/** What every phase works with: the run's options, its results so far, and its console. */
record PhaseContext(BenchOptions options, BenchResults results, Console console) {
}
