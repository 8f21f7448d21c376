package se.vardmote.media.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import se.vardmote.media.rtp.RtpPacket;
import se.vardmote.media.rtp.RtpPacketFixture;

class RetransmissionBufferTest {

    private final RetransmissionBuffer buffer = new RetransmissionBuffer();
    private final RtpPacket view = new RtpPacket();

    private void store(int seq, long now) {
        ByteBuf buf = new RtpPacketFixture().sequenceNumber(seq).payload((byte) seq).buffer();
        assertTrue(view.wrap(buf));
        buffer.store(view, now);
        buf.release();
    }

    @Test
    void findsAStoredPacketByItsSequenceNumberAcrossTheWrap() {
        store(65535, 0);
        store(0, 0);
        assertTrue(buffer.find(65535, 1, view));
        assertEquals(65535, view.sequenceNumber());
        assertTrue(buffer.find(0, 1, view));
        assertEquals(0, view.buffer().getByte(view.payloadOffset()));
        assertFalse(buffer.find(1, 1, view), "never stored");
        buffer.release();
    }

    @Test
    void forgetsWhatIsOverwrittenOrTooOld() {
        store(7, 0);
        store(7 + RetransmissionBuffer.SLOTS, 0);
        assertFalse(buffer.find(7, 0, view), "its slot now holds a later packet");
        assertTrue(buffer.find(7 + RetransmissionBuffer.SLOTS, RetransmissionBuffer.MAX_AGE_NANOS, view));
        assertFalse(buffer.find(7 + RetransmissionBuffer.SLOTS, RetransmissionBuffer.MAX_AGE_NANOS + 1, view));
        buffer.release();
    }

    @Test
    void keepsNothingLargerThanASlot() {
        ByteBuf buf = new RtpPacketFixture().sequenceNumber(3).payload(new byte[RetransmissionBuffer.SLOT_BYTES]).buffer();
        assertTrue(view.wrap(buf));
        buffer.store(view, 0);
        buf.release();
        assertFalse(buffer.find(3, 0, view));
        buffer.release();
    }
}
