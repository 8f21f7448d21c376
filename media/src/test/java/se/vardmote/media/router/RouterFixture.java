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

/**
 * A router on its own loop with fake transports, a settable clock, and the packets a Chromium publisher
 * sends; shared by the router's tests. The router runs no feedback timer: tests call
 * {@link #sendFeedback()}.
 */
abstract class RouterFixture {

    static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    static final String TRANSPORT_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    static final long PUBLISHER_SSRC = 0x1b7c2b46L;
    static final long SUBSCRIBER_SSRC = 0x22220001L;

    DefaultEventLoop loop;
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final List<FakeTransport> transports = new ArrayList<>();
    final List<ByteBuf> inputs = new ArrayList<>();
    Router router;

    @BeforeEach
    void start() {
        loop = new DefaultEventLoop();
        router = new Router(loop, receiver -> {
            FakeTransport t = new FakeTransport("t" + transports.size(), loop, receiver);
            transports.add(t);
            return t;
        }, clock::get);
    }

    @AfterEach
    void stop() throws Exception {
        router.close();
        onLoop(() -> {
            transports.forEach(FakeTransport::releaseAll);
            inputs.forEach(ByteBuf::release);
            return null;
        });
        for (FakeTransport t : transports) {
            assertEquals(0, t.leakedBuffers(), "buffers still referenced on " + t.id());
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    void sync() throws Exception {
        onLoop(() -> null);
    }

    FakeTransport transport() throws Exception {
        FakeTransport t = (FakeTransport) router.createTransport();
        sync();
        return t;
    }

    static StreamDescription video(long ssrc) {
        return new StreamDescription(MediaKind.VIDEO, ssrc, "1", new RtpCodec("VP8", 90_000, 1, 96),
                Map.of(ABS_SEND_TIME, 2, TRANSPORT_CC, 3, MID, 4));
    }

    static StreamDescription audio(long ssrc) {
        return new StreamDescription(MediaKind.AUDIO, ssrc, "0", new RtpCodec("opus", 48_000, 2, 111),
                Map.of(TRANSPORT_CC, 3, MID, 4));
    }

    static SubscriberParameters subscriber(Map<String, Integer> extensionIds) {
        return new SubscriberParameters(SUBSCRIBER_SSRC, 100, extensionIds);
    }

    static RtpPacketFixture chromiumPacket(int seq, long ts) {
        return new RtpPacketFixture().payloadType(96).ssrc(PUBLISHER_SSRC).sequenceNumber(seq).timestamp(ts)
                .extension(2, (byte) 0x4d, (byte) 0x1f, (byte) 0x0a)
                .extension(3, (byte) 0x00, (byte) 0x42)
                .extension(4, (byte) '1')
                .payload((byte) 0x90, (byte) 0x00, (byte) 0x80, (byte) 0x76, (byte) 1, (byte) 2, (byte) 3);
    }

    /** As {@link #chromiumPacket(int, long)}, with transport-wide sequence number {@code transportSequence}. */
    static RtpPacketFixture chromiumPacket(int seq, long ts, int transportSequence) {
        return new RtpPacketFixture().payloadType(96).ssrc(PUBLISHER_SSRC).sequenceNumber(seq).timestamp(ts)
                .extension(3, (byte) (transportSequence >> 8), (byte) transportSequence)
                .extension(4, (byte) '1')
                .payload((byte) 0x90, (byte) 0x00, (byte) 0x80, (byte) 0x76, (byte) 1, (byte) 2, (byte) seq);
    }

    void receiveRtp(FakeTransport from, RtpPacketFixture packet) throws Exception {
        ByteBuf buf = packet.buffer();
        inputs.add(buf);
        onLoop(() -> {
            from.receiver.onRtp(from, buf);
            return null;
        });
    }

    void receiveRtcp(FakeTransport from, ByteBuf buf) throws Exception {
        inputs.add(buf);
        onLoop(() -> {
            from.receiver.onRtcp(from, buf);
            return null;
        });
    }

    long counter(String name) throws Exception {
        sync();
        return router.counters().get(name);
    }

    /** Publisher and subscriber connected, one video stream, one subscription; the subscribe PLI cleared. */
    FakeTransport[] room(Map<String, Integer> subscriberExtensions) throws Exception {
        FakeTransport publisher = transport();
        FakeTransport viewer = transport();
        PublishedStream stream = router.publish(publisher, video(PUBLISHER_SSRC));
        router.subscribe(viewer, stream, subscriber(subscriberExtensions));
        sync();
        onLoop(() -> {
            publisher.clearSent();
            return null;
        });
        return new FakeTransport[] {publisher, viewer};
    }

    /** Runs one tick of the router's feedback timer. */
    void sendFeedback() throws Exception {
        onLoop(() -> {
            router.sendFeedback();
            return null;
        });
    }

    /** The REMB values sent to {@code publisher}, each naming the publisher's one SSRC. */
    static List<Long> rembs(FakeTransport publisher) {
        List<Long> out = new ArrayList<>();
        for (ByteBuf rtcp : publisher.sentRtcp) {
            RtcpCompound compound = new RtcpCompound().reset(rtcp);
            while (compound.next()) {
                PayloadFeedback feedback = new PayloadFeedback();
                if (compound.packetType() == RtcpCompound.PSFB && feedback.wrap(compound) && feedback.isRemb()) {
                    assertEquals(1, feedback.rembSsrcCount());
                    assertEquals(PUBLISHER_SSRC, feedback.rembSsrc(0));
                    out.add(feedback.rembBitrate());
                }
            }
        }
        return out;
    }

    /** A subscriber's NACK of {@code sequence} (as it numbers the stream). */
    static ByteBuf nack(int sequence) {
        ByteBuf nack = Unpooled.buffer();
        TransportFeedback.writeNack(nack, 0x5555, SUBSCRIBER_SSRC, new int[] {sequence}, 1);
        return nack;
    }

    static ByteBuf rembPacket(long bitrate) {
        ByteBuf out = io.netty.buffer.Unpooled.buffer();
        PayloadFeedback.writeRemb(out, 0x7777, bitrate, new int[] {(int) SUBSCRIBER_SSRC}, 1);
        return out;
    }

    void aSecondOfFeedback() throws Exception {
        for (int tick = 0; tick < ReceiverFeedback.REPORT_EVERY_TICKS; tick++) sendFeedback();
    }
}
