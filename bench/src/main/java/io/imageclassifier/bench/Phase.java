package io.imageclassifier.bench;

/**
 * One phase of a run (ceiling, light, sweep, stress, soak): it measures one thing, prints its
 * figures and records them in the run's results. {@link ServiceBenchmark} runs the phases the
 * options ask for, in order, and times them.
 */
interface Phase {

    /** As {@code --phases} names it, and as results.json's phaseSeconds does. */
    String name();

    /** A failure is recorded as a problem of the run, and the next phase runs all the same. */
    void run() throws Exception;
}
