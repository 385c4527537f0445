package io.imageclassifier.daemon;

import java.util.logging.LogManager;

/**
 * java.util.logging closes every handler in its own shutdown hook, which runs at the same time as
 * the daemon's: the lines that say the batch in flight finished and the daemon stopped were lost.
 * This manager keeps logging alive until the daemon has said its last word.
 */
public final class DaemonLogManager extends LogManager {

    @Override
    public void reset() {
        // Ignored at JVM shutdown; see resetAtExit.
    }

    /** The real reset, once the daemon is done. */
    static void resetAtExit() {
        if (LogManager.getLogManager() instanceof DaemonLogManager manager) {
            manager.superReset();
        }
    }

    private void superReset() {
        super.reset();
    }
}
