package se.vardmote.media.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import se.vardmote.media.rtcp.PayloadFeedback;
import se.vardmote.media.rtcp.ReceiverReport;
import se.vardmote.media.rtcp.RtcpCompound;
import se.vardmote.media.rtcp.TransportCcFeedback;
import se.vardmote.media.rtcp.TransportFeedback;
import se.vardmote.media.testkit.FakeTransport;

/** What the router sends publishers as their receiver: transport-cc feedback and receiver reports. */
class ReceiverFeedbackTest extends RouterFixture {

    private FakeTransport publisherWithViewer() throws Exception {
        FakeTransport[] room = room(Map.of());
        return room[0];
    }

    private static List<TransportCcFeedback.Parsed> transportCc(FakeTransport publisher) {
        List<TransportCcFeedback.Parsed> out = new ArrayList<>();
        for (ByteBuf rtcp : publisher.sentRtcp) {
            RtcpCompound compound = new RtcpCompound().reset(rtcp);
            while (compound.next()) {
                TransportFeedback feedback = new TransportFeedback();
                TransportCcFeedback.Parsed parsed = new TransportCcFeedback.Parsed(TransportCcFeedback.MAX_STATUSES);
                if (compound.packetType() == RtcpCompound.RTPFB && feedback.wrap(compound)
                        && TransportCcFeedback.parse(feedback, parsed)) {
                    assertEquals(Router.ROUTER_SSRC, feedback.senderSsrc());
                    out.add(parsed);
                }
            }
        }
        return out;
    }

    private static List<ReceiverReport> receiverReports(FakeTransport publisher) {
        List<ReceiverReport> out = new ArrayList<>();
        for (ByteBuf rtcp : publisher.sentRtcp) {
            RtcpCompound compound = new RtcpCompound().reset(rtcp);
            while (compound.next()) {
                ReceiverReport rr = new ReceiverReport();
                if (compound.packetType() == RtcpCompound.RR && rr.wrap(compound)) {
                    out.add(rr);
                }
            }
        }
        return out;
    }

    @Test
    void reportsEveryTransportWideSequenceNumberOnTheNextTick() throws Exception {
        FakeTransport publisher = publisherWithViewer();
        receiveRtp(publisher, chromiumPacket(1, 0, 10));
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
        receiveRtp(publisher, chromiumPacket(2, 0, 11));
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
        receiveRtp(publisher, chromiumPacket(4, 0, 13));
        sendFeedback();

        List<TransportCcFeedback.Parsed> feedback = transportCc(publisher);
        assertEquals(1, feedback.size());
        TransportCcFeedback.Parsed f = feedback.get(0);
        assertEquals(10, f.baseSequence);
        assertEquals(4, f.count);
        assertTrue(f.symbols[0] != TransportCcFeedback.NOT_RECEIVED);
        assertTrue(f.symbols[1] != TransportCcFeedback.NOT_RECEIVED);
        assertEquals(TransportCcFeedback.NOT_RECEIVED, f.symbols[2], "12 never arrived");
        assertTrue(f.symbols[3] != TransportCcFeedback.NOT_RECEIVED);
        assertEquals(3, f.deltaCount);
        assertEquals(20, f.deltas[1], "5 ms between the first two, in 250 µs ticks");
        assertEquals(20, f.deltas[2]);
        assertEquals(1, counter("rtcp.transport_cc.sent"));

        onLoop(() -> {
            publisher.clearSent();
            return null;
        });
        sendFeedback();
        assertEquals(0, transportCc(publisher).size(), "nothing new, nothing sent");
        receiveRtp(publisher, chromiumPacket(5, 0, 14));
        sendFeedback();
        assertEquals(14, transportCc(publisher).get(0).baseSequence);
        assertEquals(1, transportCc(publisher).get(0).feedbackCount, "the feedback packet count goes up");
    }

    @Test
    void sendsAReceiverReportForEachPublishedSsrcOnceASecond() throws Exception {
        FakeTransport publisher = publisherWithViewer();
        for (int seq = 65530; seq < 65540; seq++) {
            if (seq != 65533) {
                receiveRtp(publisher, chromiumPacket(seq & 0xFFFF, 0, seq & 0xFFFF));
            }
        }
        for (int tick = 1; tick < ReceiverFeedback.REPORT_EVERY_TICKS; tick++) {
            sendFeedback();
        }
        assertEquals(0, receiverReports(publisher).size());
        sendFeedback();

        List<ReceiverReport> reports = receiverReports(publisher);
        assertEquals(1, reports.size());
        ReceiverReport rr = reports.get(0);
        assertEquals(Router.ROUTER_SSRC, rr.senderSsrc());
        assertEquals(1, rr.reportCount());
        assertEquals(PUBLISHER_SSRC, rr.reportSsrc(0));
        assertEquals(0x10000 + 3, rr.extendedHighestSequence(0), "one wrap, then 65539 mod 2^16 = 3");
        assertEquals(1, rr.cumulativeLost(0));
        assertEquals(256 / 10, rr.fractionLost(0), "1 of 10 expected");
        assertEquals(1, counter("rtcp.rr.sent"));
    }

