package io.imageclassifier.web.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DecodeMemoryBudgetTest {

    private static final long MB = 1L << 20;
    private final DecodeMemoryBudget budget = new DecodeMemoryBudget(100 * MB);

    @Test
    void reservationsThatFitTogetherDoNotWait() {
        try (DecodeMemoryBudget.Reservation a = budget.reserve(60 * MB, Duration.ZERO);
             DecodeMemoryBudget.Reservation b = budget.reserve(40 * MB, Duration.ZERO)) {
            assertEquals(100 * MB, budget.reservedBytes());
        }
        assertEquals(0, budget.reservedBytes());
    }

    @Test
    void aReservationThatDoesNotFitWaitsUntilAnotherIsReleased() throws Exception {
        DecodeMemoryBudget.Reservation big = budget.reserve(80 * MB, Duration.ZERO);
        CompletableFuture<DecodeMemoryBudget.Reservation> waiting =
                CompletableFuture.supplyAsync(() -> budget.reserve(50 * MB, Duration.ofMinutes(1)));

        Thread.sleep(100);
        assertTrue(!waiting.isDone(), "still waiting while 80 of 100 MB are held");
        big.close();

        try (DecodeMemoryBudget.Reservation granted = waiting.get(30, TimeUnit.SECONDS)) {
            assertEquals(50 * MB, budget.reservedBytes());
        }
    }

    @Test
    void aSmallReservationIsNotHeldUpBehindALargeOneThatIsWaiting() throws Exception {
        DecodeMemoryBudget.Reservation held = budget.reserve(70 * MB, Duration.ZERO);
        CompletableFuture<DecodeMemoryBudget.Reservation> large =
                CompletableFuture.supplyAsync(() -> budget.reserve(60 * MB, Duration.ofMinutes(1)));
        Thread.sleep(100);
        assertTrue(!large.isDone(), "the large one is waiting");

        try (DecodeMemoryBudget.Reservation small = budget.reserve(10 * MB, Duration.ZERO)) {
            assertEquals(80 * MB, budget.reservedBytes());
        }
        held.close();
        large.get(30, TimeUnit.SECONDS).close();
    }

    @Test
    void givesUpAsBusyOnceTheWaitRunsOut() {
        try (DecodeMemoryBudget.Reservation held = budget.reserve(90 * MB, Duration.ZERO)) {
            DecodeMemoryBusyException busy = assertThrows(DecodeMemoryBusyException.class,
                    () -> budget.reserve(20 * MB, Duration.ofMillis(50)));

            assertEquals("the server is busy decoding other large images; try again shortly", busy.getMessage());
            assertEquals(90 * MB, budget.reservedBytes(), "the failed request holds nothing");
        }
    }

    @Test
    void rejectsAsTooLargeWhatCouldNeverFitInsteadOfWaitingForNothing() {
        ImageTooLargeException tooLarge = assertThrows(ImageTooLargeException.class,
                () -> budget.reserve(101 * MB, Duration.ofMinutes(1)));

        assertTrue(tooLarge.getMessage().contains("more than the 100 MB"), tooLarge.getMessage());
        assertEquals(0, budget.reservedBytes());
    }

    @Test
    void closingAReservationTwiceReleasesItOnce() {
        DecodeMemoryBudget.Reservation first = budget.reserve(30 * MB, Duration.ZERO);
        DecodeMemoryBudget.Reservation second = budget.reserve(30 * MB, Duration.ZERO);

        first.close();
        first.close();

        assertEquals(30 * MB, budget.reservedBytes());
        second.close();
    }

    @Test
    void theDefaultIsHalfTheHeap() {
        assertEquals(Runtime.getRuntime().maxMemory() / 2,
                DecodeMemoryBudget.fromSetting(0, Runtime.getRuntime()).capacityBytes());
        assertEquals(256 * MB, DecodeMemoryBudget.fromSetting(256, Runtime.getRuntime()).capacityBytes());
    }
}
