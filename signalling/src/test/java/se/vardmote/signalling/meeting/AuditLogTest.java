package se.vardmote.signalling.meeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.signalling.store.Database;

class AuditLogTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    @Test
    void recordsEventsAndReadsThemBackInOrderAfterReopening(@TempDir Path dir) {
        MutableClock clock = new MutableClock(T0);
        try (Database db = Database.open(Database.defaultUrl(dir), "sa", "")) {
            AuditLog log = new AuditLog(db, clock);
            log.record("m1", null, null, AuditAction.BOOKED, "two-party");
            clock.advance(Duration.ofMinutes(1));
            log.record("m1", "p1", Role.PATIENT, AuditAction.JOINED, "video");
            log.record("m2", "p9", Role.CLINICIAN, AuditAction.JOINED, "audio");
        }
        try (Database db = Database.open(Database.defaultUrl(dir), "sa", "")) {
            List<AuditEvent> events = new AuditLog(db, clock).list("m1");
            assertEquals(List.of(
                    new AuditEvent(T0, "m1", null, null, AuditAction.BOOKED, "two-party"),
                    new AuditEvent(T0.plusSeconds(60), "m1", "p1", Role.PATIENT, AuditAction.JOINED, "video")), events);
        }
    }

    @Test
    void neverThrowsWhenTheDatabaseFailsButCountsTheFailure(@TempDir Path dir) {
        Database db = Database.open(Database.defaultUrl(dir), "sa", "");
        AuditLog log = new AuditLog(db, new MutableClock(T0));
        db.close();
        log.record("m1", null, null, AuditAction.CANCELLED, null);
        log.record("m1", null, null, null, null);
        assertEquals(2, log.failedWrites());
    }

    @Test
    void storesDigitRunsEmailsAndControlCharactersAsRedacted() {
        assertEquals("redacted", AuditLog.safeDetail("482913"));
        assertEquals("redacted", AuditLog.safeDetail("+46701234567"));
        assertEquals("redacted", AuditLog.safeDetail("811218-9876"));
        assertEquals("redacted", AuditLog.safeDetail("anna@region.se"));
        assertEquals("redacted", AuditLog.safeDetail("a\nb"));
        assertEquals("Telefon ••• 1234", AuditLog.safeDetail("Telefon ••• 1234"));
        assertEquals("bankid", AuditLog.safeDetail(" bankid "));
        assertEquals(AuditLog.MAX_DETAIL_CHARS, AuditLog.safeDetail("x".repeat(500)).length());
        assertNull(AuditLog.safeDetail("  "));
    }
}
