package se.vardmote.media.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The one polling helper of the tests: waits until a condition holds, checking it every 20 ms, and fails with
 * what was awaited and for how long. For what another thread (an event loop, a SIP stack, a child process)
 * brings about with no event to wait on.
 */
public final class Eventually {

    private static final long POLL_MILLIS = 20;

    private Eventually() {
    }

    /** Returns once {@code condition} holds; throws {@link AssertionError} naming {@code what} after {@code timeout}. */
    public static void eventually(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
