package se.vardmote.media.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RtcpCompoundTest {

    /** What a Chromium subscriber sends: RR with one block, SDES CNAME, REMB, then a PLI. */
    static final byte[] CHROMIUM_RECEIVER_COMPOUND = ByteBufUtil.decodeHexDump(
            "81c90007" + "00000001"                                      // RR, RC=1, sender 1
            + "0a0b0c0d" + "02000003" + "00011a2b" + "00000010" + "11223344" + "00000005" // report block
            + "81ca0006" + "00000001" + "0110" + "376b4c5766416f4438623862" + "6b566f63" + "0000"
            + "8fce0005" + "00000001" + "00000000" + "52454d42" + "010bcd31" + "0a0b0c0d" // REMB 1 ssrc
            + "81ce0002" + "00000001" + "0a0b0c0d");                     // PLI for 0x0a0b0c0d

    private final RtcpCompound compound = new RtcpCompound();

    @Test
    void iteratesChromiumReceiverCompound() {
        ByteBuf buf = Unpooled.wrappedBuffer(CHROMIUM_RECEIVER_COMPOUND);
        compound.reset(buf);

        assertTrue(compound.next());
        assertEquals(RtcpCompound.RR, compound.packetType());
        ReceiverReport rr = new ReceiverReport();
        assertTrue(rr.wrap(compound));
        assertEquals(1, rr.senderSsrc());
        assertEquals(1, rr.reportCount());
        assertEquals(0x0a0b0c0dL, rr.reportSsrc(0));
        assertEquals(2, rr.fractionLost(0));
        assertEquals(3, rr.cumulativeLost(0));
        assertEquals(0x11a2bL, rr.extendedHighestSequence(0));
        assertEquals(16, rr.jitter(0));

        assertTrue(compound.next());
        SourceDescription sdes = new SourceDescription();
        assertTrue(sdes.wrap(compound));
        assertTrue(sdes.nextChunk());
        assertEquals(1, sdes.chunkSsrc());
        assertTrue(sdes.nextItem());
        assertEquals(SourceDescription.CNAME, sdes.itemType());
        assertEquals("7kLWfAoD8b8bkVoc",
                buf.toString(sdes.itemOffset(), sdes.itemLength(), StandardCharsets.US_ASCII));
        assertFalse(sdes.nextItem());
        assertFalse(sdes.nextChunk());
        assertFalse(sdes.malformed());

        assertTrue(compound.next());
        PayloadFeedback psfb = new PayloadFeedback();
        assertTrue(psfb.wrap(compound));
        assertTrue(psfb.isRemb());
        assertEquals(1, psfb.rembSsrcCount());
        assertEquals(0x0a0b0c0dL, psfb.rembSsrc(0));
        assertEquals((0x3cd31L) << 2, psfb.rembBitrate());

        assertTrue(compound.next());
        assertTrue(psfb.wrap(compound));
        assertTrue(psfb.isPli());
        assertEquals(0x0a0b0c0dL, psfb.mediaSsrc());

        assertFalse(compound.next());
        assertFalse(compound.malformed());
    }

    @Test
    void readsAndRewritesSenderReport() {
        ByteBuf buf = Unpooled.buffer();
        SenderReport.write(buf, 0xCAFEBABEL, 0xE1234567_89ABCDEFL, 90_000, 10, 1000);
        compound.reset(buf);
        assertTrue(compound.next());
        SenderReport sr = new SenderReport();
        assertTrue(sr.wrap(compound));
        assertEquals(0xCAFEBABEL, sr.senderSsrc());
        assertEquals(0xE1234567_89ABCDEFL, sr.ntpTimestamp());
        assertEquals(90_000, sr.rtpTimestamp());
        assertEquals(10, sr.packetCount());
        assertEquals(1000, sr.octetCount());
        sr.setSenderSsrc(7);
        sr.setRtpTimestamp(0xFFFFFFFFL);
        assertEquals(7, sr.senderSsrc());
        assertEquals(0xFFFFFFFFL, sr.rtpTimestamp());
        assertFalse(compound.next());
    }

    @Test
    void readsByeWithReason() {
        ByteBuf buf = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("81cb0003" + "00000009" + "03627965" + "00000000"));
        compound.reset(buf);
        assertTrue(compound.next());
        Goodbye bye = new Goodbye();
        assertTrue(bye.wrap(compound));
        assertEquals(1, bye.sourceCount());
        assertEquals(9, bye.source(0));
        assertEquals("bye", buf.toString(bye.reasonOffset(), bye.reasonLength(), StandardCharsets.US_ASCII));
    }

    @Test
    void writesPliFirAndNackThatReadBack() {
        ByteBuf buf = Unpooled.buffer();
        PayloadFeedback.writePli(buf, 1, 0xAABBCCDDL);
        PayloadFeedback.writeFir(buf, 1, 0x11223344L, 7);
        int[] lost = {65534, 65535, 0, 3, 40};
        int written = TransportFeedback.writeNack(buf, 1, 0x55667788L, lost, lost.length);
        assertEquals(TransportFeedback.nackLength(2), written);

        compound.reset(buf);
        PayloadFeedback psfb = new PayloadFeedback();
        assertTrue(compound.next());
        assertTrue(psfb.wrap(compound));
        assertTrue(psfb.isPli());
        assertEquals(0xAABBCCDDL, psfb.mediaSsrc());
        assertTrue(compound.next());
        assertTrue(psfb.wrap(compound));
        assertTrue(psfb.isFir());
        assertEquals(1, psfb.firCount());
        assertEquals(0x11223344L, psfb.firSsrc(0));
        assertEquals(7, psfb.firSequenceNumber(0));
        assertEquals(0, psfb.mediaSsrc());
        assertTrue(compound.next());
        TransportFeedback nack = new TransportFeedback();
        assertTrue(nack.wrap(compound));
        assertTrue(nack.isGenericNack());
        assertEquals(0x55667788L, nack.mediaSsrc());
        assertEquals(2, nack.nackCount());
        assertEquals(65534, nack.nackPacketId(0));
        // 65535 (+1), 0 (+2), 3 (+5): bits 0, 1, 4
        assertEquals(0b10011, nack.nackLostBitmask(0));
        assertEquals(40, nack.nackPacketId(1));
        assertEquals(0, nack.nackLostBitmask(1));
        assertFalse(compound.next());
        assertFalse(compound.malformed());
    }

    @Test
    void stopsAtLengthPastTheEnd() {
        ByteBuf buf = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("81ce0002000000010a0b0c0d" + "81c90009" + "00000001"));
        compound.reset(buf);
        assertTrue(compound.next());
        assertFalse(compound.next());
        assertTrue(compound.malformed());
    }

    @Test
    void rejectsWrongVersionAndShortViews() {
        compound.reset(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("41c9000100000001")));
        assertFalse(compound.next());
        assertTrue(compound.malformed());
        // an SR claiming 1 report block with no room for it
        ByteBuf sr = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
                "81c80006" + "00000001" + "0000000000000000" + "00000000" + "00000000" + "00000000"));
        compound.reset(sr);
        assertTrue(compound.next());
        assertFalse(new SenderReport().wrap(compound));
    }

    @FuzzTest(maxDuration = "10s")
    void parsesArbitraryCompoundsWithoutThrowing(byte[] data) {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        RtcpCompound packets = new RtcpCompound().reset(buf);
        SenderReport sr = new SenderReport();
        ReceiverReport rr = new ReceiverReport();
        SourceDescription sdes = new SourceDescription();
        Goodbye bye = new Goodbye();
        TransportFeedback rtpfb = new TransportFeedback();
        PayloadFeedback psfb = new PayloadFeedback();
        long sum = 0;
        int guard = 0;
        while (packets.next()) {
            if (++guard > data.length) {
                throw new IllegalStateException("iteration does not advance");
            }
            sum += packets.count() + packets.paddingLength();
            if (sr.wrap(packets)) {
                sum += sr.senderSsrc() + sr.rtpTimestamp() + sr.ntpTimestamp();
                for (int i = 0; i < sr.reportCount(); i++) {
                    sum += sr.reportSsrc(i) + sr.jitter(i) + sr.delaySinceLastSenderReport(i);
                }
            }
            if (rr.wrap(packets)) {
                for (int i = 0; i < rr.reportCount(); i++) {
                    sum += rr.reportSsrc(i) + rr.cumulativeLost(i) + rr.lastSenderReport(i);
                }
            }
            if (sdes.wrap(packets)) {
                while (sdes.nextChunk()) {
                    sum += sdes.chunkSsrc();
                    while (sdes.nextItem()) {
                        for (int i = 0; i < sdes.itemLength(); i++) {
                            sum += buf.getByte(sdes.itemOffset() + i);
                        }
                    }
                }
            }
            if (bye.wrap(packets)) {
                for (int i = 0; i < bye.sourceCount(); i++) {
                    sum += bye.source(i);
                }
                for (int i = 0; i < bye.reasonLength(); i++) {
                    sum += buf.getByte(bye.reasonOffset() + i);
                }
            }
            if (rtpfb.wrap(packets)) {
                sum += rtpfb.mediaSsrc();
                for (int i = 0; i < rtpfb.nackCount(); i++) {
                    sum += rtpfb.nackPacketId(i) + rtpfb.nackLostBitmask(i);
                }
            }
            if (psfb.wrap(packets)) {
                for (int i = 0; i < psfb.firCount(); i++) {
                    sum += psfb.firSsrc(i) + psfb.firSequenceNumber(i);
                }
                if (psfb.isRemb()) {
                    sum += psfb.rembBitrate();
                    for (int i = 0; i < psfb.rembSsrcCount(); i++) {
                        sum += psfb.rembSsrc(i);
                    }
                }
            }
        }
        if (sum == 42) {
            packets.malformed();
        }
    }
}
