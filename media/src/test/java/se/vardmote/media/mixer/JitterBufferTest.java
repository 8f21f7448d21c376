package se.vardmote.media.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class JitterBufferTest {

    private static final ByteBuf PAYLOAD = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});

    private static void put(JitterBuffer jb, int seq, int marker) {
        PAYLOAD.setByte(0, marker);
        jb.put(seq & 0xFFFF, PAYLOAD, 0, 3);
    }

    @Test
    void waitsForFortyMillisecondsThenPlaysInSequenceOrder() {
        JitterBuffer jb = new JitterBuffer();
        put(jb, 65535, 1);
        assertEquals(JitterBuffer.SILENT, jb.next()); // one packet: still priming
        put(jb, 1, 3);                                 // arrives before 0: reordered, across the wrap
        put(jb, 0, 2);
        assertEquals(JitterBuffer.PACKET, jb.next());
        assertEquals(1, jb.payload()[0]);
        assertEquals(JitterBuffer.PACKET, jb.next());
        assertEquals(2, jb.payload()[0]);
        assertEquals(JitterBuffer.PACKET, jb.next());
        assertEquals(3, jb.payload()[0]);
    }

    @Test
    void playsAGapAsLossThenStopsAfterALongSilence() {
        JitterBuffer jb = new JitterBuffer();
        put(jb, 10, 0);
        put(jb, 11, 0);
        put(jb, 13, 0); // 12 lost
        assertEquals(JitterBuffer.PACKET, jb.next());
        assertEquals(JitterBuffer.PACKET, jb.next());
        assertEquals(JitterBuffer.LOST, jb.next());
        assertEquals(JitterBuffer.PACKET, jb.next());
        for (int i = 0; i < JitterBuffer.MAX_CONCEALED; i++) assertEquals(JitterBuffer.LOST, jb.next());
        assertEquals(JitterBuffer.SILENT, jb.next());
        // Stopped and empty: the next packet starts a new talkspurt, primed afresh.
        put(jb, 40, 0);
        assertEquals(JitterBuffer.SILENT, jb.next());
        put(jb, 41, 0);
        put(jb, 39, 0); // older than the new start: late
        assertEquals(1, jb.late);
        assertEquals(JitterBuffer.PACKET, jb.next());
    }

    @Test
    void dropsTheOldestWhenItGrowsTooDeep() {
        JitterBuffer jb = new JitterBuffer();
        for (int s = 0; s < 8; s++) put(jb, s, s);
        assertEquals(JitterBuffer.PACKET, jb.next());
        assertEquals(3, jb.payload()[0]); // 0, 1, 2 skipped: 8 buffered, at most 5 kept
        assertEquals(3, jb.skipped);
    }

    @Test
    void refusesOversizedPayloadsAndDuplicates() {
        JitterBuffer jb = new JitterBuffer();
        jb.put(1, Unpooled.wrappedBuffer(new byte[2000]), 0, 2000);
        assertEquals(1, jb.tooLarge);
        put(jb, 5, 0);
        put(jb, 5, 0);
        assertEquals(1, jb.duplicates);
    }
}
