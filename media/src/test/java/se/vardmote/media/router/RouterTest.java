package se.vardmote.media.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import se.vardmote.media.MediaKind;
import se.vardmote.media.rtcp.PayloadFeedback;
import se.vardmote.media.rtcp.RtcpCompound;
import se.vardmote.media.rtcp.SenderReport;
import se.vardmote.media.rtcp.TransportFeedback;
import se.vardmote.media.rtp.RtpHeaderExtension;
import se.vardmote.media.rtp.RtpPacket;
import se.vardmote.media.rtp.RtpPacketFixture;
import se.vardmote.media.testkit.FakeTransport;

class RouterTest extends RouterFixture {

    @Test
    void forwardsWithSubscriberSsrcPayloadTypeAndExtensionIds() throws Exception {
        FakeTransport[] room = room(Map.of(MID, 1, ABS_SEND_TIME, 5));
        receiveRtp(room[0], chromiumPacket(6699, 0x5e0f3c21L).marker(true));

        assertEquals(1, room[1].sentRtp.size());
        RtpPacket out = new RtpPacket();
        ByteBuf sent = room[1].sentRtp.get(0);
        assertTrue(out.wrap(sent));
        assertEquals(SUBSCRIBER_SSRC, out.ssrc());
        assertEquals(100, out.payloadType());
        assertTrue(out.marker());
        assertEquals(6699, out.sequenceNumber());
        assertEquals(0x5e0f3c21L, out.timestamp());
        RtpHeaderExtension ext = new RtpHeaderExtension();
        assertTrue(out.extensions(ext));
        assertTrue(ext.next());
        assertEquals(1, ext.id());
        assertEquals("1", sent.toString(ext.dataOffset(), 1, StandardCharsets.US_ASCII));
        assertTrue(ext.next(), "abs-send-time: the server's own send time, not the publisher's");
        assertEquals(5, ext.id());
        assertEquals(3, ext.dataLength());
        int absSendTime = sent.getUnsignedMedium(ext.dataOffset());
        int now = Subscription.absSendTime(clock.get()); // the router's clock
        assertTrue(((now - absSendTime) & 0xFFFFFF) < (1 << 18), "sent within the last second: " + absSendTime + " vs " + now);
        assertFalse(ext.next(), "transport-cc is not negotiated by the subscriber and must be stripped");
        assertEquals(7, out.payloadLength());
        assertEquals(0x76, sent.getUnsignedByte(out.payloadOffset() + 3));
        assertEquals(1, counter("rtp.forwarded"));
    }

    @Test
    void dropsExtensionBlockWhenSubscriberIdNeedsTwoByteForm() throws Exception {
        FakeTransport[] room = room(Map.of(MID, 20));
        receiveRtp(room[0], chromiumPacket(1, 1));
        RtpPacket out = new RtpPacket();
        assertTrue(out.wrap(room[1].sentRtp.get(0)));
        assertFalse(out.hasExtension());
        assertEquals(7, out.payloadLength());
        assertEquals(1, counter("rtp.extensions.dropped"));
    }

    @Test
    void keepsPaddingAndCsrcs() throws Exception {
        FakeTransport[] room = room(Map.of());
        receiveRtp(room[0], chromiumPacket(1, 1).csrcs(77).padding(3));
        RtpPacket out = new RtpPacket();
        assertTrue(out.wrap(room[1].sentRtp.get(0)));
        assertFalse(out.hasExtension());
        assertEquals(1, out.csrcCount());
        assertEquals(77, out.csrc(0));
        assertEquals(3, out.paddingLength());
        assertEquals(7, out.payloadLength());
    }

    @Test
    void dropsPacketsOfOtherPayloadTypesAndUnknownSsrcs() throws Exception {
        FakeTransport[] room = room(Map.of());
        receiveRtp(room[0], chromiumPacket(1, 1).payloadType(97)); // RTX
        receiveRtp(room[0], chromiumPacket(2, 1).ssrc(12345));
        assertTrue(room[1].sentRtp.isEmpty());
        assertEquals(1, counter("rtp.dropped.payload_type"));
        assertEquals(1, counter("rtp.dropped.unknown_ssrc"));
    }

    @Test
    void skipsSubscribersWhoseTransportIsNotConnected() throws Exception {
        FakeTransport[] room = room(Map.of());
        room[1].connected = false;
        receiveRtp(room[0], chromiumPacket(1, 1));
        assertTrue(room[1].sentRtp.isEmpty());
        assertEquals(1, counter("rtp.dropped.not_connected"));
    }

