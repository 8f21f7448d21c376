package se.vardmote.media.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import se.vardmote.media.rtcp.RtcpCompound;
import se.vardmote.media.rtcp.TransportCcFeedback;
import se.vardmote.media.rtcp.TransportFeedback;

class TransportCcGeneratorTest {

    @Test
    void feedbackReportsArrivalsAndLossesThatTheParserReadsBack() {
        TransportCcGenerator generator = new TransportCcGenerator(0);
        long ms = 1_000_000L;
        generator.onPacket(65534, 7, 100 * ms);
        generator.onPacket(65535, 7, 101 * ms);
        // 0 lost
        generator.onPacket(1, 7, 103 * ms);
        generator.onPacket(2, 7, 200 * ms); // a large delta (97 ms)
        assertTrue(generator.hasPending());
        ByteBuf out = Unpooled.buffer(TransportCcGenerator.maxLength());
        int length = generator.writeFeedback(out, 1);
        assertEquals(length, out.readableBytes());
        assertEquals(0, length % 4);
        assertFalse(generator.hasPending());

        RtcpCompound compound = new RtcpCompound().reset(out);
        assertTrue(compound.next());
        TransportFeedback view = new TransportFeedback();
        assertTrue(view.wrap(compound));
        TransportCcFeedback.Parsed parsed = new TransportCcFeedback.Parsed(64);
        assertTrue(TransportCcFeedback.parse(view, parsed));
        assertEquals(65534, parsed.baseSequence);
        assertEquals(5, parsed.count);
        assertEquals(TransportCcFeedback.SMALL_DELTA, parsed.symbols[0]);
        assertEquals(TransportCcFeedback.SMALL_DELTA, parsed.symbols[1]);
        assertEquals(TransportCcFeedback.NOT_RECEIVED, parsed.symbols[2]);
        assertEquals(TransportCcFeedback.SMALL_DELTA, parsed.symbols[3]);
        assertEquals(TransportCcFeedback.LARGE_DELTA, parsed.symbols[4]);
        assertEquals(4, parsed.deltaCount);
        // 250 µs ticks: 1 ms, 2 ms and 97 ms after the first.
        assertEquals(4, parsed.deltas[1]);
        assertEquals(8, parsed.deltas[2]);
        assertEquals(388, parsed.deltas[3]);
        // Reference time (64 ms units) plus the first delta is the first arrival (100 ms).
        assertEquals(100 * 4, parsed.referenceTime * 256 + parsed.deltas[0]);
    }

    @Test
    void aPacketArrivingAfterItWasReportedLostIsIgnored() {
        TransportCcGenerator generator = new TransportCcGenerator(0);
        generator.onPacket(10, 7, 1_000_000L);
        generator.onPacket(12, 7, 2_000_000L);
        generator.writeFeedback(Unpooled.buffer(TransportCcGenerator.maxLength()), 1);
        generator.onPacket(11, 7, 3_000_000L);
        assertFalse(generator.hasPending());
        assertEquals(1, generator.late);
    }
}
