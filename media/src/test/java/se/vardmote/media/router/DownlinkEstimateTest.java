package se.vardmote.media.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import se.vardmote.media.rtcp.TransportCcFeedback;
import se.vardmote.media.rtp.RtpHeaderExtension;
import se.vardmote.media.rtp.RtpPacket;
import se.vardmote.media.testkit.FakeTransport;

/**
 * A subscriber that reports arrivals by transport-wide sequence number is estimated by the server: every
 * packet to it carries the element for its transport to number, its feedback sets its downlink estimate (its
 * own REMB no longer does), and a probe goes out as padding on an RTX stream.
 */
class DownlinkEstimateTest extends RouterFixture {
    private static final int SUBSCRIBER_TWCC = 5;
    private static final int RTX_PT = 97;
    private static final long RTX_SSRC = 0x22220002L;

    private FakeTransport[] roomWithTransportCc() throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        PublishedStream stream = router.publish(publisher, video(PUBLISHER_SSRC));
        router.subscribe(viewer, stream, new SubscriberParameters(SUBSCRIBER_SSRC, 100,
                Map.of(TRANSPORT_CC, SUBSCRIBER_TWCC), RTX_PT, RTX_SSRC));
        sync();
        onLoop(() -> {
            publisher.clearSent();
            return null;
        });
        return new FakeTransport[] {publisher, viewer};
    }

    /** Feedback from the subscriber that packets 0..count-1 arrived 1 ms apart. */
    private static ByteBuf arrivals(int count) {
        byte[] symbols = new byte[count];
        short[] deltas = new short[count];
        for (int i = 0; i < count; i++) {
            symbols[i] = TransportCcFeedback.SMALL_DELTA;
            deltas[i] = 4; // 4 × 250 µs
        }
        ByteBuf out = Unpooled.buffer();
        TransportCcFeedback.write(out, (int) SUBSCRIBER_SSRC, 0x1234, 0, 100, 0, symbols, count, deltas);
        return out;
    }

    /**
     * Records {@code count} packets (transport-wide {@code from}..) as sent to the subscriber and returns its
     * feedback on them: each arrived 1 ms after the last, but those in {@code lost} (offsets from {@code from}).
     */
    private ByteBuf sentAndArrived(FakeTransport subscriber, int from, int count, int... lost) throws Exception {
        onLoop(() -> {
            for (int i = 0; i < count; i++) subscriber.numberedInto.onSent(from + i, clock.get(), 1000, -1);
            return null;
        });
        byte[] symbols = new byte[count];
        short[] deltas = new short[count];
        int received = 0;
        for (int i = 0; i < count; i++) {
            final int sequence = i;
            if (java.util.stream.IntStream.of(lost).anyMatch(l -> l == sequence)) {
                symbols[i] = TransportCcFeedback.NOT_RECEIVED;
            } else {
                symbols[i] = TransportCcFeedback.SMALL_DELTA;
                deltas[received++] = 4;
            }
        }
        ByteBuf out = Unpooled.buffer();
        TransportCcFeedback.write(out, (int) SUBSCRIBER_SSRC, 0x1234, from, 100, 0, symbols, count, deltas);
        return out;
    }

    @Test
    void everyPacketToTheSubscriberCarriesAnEmptyTransportWideSequenceNumberForItsTransportToFillIn() throws Exception {
        FakeTransport[] room = roomWithTransportCc();
        assertEquals(SUBSCRIBER_TWCC, room[1].numberedExtensionId, "the transport numbers packets under the subscriber's id");
        assertNotNull(room[1].numberedInto);

        receiveRtp(room[0], chromiumPacket(1, 0, 0x4242)); // the publisher's own number: not the subscriber's
        sync();
        assertEquals(1, room[1].sentRtp.size());
        RtpPacket out = new RtpPacket();
        assertTrue(out.wrap(room[1].sentRtp.get(0)));
        RtpHeaderExtension element = new RtpHeaderExtension();
        assertTrue(out.findExtension(SUBSCRIBER_TWCC, element));
        assertEquals(2, element.dataLength());
        assertEquals(0, out.buffer().getUnsignedShort(element.dataOffset()), "left for the transport to fill in");
    }

    @Test
    void theSubscribersFeedbackSetsItsEstimateAndItsOwnRembIsThenIgnored() throws Exception {
        FakeTransport[] room = roomWithTransportCc();
        receiveRtcp(room[1], rembPacket(300_000));
        sync();
        assertEquals(300_000, room[1].downlinkEstimate, "before any feedback, the browser's own estimate serves");

        receiveRtp(room[0], chromiumPacket(1, 0, 1));
        receiveRtcp(room[1], arrivals(1));
        assertEquals(1, counter("rtcp.consumed.transport_cc"));
        long estimated = room[1].downlinkEstimate;
        assertEquals(DownlinkProbing.START_ESTIMATE, estimated, "the server's estimate starts where it was set to");

        receiveRtcp(room[1], rembPacket(200_000));
        sync();
        assertEquals(estimated, room[1].downlinkEstimate, "the REMB no longer sets the estimate");
        assertEquals(2, counter("rtcp.consumed.remb"));
    }

    @Test
    void aPublisherIsCappedBelowTheServersEstimateSoRepairsAndProbesFitBesideItsVideo() throws Exception {
        FakeTransport[] room = roomWithTransportCc();
        receiveRtp(room[0], chromiumPacket(1, 0, 1));
        receiveRtcp(room[1], sentAndArrived(room[1], 0, 20, 7)); // its downlink lost 1 of 20: its publisher is capped
        sendFeedback();
        List<Long> sent = rembs(room[0]);
        assertEquals(1, sent.size());
        long expected = (long) (ReceiverFeedback.SERVER_ESTIMATE_VIDEO_FRACTION * DownlinkProbing.START_ESTIMATE);
        assertTrue(Math.abs(sent.get(0) - expected) <= expected / (1 << 17), "capped at " + sent + ", not " + expected);
    }

    @Test
    void aNackFromASubscriberWhoseArrivalsTheServerHearsIsNoSignOfItsDownlinkLosingPackets() throws Exception {
        FakeTransport[] room = roomWithTransportCc();
        receiveRtp(room[0], chromiumPacket(1, 0, 1));
        receiveRtcp(room[1], sentAndArrived(room[1], 0, 20));
        receiveRtcp(room[1], nack(1)); // its jitter buffer's view; the feedback says everything sent arrived
        sendFeedback();
        assertTrue(rembs(room[0]).isEmpty(), "nothing lost on its downlink: no cap");

        receiveRtcp(room[1], sentAndArrived(room[1], 20, 100, 50)); // 1 %: noise, not a full link
        sendFeedback();
        assertTrue(rembs(room[0]).isEmpty(), "under 2 % lost: no cap");
    }

    @Test
    void aProbeGoesOutAsPaddingOnlyPacketsOnTheRtxStream() throws Exception {
        FakeTransport[] room = roomWithTransportCc();
        receiveRtp(room[0], chromiumPacket(1, 0, 1));
        sync();
        onLoop(() -> {
            room[1].clearSent();
            return null;
        });
        receiveRtcp(room[1], arrivals(1)); // the first feedback starts the first probe cluster
        assertEquals(1, counter("rtp.probes.sent"));
        long padding = counter("rtp.probe_padding.sent");
        assertTrue(padding >= 5, padding + " padding packets");
        sync();
        assertEquals(padding, room[1].sentRtp.size());
        int bytes = 0;
        RtpPacket out = new RtpPacket();
        RtpHeaderExtension element = new RtpHeaderExtension();
        for (ByteBuf b : room[1].sentRtp) {
            assertTrue(out.wrap(b));
            assertEquals(RTX_PT, out.payloadType());
            assertEquals(RTX_SSRC, out.ssrc());
            assertTrue(out.hasPadding());
            assertEquals(0, out.payloadLength(), "nothing but padding: the browser repairs nothing with it");
            assertTrue(out.findExtension(SUBSCRIBER_TWCC, element), "counted by the subscriber's transport-cc");
            bytes += out.paddingLength();
        }
        // The first cluster: 3 × the start estimate for 15 ms.
        long expected = (long) (3 * DownlinkProbing.START_ESTIMATE * 0.015 / 8);
        assertTrue(Math.abs(bytes - expected) <= padding, bytes + " bytes of padding, " + expected + " expected");
    }
}
