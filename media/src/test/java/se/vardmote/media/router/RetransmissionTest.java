package se.vardmote.media.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import se.vardmote.media.MediaKind;
import se.vardmote.media.rtcp.RtcpCompound;
import se.vardmote.media.rtcp.TransportFeedback;
import se.vardmote.media.rtp.RtpPacket;
import se.vardmote.media.rtp.RtpPacketFixture;
import se.vardmote.media.testkit.FakeTransport;

/** Retransmission at the server: publisher RTX unwrapped, subscriber NACKs answered from the stream's cache. */
class RetransmissionTest extends RouterFixture {

    static final int PUBLISHER_RTX_PT = 97;
    static final long PUBLISHER_RTX_SSRC = 0x5eed0002L;
    static final int SUBSCRIBER_RTX_PT = 101;
    static final long SUBSCRIBER_RTX_SSRC = 0x22220002L;

    private static StreamDescription videoWithRtx(long rtxSsrc) {
        StreamDescription plain = video(PUBLISHER_SSRC);
        return new StreamDescription(MediaKind.VIDEO, PUBLISHER_SSRC, "1", plain.codec(), plain.extensionIds(),
                PUBLISHER_RTX_PT, rtxSsrc);
    }

    private static SubscriberParameters subscriberWithRtx() {
        return new SubscriberParameters(SUBSCRIBER_SSRC, 100, Map.of(), SUBSCRIBER_RTX_PT, SUBSCRIBER_RTX_SSRC);
    }

