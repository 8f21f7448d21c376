package se.vardmote.signalling.meeting;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The online guard on leader PINs: at most {@link #MAX_FAILURES} wrong PINs per meeting within {@link #WINDOW},
 * then PIN entry is locked for {@link #LOCK}. Thread-safe: checks of one meeting are serialised (striped locks),
 * so that counting the failures and recording a new one cannot interleave.
 *
 * <p>The failures are counted from the audit log itself ({@code pin_failed}), so the lockout survives a restart
 * and holds across nodes sharing the database. Attempts made while locked are answered {@code LOCKED} without
 * checking the PIN and are not counted (the lock would otherwise never lift under a steady attack). The PIN is
 * never logged.
 */
final class LeaderPinLockout {

    /** Wrong leader PINs per meeting within {@link #WINDOW} that lock PIN entry for {@link #LOCK}. */
    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final Duration LOCK = Duration.ofMinutes(15);
    private static final int LOCK_STRIPES = 64;

    private final AuditLog audit;
    private final Clock clock;
    private final Object[] locks = new Object[LOCK_STRIPES];

    LeaderPinLockout(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
        for (int i = 0; i < LOCK_STRIPES; i++) locks[i] = new Object();
    }

    /**
     * Checks {@code pin} against the meeting's stored hash ({@code storedHash} reads it; empty for an unknown
     * meeting, which answers {@code REJECTED}: nothing to audit against). A wrong PIN is audited as
     * {@code pin_failed}.
     */
    PinCheck check(String meetingId, String pin, Supplier<Optional<String>> storedHash) {
        synchronized (locks[Math.floorMod(meetingId.hashCode(), LOCK_STRIPES)]) {
            Optional<String> stored = storedHash.get();
            if (stored.isEmpty()) return PinCheck.REJECTED;
            Instant now = clock.instant();
            if (isLocked(meetingId, now)) return PinCheck.LOCKED;
            if (LeaderPin.matches(pin, stored.get())) return PinCheck.ACCEPTED;
            audit.record(meetingId, null, null, AuditAction.PIN_FAILED, null);
            return PinCheck.REJECTED;
        }
    }

    /**
     * Locked when some failure T in the last {@link #LOCK} was the {@link #MAX_FAILURES}th within
     * {@link #WINDOW} ending at T.
     */
    private boolean isLocked(String meetingId, Instant now) {
        List<Instant> failures = audit.recentTimes(meetingId, AuditAction.PIN_FAILED,
                now.minus(LOCK).minus(WINDOW), 200); // newest first
        for (int i = 0; i < failures.size(); i++) {
            Instant t = failures.get(i);
            if (!t.isAfter(now.minus(LOCK))) break;
            int within = 0;
            for (int j = i; j < failures.size() && !failures.get(j).isBefore(t.minus(WINDOW)); j++) within++;
            if (within >= MAX_FAILURES) return true;
        }
        return false;
    }
}
