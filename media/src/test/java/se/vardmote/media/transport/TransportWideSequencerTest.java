package se.vardmote.media.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import se.vardmote.media.bwe.SendHistory;
import se.vardmote.media.rtp.RtpPacketFixture;

class TransportWideSequencerTest {
    private static final int ID = 5;

    private static ByteBuf packet(int payloadBytes) {
        return new RtpPacketFixture().payloadType(96).ssrc(0x1111).sequenceNumber(7).timestamp(90)
                .extension(3, (byte) 1, (byte) 2, (byte) 3)
                .extension(ID, (byte) 0, (byte) 0)
                .payload(new byte[payloadBytes]).buffer();
    }

    private static int numberIn(ByteBuf packet) {
        // Header 12, extension header 4, element 3 at 0..3, then the id-5 element's header: its data follows.
        return packet.getUnsignedShort(12 + 4 + 4 + 1);
    }

    @Test
    void numbersEachPacketThatCarriesTheElementInTheOrderTheyLeave() {
        SendHistory history = new SendHistory();
        TransportWideSequencer sequencer = new TransportWideSequencer(ID, history);
        for (int i = 0; i < 3; i++) {
            ByteBuf p = packet(100);
            sequencer.stamp(p, 1_000 + i);
            assertEquals(i, numberIn(p));
            p.release();
        }
        assertEquals(3, history.sentPackets());
    }

    @Test
    void leavesAPacketWithoutTheElementAlone() {
        SendHistory history = new SendHistory();
        TransportWideSequencer sequencer = new TransportWideSequencer(ID + 1, history);
        ByteBuf p = packet(100);
        byte[] before = new byte[p.readableBytes()];
        p.getBytes(0, before);
        sequencer.stamp(p, 1_000);
        byte[] after = new byte[p.readableBytes()];
        p.getBytes(0, after);
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(after));
        assertEquals(0, history.sentPackets());
        p.release();
    }

    @Test
    void aProbeClusterTakesThePacketsSentUntilItHasBothItsBytesAndItsPackets() {
        TransportWideSequencer sequencer = new TransportWideSequencer(ID, new SendHistory());
        sequencer.probe(7, 1_000, 5);
        for (int i = 0; i < 4; i++) {
            ByteBuf p = packet(400);
            sequencer.stamp(p, i);
            p.release();
            assertEquals(7, sequencer.openCluster(), "packet " + (i + 1) + ": bytes reached, not yet five packets");
        }
        ByteBuf p = packet(400);
        sequencer.stamp(p, 5);
        p.release();
        assertEquals(-1, sequencer.openCluster(), "five packets and their bytes: the cluster is complete");
    }
}
