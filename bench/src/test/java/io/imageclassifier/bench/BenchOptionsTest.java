package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    private static final Path ROOT = Path.of("/repo");

    @Test
    void defaultsRunTheFourPhasesAtFullLength() {
        BenchOptions o = BenchOptions.parse(new String[0], ROOT);
        assertEquals(List.of("ceiling", "light", "sweep", "stress"), List.copyOf(o.phases));
        assertEquals(15, o.levelSeconds);
        assertEquals(3, o.warmupSeconds);
        assertEquals(100, o.lightCount);
        assertEquals(1000, o.lightWarmup);
        assertEquals(500, o.stressCount);
        assertEquals(0.05, o.stressInterval);
        assertEquals(List.of(1, 2, 4, 8, 16, 32, 64), o.levels);
        assertEquals(List.of(1, 2, 4, 8, 16, 32), o.batches);
        assertEquals(Path.of("/repo/runtime/testdata"), o.images);
        assertEquals(Path.of("/repo/runtime/logs/model-daemon.log"), o.daemonLog);
        assertNull(o.lock, "no lock unless asked for");
        assertEquals(URI.create("http://localhost/"), o.home());
        assertFalse(o.soak());
        assertTrue(o.mayStart);
    }

    @Test
    void quickShortensWhatWasNotSetExplicitly() {
        BenchOptions o = BenchOptions.parse(new String[] {"--quick", "--light-count", "7"}, ROOT);
        assertEquals(3, o.levelSeconds);
        assertEquals(1, o.warmupSeconds);
        assertEquals(7, o.lightCount);
        assertEquals(5, o.lightWarmup);
        assertEquals(100, o.stressCount);
    }

    @Test
    void phasesSoakLockAndInlineValues() {
        BenchOptions o = BenchOptions.parse(new String[] {"--phases", "sweep,ceiling", "--soak=10", "--lock", "none",
                "--levels=1,8", "--out", "/tmp/x", "--no-start", "--url", "http://example:8080/predict"}, ROOT);
        assertEquals(Set.of("sweep", "ceiling"), o.phases);
        assertTrue(o.soak());
        assertEquals(10, o.soakMinutes);
        assertNull(o.lock);
        assertEquals(List.of(1, 8), o.levels);
        assertEquals(Path.of("/tmp/x"), o.out);
        assertFalse(o.mayStart);
        assertEquals(URI.create("http://example:8080/"), o.home());
    }

    @Test
    void refusesWhatItDoesNotKnow() {
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--phases", "soak"}, ROOT));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--bogus", "1"}, ROOT));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--levels", "0,4"}, ROOT));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--soak"}, ROOT));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--soak", "-1"}, ROOT));
        assertThrows(NumberFormatException.class, () -> BenchOptions.parse(new String[] {"--light-count", "x"}, ROOT));
    }

    @Test
    void theSoakIsIncludedOnlyWithItsMinutes() {
        BenchOptions plain = BenchOptions.parse(new String[] {"--phases", "light"}, ROOT);
        assertTrue(plain.includes("light"));
        assertFalse(plain.includes("sweep"));
        assertFalse(plain.includes("soak"));
        assertTrue(BenchOptions.parse(new String[] {"--phases", "ceiling", "--soak", "5"}, ROOT).includes("soak"));
    }

    @Test
    void onlyTheCeilingSendsNoRequests() {
        assertFalse(BenchOptions.parse(new String[] {"--phases", "ceiling"}, ROOT).sendsRequests());
        assertTrue(BenchOptions.parse(new String[] {"--phases", "ceiling,stress"}, ROOT).sendsRequests());
        assertTrue(BenchOptions.parse(new String[] {"--phases", "ceiling", "--soak", "1"}, ROOT).sendsRequests(),
                "the soak sends requests");
    }

    @Test
    void helpIsAFlag() {
        assertTrue(BenchOptions.parse(new String[] {"-h"}, ROOT).help);
    }

    @Test
    void chaosComesWithItsMinutesOrNamedInPhases() {
        BenchOptions defaults = BenchOptions.parse(new String[0], ROOT);
        assertFalse(defaults.includes("chaos"), "no chaos unless asked for");

        BenchOptions named = BenchOptions.parse(new String[] {"--phases", "chaos"}, ROOT);
        assertEquals(Set.of("chaos"), named.phases);
        assertTrue(named.includes("chaos"));
        assertTrue(named.sendsRequests());
        assertEquals(10, named.chaosMinutes, "ten minutes unless --chaos says otherwise");
        assertEquals(1, named.chaosSeed, "a fixed seed, so a run repeats");
        assertEquals(4, named.chaosClients);

        BenchOptions added = BenchOptions.parse(new String[] {"--chaos", "2.5", "--chaos-seed", "7",
                "--chaos-clients", "8"}, ROOT);
        assertTrue(added.includes("chaos") && added.includes("sweep"), "--chaos adds the phase to the others");
        assertEquals(2.5, added.chaosMinutes);
        assertEquals(7, added.chaosSeed);
        assertEquals(8, added.chaosClients);
    }
}
