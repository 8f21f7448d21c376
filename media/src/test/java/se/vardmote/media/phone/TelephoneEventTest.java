package se.vardmote.media.phone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class TelephoneEventTest {

    @Test
    void readsEventEndBitVolumeAndDuration() {
        // RFC 4733 §2.3: event 11 (#), E=1, volume 10, duration 1280 (160 ms at 8 kHz).
        byte[] payload = {11, (byte) 0x8A, 0x05, 0x00};
        TelephoneEvent event = new TelephoneEvent();
        assertTrue(event.wrap(Unpooled.wrappedBuffer(payload), 0, 4));
        assertEquals(11, event.event());
        assertEquals('#', event.key());
        assertTrue(event.end());
        assertEquals(10, event.volume());
        assertEquals(1280, event.duration());
    }

    @Test
    void refusesShortAndOversizedPayloads() {
        TelephoneEvent event = new TelephoneEvent();
        assertFalse(event.wrap(Unpooled.wrappedBuffer(new byte[3]), 0, 3));
        assertFalse(event.wrap(Unpooled.wrappedBuffer(new byte[100]), 0, 100));
        assertFalse(event.wrap(Unpooled.wrappedBuffer(new byte[8]), 6, 4)); // runs past the buffer
    }

    @Test
    void mapsTheSixteenKeys() {
        String keys = "0123456789*#ABCD";
        for (int e = 0; e < 16; e++) assertEquals(keys.charAt(e), TelephoneEvent.keyOf(e));
        assertEquals(0, TelephoneEvent.keyOf(16)); // flash
        assertEquals(0, TelephoneEvent.keyOf(255));
    }

    @Test
    void reportsEachPressOnceAcrossStartUpdatesAndTripleEnd() {
        DtmfReceiver dtmf = new DtmfReceiver();
        StringBuilder got = new StringBuilder();
        // "5" at ts 1000: start (marker), two updates, three end packets, all with the same timestamp.
        for (int i = 0; i < 6; i++) append(got, dtmf.onPacket(1000, 5));
        // "*" at ts 3000 (8 kHz clock)
        for (int i = 0; i < 5; i++) append(got, dtmf.onPacket(3000, 10));
        // "5" again, a new press: a new timestamp
        for (int i = 0; i < 4; i++) append(got, dtmf.onPacket(5000, 5));
        assertEquals("5*5", got.toString());
    }

    @Test
    void toleratesAMissingStartPacketAndAStragglingEndPacket() {
        DtmfReceiver dtmf = new DtmfReceiver();
        StringBuilder got = new StringBuilder();
        // Only the end packets of "#" arrive (start and updates lost; no marker bit anywhere).
        for (int i = 0; i < 3; i++) append(got, dtmf.onPacket(48_000, 11));
        append(got, dtmf.onPacket(96_000, 1));
        append(got, dtmf.onPacket(48_000, 11)); // a late end packet of "#", reordered behind "1"
        assertEquals("#1", got.toString());
    }

    @Test
    void worksAtTheFortyEightKilohertzClock() {
        DtmfReceiver dtmf = new DtmfReceiver();
        StringBuilder got = new StringBuilder();
        long ts = 0xFFFF_F000L; // near the 32-bit wrap
        for (int press = 0; press < 3; press++) {
            for (int i = 0; i < 7; i++) append(got, dtmf.onPacket((ts + press * 48_000L) & 0xFFFFFFFFL, 12 + press));
        }
        assertEquals("ABC", got.toString());
    }

    @Test
    void ignoresEventsThatAreNotKeys() {
        DtmfReceiver dtmf = new DtmfReceiver();
        assertEquals(0, dtmf.onPacket(10, 16));
        assertEquals(0, dtmf.onPacket(20, 200));
    }

    private static void append(StringBuilder sb, char key) {
        if (key != 0) sb.append(key);
    }
}