    @Test
    void bindsUnsignalledSsrcByMidExtension() throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        PublishedStream stream = router.publish(publisher, video(0));
        router.subscribe(viewer, stream, subscriber(Map.of()));
        receiveRtp(publisher, chromiumPacket(10, 1));
        assertEquals(PUBLISHER_SSRC, stream.ssrc());
        assertEquals(1, viewer.sentRtp.size());
        assertEquals(1, counter("rtp.ssrc.bound_by_mid"));
        receiveRtp(publisher, new RtpPacketFixture().ssrc(PUBLISHER_SSRC).sequenceNumber(11));
        assertEquals(2, viewer.sentRtp.size(), "later packets need no MID");
    }

    @Test
    void keepsSequenceAndTimestampContinuousAcrossRepublish() throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        PublishedStream first = router.publish(publisher, video(PUBLISHER_SSRC));
        Subscription subscription = router.subscribe(viewer, first, subscriber(Map.of()));
        receiveRtp(publisher, chromiumPacket(100, 9000));
        receiveRtp(publisher, chromiumPacket(101, 12000));

        FakeTransport republisher = transport();
        PublishedStream second = router.publish(republisher, video(0x3333));
        router.switchStream(subscription, second);
        router.unpublish(first);
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(20));
        receiveRtp(republisher, chromiumPacket(5000, 777_777).ssrc(0x3333));
        receiveRtp(republisher, chromiumPacket(5001, 780_777).ssrc(0x3333));

        RtpPacket out = new RtpPacket();
        assertEquals(4, viewer.sentRtp.size());
        assertTrue(out.wrap(viewer.sentRtp.get(2)));
        assertEquals(102, out.sequenceNumber());
        assertEquals(12000 + 1800, out.timestamp(), "20 ms at 90 kHz after the last packet");
        assertEquals(SUBSCRIBER_SSRC, out.ssrc());
        assertTrue(out.wrap(viewer.sentRtp.get(3)));
        assertEquals(103, out.sequenceNumber());
        assertEquals(12000 + 1800 + 3000, out.timestamp());
        assertEquals(1, router.subscriptionCount());
        assertEquals(1, router.streamCount());
    }

    @Test
    void rewritesSenderReportForEachSubscriber() throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        PublishedStream first = router.publish(publisher, video(PUBLISHER_SSRC));
        Subscription subscription = router.subscribe(viewer, first, subscriber(Map.of()));
        receiveRtp(publisher, chromiumPacket(100, 9000));
        PublishedStream second = router.publish(publisher, video(0x3333));
        router.switchStream(subscription, second);
        receiveRtp(publisher, chromiumPacket(7, 500_000).ssrc(0x3333)); // offset: 9001 - 500000 mod 2^32

        ByteBuf sr = Unpooled.buffer();
        SenderReport.write(sr, 0x3333, 0xE1234567_00000000L, 503_000, 42, 4200);
        new RtcpPacketsAppender(sr).sdes(0x3333);
        receiveRtcp(publisher, sr);

        assertEquals(1, viewer.sentRtcp.size());
        RtcpCompound compound = new RtcpCompound().reset(viewer.sentRtcp.get(0));
        assertTrue(compound.next());
        SenderReport out = new SenderReport();
        assertTrue(out.wrap(compound));
        assertEquals(SUBSCRIBER_SSRC, out.senderSsrc());
        assertEquals(9001 + 3000, out.rtpTimestamp());
        assertEquals(0xE1234567_00000000L, out.ntpTimestamp());
        assertEquals(0, out.reportCount());
        assertFalse(compound.next(), "the publisher's SDES is consumed");
        assertEquals(1, counter("rtcp.sr.forwarded"));
        assertEquals(1, counter("rtcp.consumed.sdes"));
    }

    @Test
    void forwardsSubscriberPliToPublisherWithPublisherSsrc() throws Exception {
        FakeTransport[] room = room(Map.of());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        ByteBuf pli = Unpooled.buffer();
        PayloadFeedback.writePli(pli, 0xABCD, SUBSCRIBER_SSRC);
        receiveRtcp(room[1], pli);

        assertEquals(1, room[0].sentRtcp.size());
        PayloadFeedback out = new PayloadFeedback();
        RtcpCompound compound = new RtcpCompound().reset(room[0].sentRtcp.get(0));
        assertTrue(compound.next());
        assertTrue(out.wrap(compound));
        assertTrue(out.isPli());
        assertEquals(PUBLISHER_SSRC, out.mediaSsrc());
        assertEquals(Router.ROUTER_SSRC, out.senderSsrc());
        assertEquals(1, counter("rtcp.pli.forwarded"));
    }

    @Test
    void forwardsSubscriberFirAsFirWithItsOwnSequenceNumber() throws Exception {
        FakeTransport[] room = room(Map.of());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        ByteBuf fir = Unpooled.buffer();
        PayloadFeedback.writeFir(fir, 0xABCD, SUBSCRIBER_SSRC, 200);
        receiveRtcp(room[1], fir);

        PayloadFeedback out = new PayloadFeedback();
        RtcpCompound compound = new RtcpCompound().reset(room[0].sentRtcp.get(0));
        assertTrue(compound.next());
        assertTrue(out.wrap(compound));
        assertTrue(out.isFir());
        assertEquals(PUBLISHER_SSRC, out.firSsrc(0));
        assertEquals(1, out.firSequenceNumber(0));
        assertEquals(1, counter("rtcp.fir.forwarded"));
    }

    @Test
    void rateLimitsKeyframeRequestsPerStream() throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        PublishedStream stream = router.publish(publisher, video(PUBLISHER_SSRC));
        router.subscribe(viewer, stream, subscriber(Map.of()));
        sync();
        assertEquals(1, publisher.sentRtcp.size(), "PLI on subscribe");

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        for (int i = 0; i < 3; i++) {
            ByteBuf pli = Unpooled.buffer();
            PayloadFeedback.writePli(pli, 0xABCD, SUBSCRIBER_SSRC);
            receiveRtcp(viewer, pli);
        }
        assertEquals(1, publisher.sentRtcp.size());
        assertEquals(3, counter("rtcp.pli.suppressed"));

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        ByteBuf pli = Unpooled.buffer();
        PayloadFeedback.writePli(pli, 0xABCD, SUBSCRIBER_SSRC);
        receiveRtcp(viewer, pli);
        assertEquals(2, publisher.sentRtcp.size());
        assertEquals(1, counter("rtcp.pli.forwarded"));
        assertEquals(1, counter("rtcp.pli.sent"));
    }

    /** Audio has no retransmission buffer at the server; what a subscriber misses the publisher may resend. */
    @Test
    void forwardsAudioNackUpstreamThroughTheOffset() throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        PublishedStream first = router.publish(publisher, audio(PUBLISHER_SSRC));
        Subscription subscription = router.subscribe(viewer, first, subscriber(Map.of()));
        receiveRtp(publisher, chromiumPacket(65000, 1).payloadType(111));
        PublishedStream second = router.publish(publisher, audio(0x3333));
        router.switchStream(subscription, second);
        receiveRtp(publisher, chromiumPacket(10, 5).ssrc(0x3333).payloadType(111)); // out 65001: offset 64991
        onLoop(() -> {
            publisher.clearSent();
            return null;
        });

        ByteBuf nack = Unpooled.buffer();
        int[] lost = {65003, 65004, 65010};
        TransportFeedback.writeNack(nack, 0xABCD, SUBSCRIBER_SSRC, lost, lost.length);
        receiveRtcp(viewer, nack);

        assertEquals(1, publisher.sentRtcp.size());
        TransportFeedback out = new TransportFeedback();
        RtcpCompound compound = new RtcpCompound().reset(publisher.sentRtcp.get(0));
        assertTrue(compound.next());
        assertTrue(out.wrap(compound));
        assertTrue(out.isGenericNack());
        assertEquals(0x3333, out.mediaSsrc());
        assertEquals(1, out.nackCount());
        assertEquals(12, out.nackPacketId(0));
        assertEquals(0b1000001, out.nackLostBitmask(0), "+1 and +7: the BLP is relative and unchanged");
        assertEquals(1, counter("rtcp.nack.forwarded"));
    }

    @Test
    void sendsPliOnSubscribeAndWhenTheSubscriberConnects() throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        FakeTransport lateViewer = transport();
        lateViewer.connected = false;
        PublishedStream stream = router.publish(publisher, video(PUBLISHER_SSRC));
        router.subscribe(viewer, stream, subscriber(Map.of()));
        router.subscribe(lateViewer, stream, subscriber(Map.of()));
        assertEquals(1, counter("rtcp.pli.sent"));

        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        lateViewer.connected = true;
        onLoop(() -> {
            lateViewer.receiver.onConnected(lateViewer);
            return null;
        });
        assertEquals(2, publisher.sentRtcp.size());
        assertEquals(2, counter("rtcp.pli.sent"));
        PayloadFeedback out = new PayloadFeedback();
        RtcpCompound compound = new RtcpCompound().reset(publisher.sentRtcp.get(1));
        assertTrue(compound.next());
        assertTrue(out.wrap(compound));
        assertEquals(PUBLISHER_SSRC, out.mediaSsrc());
    }

    @Test
    void sendsNoPliForAudio() throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        PublishedStream stream = router.publish(publisher, new StreamDescription(MediaKind.AUDIO, 5, "0",
                new RtpCodec("opus", 48_000, 2, 111), Map.of()));
        router.subscribe(viewer, stream, new SubscriberParameters(6, 111, Map.of()));
        sync();
        assertTrue(publisher.sentRtcp.isEmpty());
    }

    @Test
    void consumesReceiverReportsAndRembFromSubscribers() throws Exception {
        FakeTransport[] room = room(Map.of());
        ByteBuf compound = Unpooled.buffer();
        compound.writeBytes(io.netty.buffer.ByteBufUtil.decodeHexDump(
                "80c90001" + "00000001" + "8fce0005" + "00000001" + "00000000" + "52454d42" + "010bcd31"
                + Long.toHexString(0x1_0000_0000L | SUBSCRIBER_SSRC).substring(1)));
        receiveRtcp(room[1], compound);
        assertTrue(room[0].sentRtcp.isEmpty());
        assertEquals(1, counter("rtcp.consumed.rr"));
        assertEquals(1, counter("rtcp.consumed.remb"));
    }

    @Test
    void removeTransportDropsItsStreamsAndTheirSubscriptions() throws Exception {
        FakeTransport[] room = room(Map.of());
        FakeTransport other = transport();
        PublishedStream otherStream = router.publish(other, video(0x4444));
        router.subscribe(room[0], otherStream, new SubscriberParameters(0x5555, 100, Map.of()));
        receiveRtp(room[0], chromiumPacket(1, 1));
        sync();
        assertEquals(2, router.streamCount());
        assertEquals(2, router.subscriptionCount());

        router.removeTransport(room[0]);
        sync();
        assertEquals(1, room[0].closeCount);
        assertEquals(1, router.streamCount(), "the other publisher's stream stays");
        assertEquals(0, router.subscriptionCount(), "viewer's subscription to the removed stream is gone too");
        receiveRtp(room[0], chromiumPacket(2, 2));
        assertEquals(1, room[1].sentRtp.size());
        assertEquals(1, counter("rtp.dropped.unknown_ssrc"));
    }

    @Test
    void transportClosingByItselfCleansUp() throws Exception {
        FakeTransport[] room = room(Map.of());
        onLoop(() -> {
            room[1].close();
            return null;
        });
        assertEquals(0, router.subscriptionCount());
        assertEquals(1, router.streamCount());
    }

    @Test
    void sendsOneDeferredPliWhenTheIntervalEnds() throws Exception {
        FakeTransport[] room = room(Map.of());
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(400));
        ByteBuf pli = Unpooled.buffer();
        PayloadFeedback.writePli(pli, 0xABCD, SUBSCRIBER_SSRC);
        receiveRtcp(room[1], pli);
        assertEquals(1, counter("rtcp.pli.suppressed"));
        assertTrue(room[0].sentRtcp.isEmpty());

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (counter("rtcp.pli.sent") < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(2, counter("rtcp.pli.sent"), "the suppressed request is served when the interval ends");
        assertEquals(1, room[0].sentRtcp.size());
    }

    @Test
    void forwardsWithoutAllocatingPerPacket() throws Exception {
        FakeTransport[] room = room(Map.of(MID, 1, ABS_SEND_TIME, 5));
        FakeTransport second = transport();
        router.subscribe(second, router.publish(transport(), video(0x9999)), subscriber(Map.of()));
        sync();
        room[1].recycleOneBuffer();
        ByteBuf packet = chromiumPacket(1, 1).buffer();
        inputs.add(packet);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocated = onLoop(() -> {
            for (int i = 0; i < 20_000; i++) {
                room[0].receiver.onRtp(room[0], packet);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                room[0].receiver.onRtp(room[0], packet);
            }
            return threads.getCurrentThreadAllocatedBytes() - before;
        });
        assertEquals(120_000, counter("rtp.forwarded"));
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for 100000 packets");
    }

    /** Appends the other RTCP packets a publisher's compound carries. */
    private record RtcpPacketsAppender(ByteBuf buf) {
        RtcpPacketsAppender sdes(long ssrc) {
            buf.writeInt(0x81CA0003);
            buf.writeInt((int) ssrc);
            buf.writeBytes(new byte[] {1, 3, 'a', 'b', 'c', 0, 0, 0});
            return this;
        }
    }
}
