package se.vardmote.media.router;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import se.vardmote.media.MediaKind;
import se.vardmote.media.testkit.FakeTransport;

/**
 * Feeds arbitrary datagrams to a router's RTP and RTCP ingress: nothing may throw, and every buffer the
 * router allocates must have been handed to a transport (which the fakes then release).
 */
class RouterIngressFuzzTest {

    private static DefaultEventLoop loop;
    private static Router router;
    private static final List<FakeTransport> transports = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        loop = new DefaultEventLoop();
        router = new Router(loop, receiver -> {
            FakeTransport t = new FakeTransport("f" + transports.size(), loop, receiver);
            transports.add(t);
            return t;
        }, System::nanoTime);
        FakeTransport publisher = (FakeTransport) router.createTransport();
        FakeTransport viewer = (FakeTransport) router.createTransport();
        Map<String, Integer> ids = Map.of(PublishedStream.MID_URI, 4,
                "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", 2, Router.TRANSPORT_CC_URI, 3);
        PublishedStream bound = router.publish(publisher, new StreamDescription(MediaKind.VIDEO, 0x01020304L, "0",
                new RtpCodec("VP8", 90_000, 1, 96), ids, 97, 0x01020305L));
        PublishedStream byMid = router.publish(publisher,
                new StreamDescription(MediaKind.VIDEO, 0, "1", new RtpCodec("VP8", 90_000, 1, 96), ids, 97, 0));
        router.subscribe(viewer, bound, new SubscriberParameters(0x05060708L, 100, Map.of(PublishedStream.MID_URI, 1),
                101, 0x05060709L));
        router.subscribe(viewer, byMid, new SubscriberParameters(0x0a0b0c0dL, 100,
                Map.of(PublishedStream.MID_URI, 1, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", 15)));
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        router.close();
        loop.submit(() -> transports.forEach(FakeTransport::releaseAll)).get(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @FuzzTest(maxDuration = "10s")
    void handlesArbitraryDatagrams(FuzzedDataProvider data) throws Exception {
        boolean fromViewer = data.consumeBoolean();
        boolean rtcp = data.consumeBoolean();
        boolean tick = data.consumeBoolean();
        ByteBuf packet = Unpooled.wrappedBuffer(data.consumeRemainingAsBytes());
        loop.submit(() -> {
            FakeTransport from = transports.get(fromViewer ? 1 : 0);
            if (rtcp) {
                from.receiver.onRtcp(from, packet);
            } else {
                from.receiver.onRtp(from, packet);
            }
            if (tick) {
                router.sendFeedback();
            }
            for (FakeTransport t : transports) {
                t.clearSent();
                if (t.leakedBuffers() != 0) {
                    throw new IllegalStateException("router kept a buffer it allocated");
                }
                t.forgetReleased();
            }
        }).get(5, TimeUnit.SECONDS);
        packet.release();
    }
}
