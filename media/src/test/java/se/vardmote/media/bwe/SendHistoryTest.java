package se.vardmote.media.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SendHistoryTest {

    @Test
    void findsPacketsAcrossTheSixteenBitWrap() {
        SendHistory history = new SendHistory();
        for (int i = 0; i < 6; i++) {
            history.onSent((65_533 + i) & 0xFFFF, 1_000L * i, 100 + i, i == 4 ? 7 : -1);
        }
        long before = history.unwrap(65_535);
        long after = history.unwrap(1);
        assertEquals(2, after - before, "65535 and 1 are two apart, not 65534");
        int slot = history.slot(after);
        assertEquals(4_000L, history.sendNanos(slot));
        assertEquals(104, history.size(slot));
        assertEquals(7, history.cluster(slot));
        assertEquals(-1, history.cluster(history.slot(before)));
    }

    @Test
    void forgetsPacketsTheRingNoLongerHolds() {
        SendHistory history = new SendHistory();
        for (int i = 0; i < SendHistory.SLOTS + 10; i++) {
            history.onSent(i & 0xFFFF, i, 1200, -1);
        }
        assertEquals(-1, history.slot(history.unwrap(5)), "overwritten by packet 5 + SLOTS");
        assertEquals(SendHistory.SLOTS + 5L, history.sendNanos(history.slot(history.unwrap(SendHistory.SLOTS + 5))));
        assertEquals(-1, history.slot(history.unwrap(SendHistory.SLOTS + 11)), "not sent yet");
    }

    @Test
    void answersNothingBeforeTheFirstPacket() {
        SendHistory history = new SendHistory();
        assertEquals(-1, history.slot(history.unwrap(0)));
    }
}