    /** Publisher and viewer connected; PLIs of the subscribe cleared. */
    private FakeTransport[] room(StreamDescription published, SubscriberParameters viewerParameters) throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        router.subscribe(viewer, router.publish(publisher, published), viewerParameters);
        sync();
        onLoop(() -> {
            publisher.clearSent();
            return null;
        });
        return new FakeTransport[] {publisher, viewer};
    }

    private static ByteBuf nack(int... lost) {
        ByteBuf nack = Unpooled.buffer();
        TransportFeedback.writeNack(nack, 0xABCD, SUBSCRIBER_SSRC, lost, lost.length);
        return nack;
    }

    /** The RTX packet (RFC 4588 §4) a publisher sends to repair {@code original}. */
    private static RtpPacketFixture rtxOf(RtpPacketFixture original, int rtxSequence, long rtxSsrc) {
        RtpPacket view = new RtpPacket();
        ByteBuf buf = original.buffer();
        assertTrue(view.wrap(buf));
        byte[] payload = new byte[2 + view.payloadLength()];
        payload[0] = (byte) (view.sequenceNumber() >> 8);
        payload[1] = (byte) view.sequenceNumber();
        buf.getBytes(view.payloadOffset(), payload, 2, view.payloadLength());
        RtpPacketFixture rtx = new RtpPacketFixture().payloadType(PUBLISHER_RTX_PT).ssrc(rtxSsrc)
                .sequenceNumber(rtxSequence).timestamp(view.timestamp()).extension(4, (byte) '1').payload(payload);
        buf.release();
        return rtx;
    }

    private static byte[] payloadOf(ByteBuf packet) {
        RtpPacket view = new RtpPacket();
        assertTrue(view.wrap(packet));
        return ByteBufUtil.getBytes(packet, view.payloadOffset(), view.payloadLength());
    }

    @Test
    void answersASubscribersNackFromTheCacheOverRtxUnderTheSubscribersSequenceNumber() throws Exception {
        FakeTransport[] room = room(video(PUBLISHER_SSRC), subscriberWithRtx());
        for (int seq = 100; seq <= 104; seq++) {
            receiveRtp(room[0], chromiumPacket(seq, 9000));
        }
        receiveRtcp(room[1], nack(102));

        assertEquals(6, room[1].sentRtp.size());
        ByteBuf sent = room[1].sentRtp.get(5);
        RtpPacket rtx = new RtpPacket();
        assertTrue(rtx.wrap(sent));
        assertEquals(SUBSCRIBER_RTX_PT, rtx.payloadType());
        assertEquals(SUBSCRIBER_RTX_SSRC, rtx.ssrc());
        assertEquals(9000, rtx.timestamp());
        byte[] payload = payloadOf(sent);
        assertEquals(102, ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF), "OSN: the sequence number the viewer lost");
        assertArrayEquals(payloadOf(room[1].sentRtp.get(2)), Arrays.copyOfRange(payload, 2, payload.length));
        assertEquals(0, room[0].sentRtcp.size(), "the publisher is not asked for what the server has");
        assertEquals(1, counter("rtcp.nack.answered_from_cache"));
        assertEquals(1, counter("rtx.sent"));
    }

    @Test
    void resendsThePacketAsFirstSentToASubscriberWithoutRtx() throws Exception {
        FakeTransport[] room = room(video(PUBLISHER_SSRC), subscriber(Map.of()));
        for (int seq = 100; seq <= 104; seq++) {
            receiveRtp(room[0], chromiumPacket(seq, 9000));
        }
        receiveRtcp(room[1], nack(101, 103));

        assertEquals(7, room[1].sentRtp.size());
        assertEquals(room[1].sentRtp.get(1), room[1].sentRtp.get(5), "the same bytes as the first time");
        assertEquals(room[1].sentRtp.get(3), room[1].sentRtp.get(6));
        assertEquals(2, counter("rtp.resent"));
    }

    @Test
    void answersThroughTheOffsetsOfARepublishedStream() throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        PublishedStream first = router.publish(publisher, video(PUBLISHER_SSRC));
        Subscription subscription = router.subscribe(viewer, first, subscriberWithRtx());
        receiveRtp(publisher, chromiumPacket(65000, 1));
        PublishedStream second = router.publish(publisher, video(0x3333));
        router.switchStream(subscription, second);
        for (int seq = 10; seq <= 12; seq++) {
            receiveRtp(publisher, chromiumPacket(seq, 5, seq).ssrc(0x3333)); // out 65001..65003
        }
        receiveRtcp(viewer, nack(65000, 65002));

        assertEquals(5, viewer.sentRtp.size(), "65000 was the old stream's; only 65002 is answered");
        byte[] payload = payloadOf(viewer.sentRtp.get(4));
        assertEquals(65002, ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF));
        assertEquals(11, payload[payload.length - 1], "the new stream's packet 11");
        assertEquals(1, counter("rtcp.nack.too_old"));
    }

    @Test
    void asksThePublisherForAGapAndForwardsItsRtxRepairToEverySubscriber() throws Exception {
        FakeTransport[] room = room(videoWithRtx(PUBLISHER_RTX_SSRC), subscriberWithRtx());
        receiveRtp(room[0], chromiumPacket(100, 9000));
        receiveRtp(room[0], chromiumPacket(101, 9000));
        receiveRtp(room[0], chromiumPacket(103, 9000));
        receiveRtcp(room[1], nack(102));
        assertEquals(1, counter("rtcp.nack.not_in_cache"));
        sendFeedback();

        TransportFeedback upstream = onlyNack(room[0]);
        assertEquals(PUBLISHER_SSRC, upstream.mediaSsrc());
        assertEquals(1, upstream.nackCount());
        assertEquals(102, upstream.nackPacketId(0));
        assertEquals(0, upstream.nackLostBitmask(0));

        receiveRtp(room[0], rtxOf(chromiumPacket(102, 9000, 102), 7000, PUBLISHER_RTX_SSRC));
        assertEquals(4, room[1].sentRtp.size());
        RtpPacket repaired = new RtpPacket();
        assertTrue(repaired.wrap(room[1].sentRtp.get(3)));
        assertEquals(102, repaired.sequenceNumber());
        assertEquals(100, repaired.payloadType());
        assertEquals(SUBSCRIBER_SSRC, repaired.ssrc());
        assertEquals(102, payloadOf(room[1].sentRtp.get(3))[6], "the original payload, OSN removed");
        assertEquals(1, counter("rtx.recovered"));

        // Now in the cache: the viewer's next NACK for it is answered by the server.
        receiveRtcp(room[1], nack(102));
        assertEquals(5, room[1].sentRtp.size());
    }

    @Test
    void bindsAnUnsignalledRtxSsrcByMid() throws Exception {
        FakeTransport[] room = room(videoWithRtx(0), subscriber(Map.of()));
        receiveRtp(room[0], chromiumPacket(100, 9000));
        receiveRtp(room[0], chromiumPacket(102, 9000));
        receiveRtp(room[0], rtxOf(chromiumPacket(101, 9000), 1, 0xAAAA));

        assertEquals(3, room[1].sentRtp.size());
        RtpPacket repaired = new RtpPacket();
        assertTrue(repaired.wrap(room[1].sentRtp.get(2)));
        assertEquals(101, repaired.sequenceNumber());
        assertEquals(1, counter("rtx.recovered"));
    }

    @Test
    void dropsRtxThatRepairsNothing() throws Exception {
        FakeTransport[] room = room(videoWithRtx(PUBLISHER_RTX_SSRC), subscriber(Map.of()));
        receiveRtp(room[0], chromiumPacket(100, 9000));
        receiveRtp(room[0], chromiumPacket(101, 9000));
        // Chromium probes bandwidth with old packets and with padding on its RTX stream.
        receiveRtp(room[0], rtxOf(chromiumPacket(100, 9000), 1, PUBLISHER_RTX_SSRC));
        receiveRtp(room[0], new RtpPacketFixture().payloadType(PUBLISHER_RTX_PT).ssrc(PUBLISHER_RTX_SSRC)
                .sequenceNumber(2).timestamp(9000).payload().padding(224));

        assertEquals(2, room[1].sentRtp.size());
        assertEquals(1, counter("rtx.redundant"));
        assertEquals(1, counter("rtx.padding"));
    }

    @Test
    void aNackRepeatedBeforeTheRepairCouldHaveArrivedIsNotAnsweredAgain() throws Exception {
        FakeTransport[] room = room(video(PUBLISHER_SSRC), subscriberWithRtx());
        for (int seq = 100; seq <= 104; seq++) {
            receiveRtp(room[0], chromiumPacket(seq, 9000));
        }
        receiveRtcp(room[1], nack(102));
        receiveRtcp(room[1], nack(102)); // the browser's idea of the round trip is shorter than the queue's
        assertEquals(6, room[1].sentRtp.size(), "one repair on its way");
        assertEquals(1, counter("rtcp.nack.resent_lately"));

        clock.addAndGet(RecentRepairs.DEFAULT_INTERVAL_NANOS); // a round trip later: the repair was lost too
        receiveRtcp(room[1], nack(102));
        assertEquals(7, room[1].sentRtp.size());
        assertEquals(2, counter("rtx.sent"));
    }

    /** A video packet of {@code seq} with a 1000-byte payload. */
    private static RtpPacketFixture largePacket(int seq) {
        byte[] payload = new byte[1000];
        payload[0] = (byte) 0x90;
        payload[2] = (byte) 0x80;
        payload[3] = (byte) 0x76;
        return new RtpPacketFixture().payloadType(96).ssrc(PUBLISHER_SSRC).sequenceNumber(seq).timestamp(9000)
                .extension(4, (byte) '1').payload(payload);
    }

    @Test
    void repairsTakeNoMoreThanHalfTheSubscribersDownlink() throws Exception {
        FakeTransport[] room = room(video(PUBLISHER_SSRC), subscriberWithRtx());
        receiveRtcp(room[1], rembPacket(80_000)); // repairs at 5000 bytes/s, 2400 at once
        for (int seq = 100; seq <= 109; seq++) {
            receiveRtp(room[0], largePacket(seq));
        }
        receiveRtcp(room[1], nack(100, 101, 102, 103, 104, 105, 106, 107, 108, 109)); // all lost: its link is full
        assertEquals(12, room[1].sentRtp.size(), "two repairs of about 1000 bytes");
        assertEquals(8, counter("rtcp.nack.over_budget"));

        clock.addAndGet(RepairBudget.DEPTH_NANOS); // 1250 bytes more
        receiveRtcp(room[1], nack(102, 103, 104));
        assertEquals(13, room[1].sentRtp.size());
    }

    private static TransportFeedback onlyNack(FakeTransport publisher) {
        TransportFeedback found = null;
        for (ByteBuf rtcp : publisher.sentRtcp) {
            RtcpCompound compound = new RtcpCompound().reset(rtcp);
            while (compound.next()) {
                TransportFeedback feedback = new TransportFeedback();
                if (compound.packetType() == RtcpCompound.RTPFB && feedback.wrap(compound) && feedback.isGenericNack()) {
                    assertEquals(null, found, "one NACK");
                    found = feedback;
                }
            }
        }
        assertTrue(found != null, "a NACK to the publisher");
        return found;
    }
}
