package se.vardmote.media.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import se.vardmote.media.MediaKind;
import se.vardmote.media.rtp.RtpPacket;
import se.vardmote.media.rtp.RtpPacketFixture;
import se.vardmote.media.testkit.FakeTransport;

/** Redundant audio (RED, RFC 2198) from a publisher reaches each subscriber in the form it decodes. */
class RedundantAudioTest extends RouterFixture {
    private static final int OPUS = 111;
    private static final int RED = 63;
    private static final int SUBSCRIBER_RED = 63;
    /** One redundant block of 3 bytes (the previous frame), then the primary of 4 bytes. */
    private static final byte[] RED_PAYLOAD = {
            (byte) (0x80 | OPUS), (byte) (960 >> 6), (byte) ((960 & 0x3F) << 2), 3, (byte) OPUS,
            11, 12, 13, 21, 22, 23, 24};

    static StreamDescription audioWithRed() {
        return new StreamDescription(MediaKind.AUDIO, PUBLISHER_SSRC, "0", new RtpCodec("opus", 48_000, 2, OPUS),
                Map.of(MID, 4), -1, 0, List.of(), RED);
    }

    private static RtpPacketFixture packet(int seq, int pt, byte... payload) {
        return new RtpPacketFixture().payloadType(pt).ssrc(PUBLISHER_SSRC).sequenceNumber(seq).timestamp(960L * seq)
                .payload(payload);
    }

    private static byte[] payloadOf(ByteBuf sent, RtpPacket out) {
        assertTrue(out.wrap(sent));
        return ByteBufUtil.getBytes(sent, out.payloadOffset(), out.payloadLength());
    }

    @Test
    void aSubscriberThatDecodesRedGetsItWithBlocksUnderItsOwnOpusPayloadType() throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        PublishedStream stream = router.publish(publisher, audioWithRed());
        Subscription s = router.subscribe(viewer, stream, subscriber(Map.of()));
        router.acceptRed(s, SUBSCRIBER_RED);
        receiveRtp(publisher, packet(7, RED, RED_PAYLOAD));

        RtpPacket out = new RtpPacket();
        byte[] payload = payloadOf(viewer.sentRtp.get(0), out);
        assertEquals(SUBSCRIBER_RED, out.payloadType());
        assertEquals(SUBSCRIBER_SSRC, out.ssrc());
        byte[] expected = RED_PAYLOAD.clone();
        expected[0] = (byte) (0x80 | 100); // the subscriber's Opus is payload type 100 (RouterFixture.subscriber)
        expected[4] = 100;
        assertArrayEquals(expected, payload);
        assertEquals(1, counter("red.forwarded"));
    }

    @Test
    void aSubscriberWithoutRedGetsThePrimaryBlockAsPlainOpus() throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        PublishedStream stream = router.publish(publisher, audioWithRed());
        router.subscribe(viewer, stream, subscriber(Map.of()));
        receiveRtp(publisher, packet(7, RED, RED_PAYLOAD).padding(2));
        receiveRtp(publisher, packet(8, OPUS, (byte) 31, (byte) 32));

        RtpPacket out = new RtpPacket();
        assertArrayEquals(new byte[] {21, 22, 23, 24}, payloadOf(viewer.sentRtp.get(0), out));
        assertEquals(100, out.payloadType());
        assertEquals(0, out.paddingLength(), "the padding belonged to the RED packet");
        assertEquals(7, out.sequenceNumber(), "sequence numbers stay continuous between RED and plain packets");
        assertArrayEquals(new byte[] {31, 32}, payloadOf(viewer.sentRtp.get(1), out));
        assertEquals(8, out.sequenceNumber());
        assertEquals(1, counter("red.primary_only"));
    }

    @Test
    void theMixerHearsThePrimaryBlock() throws Exception {
        FakeTransport publisher = transport();
        router.publish(publisher, audioWithRed());
        List<byte[]> heard = new ArrayList<>();
        router.installAudioTap(null, (stream, rtp, offset, length) ->
                heard.add(ByteBufUtil.getBytes(rtp.buffer(), offset, length)));
        receiveRtp(publisher, packet(7, RED, RED_PAYLOAD));
        receiveRtp(publisher, packet(8, OPUS, (byte) 31, (byte) 32));
        sync();
        assertEquals(2, heard.size());
        assertArrayEquals(new byte[] {21, 22, 23, 24}, heard.get(0));
        assertArrayEquals(new byte[] {31, 32}, heard.get(1));
    }

    @Test
    void dropsRedWhoseBlocksOverrunThePayloadOrCarryAnotherCodecAndRedNobodyNegotiated() throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        PublishedStream stream = router.publish(publisher, audioWithRed());
        router.subscribe(viewer, stream, subscriber(Map.of()));
        byte[] overrun = RED_PAYLOAD.clone();
        overrun[3] = 40;
        receiveRtp(publisher, packet(1, RED, overrun));
        byte[] otherCodec = RED_PAYLOAD.clone();
        otherCodec[4] = 0; // PCMU as the primary
        receiveRtp(publisher, packet(2, RED, otherCodec));
        assertTrue(viewer.sentRtp.isEmpty());
        assertEquals(2, counter("rtp.dropped.red_malformed"));

        FakeTransport plain = transport();
        router.publish(plain, audio(0x3333));
        receiveRtp(plain, packet(3, RED, RED_PAYLOAD).ssrc(0x3333));
        assertEquals(1, counter("rtp.dropped.payload_type"), "RED from a stream whose answer did not accept it");
    }
}