    @Test
    void aSubscribersDownlinkEstimateCapsItsVideoPublisherByRemb() throws Exception {
        FakeTransport[] room = room(Map.of());
        receiveRtp(room[0], chromiumPacket(1, 0, 1)); // binds the stream
        aSecondOfFeedback();
        assertTrue(rembs(room[0]).isEmpty(), "no estimate from any subscriber: no cap");

        receiveRtcp(room[1], rembPacket(800_000));
        aSecondOfFeedback();
        assertTrue(rembs(room[0]).isEmpty(), "an estimate without lost packets caps nobody (a stalled browser's falls too)");

        receiveRtcp(room[1], nack(1)); // the subscriber's downlink lost a packet
        receiveRtcp(room[1], rembPacket(800_000));
        sendFeedback();
        List<Long> sent = rembs(room[0]);
        assertEquals(1, sent.size(), "a first cap goes at the next tick, not at the next second");
        assertTrue(Math.abs(sent.get(0) - 800_000) <= 800_000 / (1 << 17), "its one video stream may take it all: " + sent);
        assertEquals(1, counter("rtcp.remb.sent"));
        assertEquals(2, counter("rtcp.consumed.remb"));

        clock.addAndGet(ReceiverFeedback.ESTIMATE_FRESH_NANOS + 1);
        publisherClear(room[0]);
        aSecondOfFeedback();
        assertTrue(rembs(room[0]).isEmpty(), "a stale estimate caps nobody");
    }

    @Test
    void aNackForAPacketThePublishersUplinkLostCapsNobody() throws Exception {
        FakeTransport[] room = room(Map.of());
        receiveRtp(room[0], chromiumPacket(1, 0, 1));
        receiveRtp(room[0], chromiumPacket(3, 0, 3)); // 2 never reached the server
        receiveRtcp(room[1], nack(2)); // so it never reached the subscriber either
        receiveRtcp(room[1], rembPacket(500_000));
        aSecondOfFeedback();
        assertTrue(rembs(room[0]).isEmpty(), "the subscriber's downlink lost nothing: its publisher is not capped");
    }

    @Test
    void aCapSentAfterLossFollowsTheEstimateUpOnceTheLossHasPassedButNeverDownWithoutLoss() throws Exception {
        FakeTransport[] room = room(Map.of());
        receiveRtp(room[0], chromiumPacket(1, 0, 1));
        receiveRtcp(room[1], nack(1));
        receiveRtcp(room[1], rembPacket(500_000));
        sendFeedback();
        assertEquals(1, rembs(room[0]).size(), "capped after the loss");

        clock.addAndGet(ReceiverFeedback.CAP_AFTER_LOSS_NANOS + 1); // the loss has passed
        publisherClear(room[0]);
        receiveRtcp(room[1], rembPacket(400_000));
        aSecondOfFeedback();
        assertTrue(rembs(room[0]).isEmpty(), "a lower estimate without loss does not lower the cap (a stalled browser)");

        receiveRtcp(room[1], rembPacket(900_000));
        aSecondOfFeedback();
        List<Long> sent = rembs(room[0]);
        assertEquals(1, sent.size(), "the link recovered: the cap follows the estimate up");
        assertTrue(Math.abs(sent.get(0) - 900_000) <= 900_000 / (1 << 17), "raised to " + sent);

        publisherClear(room[0]);
        receiveRtcp(room[1], rembPacket(920_000));
        aSecondOfFeedback();
        assertTrue(rembs(room[0]).isEmpty(), "within 5 % of the cap: nothing new to say");
    }

    @Test
    void aFallingCapGoesAtTheNextTickAndASteadyOneOnceASecond() throws Exception {
        FakeTransport[] room = room(Map.of());
        receiveRtp(room[0], chromiumPacket(1, 0, 1));
        receiveRtcp(room[1], nack(1));
        receiveRtcp(room[1], rembPacket(1_000_000));
        aSecondOfFeedback();
        assertEquals(2, rembs(room[0]).size(), "the first cap at once, and again at the second");

        publisherClear(room[0]);
        receiveRtcp(room[1], rembPacket(980_000)); // 2 % lower: not worth a packet of its own
        sendFeedback();
        assertTrue(rembs(room[0]).isEmpty());

        receiveRtcp(room[1], rembPacket(700_000)); // the downlink narrowed
        sendFeedback();
        List<Long> sent = rembs(room[0]);
        assertEquals(1, sent.size(), "a fall goes at the next tick");
        assertTrue(Math.abs(sent.get(0) - 700_000) <= 700_000 / (1 << 17), "lowered to " + sent);
    }

    @Test
    void aVeryLowEstimateStillLetsAudioAndAThinPictureThrough() throws Exception {
        FakeTransport[] room = room(Map.of());
        receiveRtp(room[0], chromiumPacket(1, 0, 1));
        receiveRtcp(room[1], nack(1));
        receiveRtcp(room[1], rembPacket(20_000));
        sendFeedback();
        assertEquals(List.of(ReceiverFeedback.MIN_CAP), rembs(room[0]).stream()
                .map(b -> b >= ReceiverFeedback.MIN_CAP - 1 ? ReceiverFeedback.MIN_CAP : b).toList());
    }

    @Test
    void rembRoundTripsThroughItsMantissaAndExponent() {
        for (long bitrate : new long[] {0, 1, 262_143, 262_144, 1_500_000, 30_000_000_000L}) {
            ByteBuf buf = rembPacket(bitrate);
            RtcpCompound compound = new RtcpCompound().reset(buf);
            assertTrue(compound.next());
            PayloadFeedback feedback = new PayloadFeedback();
            assertTrue(feedback.wrap(compound) && feedback.isRemb());
            long got = feedback.rembBitrate();
            assertTrue(got <= bitrate && bitrate - got <= bitrate / (1 << 17), bitrate + " came back as " + got);
        }
    }

    private void publisherClear(FakeTransport publisher) throws Exception {
        onLoop(() -> {
            publisher.clearSent();
            return null;
        });
    }
}
