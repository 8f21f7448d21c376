package se.vardmote.media.dtls;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DtlsHandshakeLimitsTest {

    @Test
    void defaultsLeaveOneAddressAtMostHalfTheThreadsOnAnyMachine() {
        for (int cores : new int[] {1, 2, 4, 8, 16, 32, 128}) {
            DtlsHandshakeLimits limits = DtlsHandshakeLimits.forCores(cores);
            assertTrue(limits.threads() >= 16 && limits.threads() <= 64, limits.toString());
            assertTrue(2 * limits.maxPerSource() <= limits.threads(), limits.toString());
            assertEquals(4 * limits.threads(), limits.maxInProgress());
        }
        assertEquals(new DtlsHandshakeLimits(16, 64, 8), DtlsHandshakeLimits.forCores(2));
        assertEquals(new DtlsHandshakeLimits(64, 256, 8), DtlsHandshakeLimits.forCores(32));
    }

    @Test
    void refusesLimitsThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> new DtlsHandshakeLimits(0, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new DtlsHandshakeLimits(4, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new DtlsHandshakeLimits(4, 8, 0));
    }
}
