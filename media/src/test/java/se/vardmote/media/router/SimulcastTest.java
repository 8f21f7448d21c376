package se.vardmote.media.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import se.vardmote.media.MediaKind;
import se.vardmote.media.rtcp.PayloadFeedback;
import se.vardmote.media.rtcp.TransportFeedback;
import se.vardmote.media.rtp.RtpPacket;
import se.vardmote.media.rtp.RtpPacketFixture;
import se.vardmote.media.rtp.Vp8Descriptor;
import se.vardmote.media.testkit.FakeTransport;

/**
 * A VP8 simulcast track of three layers (rids q, h, f, as the web client and Chromium send them): each layer
 * bound by its rid, one layer per subscriber, switched only at a keyframe of the new layer with sequence
 * numbers, timestamps and picture ids continuing, and the layer chosen from the subscriber's REMB.
 */
class SimulcastTest extends RouterFixture {

    static final String RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    static final String REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    static final long[] LAYER_SSRCS = {0x10000001L, 0x10000002L, 0x10000003L};
    static final String[] RIDS = {"q", "h", "f"};

    /** Per layer: the next sequence number, picture id and timestamp the fake publisher uses. */
    private final int[] sequence = {1000, 20000, 40000};
    private final int[] pictureId = {100, 5000, 30000};
    private final long[] timestamp = {1_000_000L, 7_000_000L, 90_000_000L};

    static StreamDescription simulcastVideo() {
        return new StreamDescription(MediaKind.VIDEO, 0, "1", new RtpCodec("VP8", 90_000, 1, 96),
                Map.of(TRANSPORT_CC, 3, MID, 4, RID, 10, REPAIRED_RID, 11), 97, 0, List.of(RIDS));
    }

    /** The picture sizes of the layers, as their keyframes' headers say them (¼, ½ and full 640 x 360). */
    static final int[][] LAYER_SIZES = {{160, 90}, {320, 180}, {640, 360}};

    /**
     * A VP8 packet of {@code layer} with a 15-bit picture id; {@code keyframe} marks the start of a keyframe,
     * whose frame header then gives the layer's size.
     */
    private RtpPacketFixture layerPacket(int layer, boolean keyframe, boolean withRid) {
        int pid = pictureId[layer];
        int w = LAYER_SIZES[layer][0];
        int h = LAYER_SIZES[layer][1];
        byte[] payload = keyframe
                ? new byte[] {(byte) 0x90, (byte) 0x80, (byte) (0x80 | (pid >> 8)), (byte) pid, 0x10, 2, 3,
                        (byte) 0x9d, 0x01, 0x2a, (byte) w, (byte) (w >> 8), (byte) h, (byte) (h >> 8)}
                : new byte[] {(byte) 0x90, (byte) 0x80, (byte) (0x80 | (pid >> 8)), (byte) pid, 0x11, 2, 3};
        RtpPacketFixture p = new RtpPacketFixture().payloadType(96).ssrc(LAYER_SSRCS[layer])
                .sequenceNumber(sequence[layer]++).timestamp(timestamp[layer])
                .payload(payload);
        if (withRid) {
            p.extension(4, (byte) '1').extension(10, RIDS[layer].getBytes(StandardCharsets.US_ASCII));
        }
        pictureId[layer] = (pid + 1) & 0x7FFF;
        timestamp[layer] += 3000;
        return p;
    }

    private FakeTransport publisher;
    private FakeTransport viewer;
    private PublishedStream track;
    private Subscription subscription;

    /** Publishes the track, subscribes one viewer, and sends each layer's first (keyframe) packet with its rid. */
    private void publishAndBind() throws Exception {
        publisher = transport();
        viewer = transport();
        track = router.publish(publisher, simulcastVideo());
        subscription = router.subscribe(viewer, track, subscriber(Map.of()));
        for (int layer = 0; layer < 3; layer++) {
            receiveRtp(publisher, layerPacket(layer, true, true));
        }
    }

    /** Sends {@code packets} of each layer, layers interleaved; the first of layer {@code keyframeLayer} starts a keyframe. */
    private void sendLayers(int packets, int keyframeLayer) throws Exception {
        for (int i = 0; i < packets; i++) {
            for (int layer = 0; layer < 3; layer++) {
                receiveRtp(publisher, layerPacket(layer, i == 0 && layer == keyframeLayer, false));
            }
        }
    }

    @Test
    void bindsEachLayerByItsRidAndCountsThemAsOneTrack() throws Exception {
        publishAndBind();
        assertEquals(3, counter("rtp.ssrc.bound_by_rid"));
        assertEquals(LAYER_SSRCS[0], track.ssrc(), "the handle is the first layer");
        assertEquals(1, viewer.sentRtp.size(), "the subscription starts on one layer only");
        router.unpublish(track);
        sync();
        assertEquals(0, router.streamCount(), "unpublishing the handle removes every layer");
        assertEquals(0, router.subscriptionCount());
    }

    @Test
    void bindsAnRtxStreamByItsRepairedRid() throws Exception {
        publishAndBind();
        RtpPacketFixture rtx = new RtpPacketFixture().payloadType(97).ssrc(0x20000002L).sequenceNumber(1)
                .extension(4, (byte) '1').extension(11, (byte) 'h')
                .payload((byte) (sequence[1] >> 8), (byte) sequence[1], (byte) 0x90, (byte) 0x80, (byte) 0x80,
                        (byte) 1, (byte) 0x11);
        receiveRtp(publisher, rtx);
        assertEquals(4, counter("rtp.ssrc.bound_by_rid"));
        assertEquals(0x20000002L, onLoop(() -> track.layers[1].rtxSsrc & 0xFFFFFFFFL));
    }

    @Test
    void switchesOnlyAtAKeyframeOfTheNewLayerAndKeepsTheSequenceContinuous() throws Exception {
        publishAndBind();
        sendLayers(3, -1);
        onLoop(() -> {
            publisher.clearSent();
            subscription.chooseLayer(track.layers[2]);
            return null;
        });
        assertTrue(onLoop(() -> publisher.sentRtcp.stream().anyMatch(p -> isPliFor(p, LAYER_SSRCS[2]))),
                "a keyframe is asked of the layer chosen");
        sendLayers(2, -1);
        RtpPacket out = new RtpPacket();
        int before = viewer.sentRtp.size();
        assertEquals(1 + 3 + 2, before, "layer q flows until f's keyframe");
        assertTrue(out.wrap(viewer.sentRtp.get(before - 1)));
        int lastSequence = out.sequenceNumber();
        long lastTimestamp = out.timestamp();
        int lastPictureId = pictureIdOf(out);

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(33));
        sendLayers(3, 2);
        assertEquals(before + 1 + 3, viewer.sentRtp.size(), "q's packet ahead of f's keyframe, then only f");
        assertEquals(1, counter("simulcast.switched"));
        lastSequence = (lastSequence + 1) & 0xFFFF;
        lastPictureId = (lastPictureId + 1) & 0x7FFF;
        assertTrue(out.wrap(viewer.sentRtp.get(before)));
        assertEquals(lastTimestamp + 3000, out.timestamp(), "q's last packet, one frame on");
        lastTimestamp = out.timestamp();
        assertTrue(out.wrap(viewer.sentRtp.get(before + 1)));
        assertEquals((lastSequence + 1) & 0xFFFF, out.sequenceNumber());
        assertEquals(lastTimestamp + 1, out.timestamp(), "f's keyframe came at once after q's packet: one tick on");
        assertEquals(SUBSCRIBER_SSRC, out.ssrc());
        assertEquals((lastPictureId + 1) & 0x7FFF, pictureIdOf(out), "the picture id continues across layers");
        assertTrue(out.wrap(viewer.sentRtp.get(before + 2)));
        assertEquals((lastSequence + 2) & 0xFFFF, out.sequenceNumber());
        assertEquals((lastPictureId + 2) & 0x7FFF, pictureIdOf(out));
        assertSame(track.layers[2], subscription.stream());
    }

    @Test
    void aSwitchAskedForInsideTheKeyframeIntervalGetsItsKeyframeWhenTheIntervalEnds() throws Exception {
        publishAndBind();
        sendLayers(3, -1);
        onLoop(() -> {
            track.layers[2].requestKeyframe(false, RouterCounter.RTCP_PLI_SENT); // another subscriber's switch
            publisher.clearSent();
            subscription.chooseLayer(track.layers[2]); // nobody receives that layer yet
            return null;
        });
        assertEquals(1, counter("rtcp.pli.suppressed"));
        clock.addAndGet(Router.KEYFRAME_REQUEST_INTERVAL_NANOS);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
        boolean asked = false;
        while (!asked && System.nanoTime() < deadline) {
            asked = onLoop(() -> publisher.sentRtcp.stream().anyMatch(p -> isPliFor(p, LAYER_SSRCS[2])));
            if (!asked) Thread.sleep(20);
        }
        assertTrue(asked, "the deferred PLI goes to the layer the switch waits on, though nobody receives it yet");
    }

    @Test
    void dropsALatePacketOfTheNewLayerFromBeforeTheSwitch() throws Exception {
        publishAndBind();
        onLoop(() -> {
            subscription.chooseLayer(track.layers[1]);
            return null;
        });
        RtpPacketFixture early = layerPacket(1, false, false);
        receiveRtp(publisher, layerPacket(1, true, false));
        int sent = viewer.sentRtp.size();
        receiveRtp(publisher, early); // arrives after the keyframe that follows it
        assertEquals(sent, viewer.sentRtp.size());
        assertEquals(1, counter("rtp.dropped.before_switch"));
    }

    @Test
    void startsOnTheTopLayerAndStepsDownWhenTheEstimateFallsBelowIt() throws Exception {
        publishAndBind();
        // Rates of about 100, 400 and 1500 kbit/s over one window pair.
        runWindows(2, new int[] {6, 25, 94});
        assertSame(track.layers[2], onLoop(() -> subscription.target), "a new subscription gets the highest layer");
        sendLayers(1, 2);
        assertSame(track.layers[2], subscription.stream());

        remb(3_000_000);
        runWindows(1, new int[] {6, 25, 94});
        assertNull(onLoop(() -> subscription.target), "3 Mbit/s holds the top layer");
        remb(600_000);
        runWindows(1, new int[] {6, 25, 94});
        assertSame(track.layers[1], onLoop(() -> subscription.target), "the estimate fell to 600 kbit/s: the middle layer");
        assertEquals(1, counter("simulcast.layer.down"));
    }

    @Test
    void aSmallViewGetsTheSmallestLayerThatFillsItWhateverTheEstimateAndALargerOneStepsUp() throws Exception {
        publishAndBind();
        assertEquals(640, onLoop(() -> track.layers[2].frameWidth), "the keyframe header gave the layer's size");
        router.setViewSize(subscription, 300, 170); // a phone's tile, in CSS pixels
        remb(5_000_000);
        runWindows(2, new int[] {6, 25, 94});
        assertSame(track.layers[1], onLoop(() -> subscription.target),
                "the 320 px layer fills a 300 px tile; 5 Mbit/s would take the top one");
        sendLayers(1, 1);
        assertSame(track.layers[1], subscription.stream());

        remb(1_000_000); // the estimate dipped while the tile was small (below the top layer): no reason to refuse it
        router.setViewSize(subscription, 1280, 720); // the tile grows (the phone turned, a speaker view)
        runWindows(1, new int[] {6, 25, 94});
        assertSame(track.layers[2], onLoop(() -> subscription.target),
                "a view that grows takes the layer that fills it at once, as a new subscription would");

        router.setViewSize(subscription, 120, 68);
        runWindows(1, new int[] {6, 25, 94});
        assertSame(track.layers[0], onLoop(() -> subscription.target), "a thumbnail gets the smallest layer at once");
    }

    @Test
    void aGrowingViewDoesNotLiftATrackTheEstimateHeldDown() throws Exception {
        publishAndBind();
        router.setViewSize(subscription, 300, 170);
        remb(2_000_000);
        runWindows(2, new int[] {6, 25, 94});
        sendLayers(1, 1);
        remb(150_000); // the estimate falls: the lowest layer
        runWindows(1, new int[] {6, 25, 94});
        assertSame(track.layers[0], onLoop(() -> subscription.target));
        sendLayers(1, 0);
        router.setViewSize(subscription, 1280, 720);
        runWindows(1, new int[] {6, 25, 94});
        assertNull(onLoop(() -> subscription.target), "the estimate, not the size, held it: it stays where it is");
    }

    @Test
    void stepsDownWhenTheEstimateStaysFarBelowWithoutFalling() throws Exception {
        publishAndBind();
        runWindows(2, new int[] {6, 25, 94});
        sendLayers(1, 2);
        remb(500_000); // the first estimate: no fall to see
        runWindows(LayerAllocation.OVERUSE_ROUNDS - 1, new int[] {6, 25, 94});
        assertNull(onLoop(() -> subscription.target), "not yet");
        runWindows(1, new int[] {6, 25, 94});
        assertSame(track.layers[1], onLoop(() -> subscription.target));
    }

    @Test
    void pausesVideoWhenTheLowestLayerDoesNotFitAndResumesWhenItDoes() throws Exception {
        publishAndBind();
        remb(2_000_000);
        runWindows(2, new int[] {6, 25, 94});
        sendLayers(1, 2);
        remb(40_000);
        runWindows(1, new int[] {6, 25, 94});
        assertSame(track.layers[0], onLoop(() -> subscription.target), "a fall first steps down to the lowest layer");
        sendLayers(1, 0);
        for (int i = 0; i < LayerAllocation.OVERUSE_ROUNDS; i++) { // the browser repeats its estimate
            remb(40_000);
            runWindows(2, new int[] {6, 25, 94});
        }
        assertFalse(onLoop(() -> subscription.paused), "an estimate that fell once may climb back, however slowly");
        remb(36_000);
        runWindows(1, new int[] {6, 25, 94});
        assertFalse(onLoop(() -> subscription.paused), "a dip without lost packets: the link carries the lowest layer");
        nack();
        remb(30_000); // a fall again, from 36 kbit/s
        runWindows(1, new int[] {6, 25, 94});
        assertTrue(onLoop(() -> subscription.paused), "a fall on the lowest layer with packets lost: the link cannot take even that");
        assertEquals(1, counter("simulcast.video.paused"));
        int sent = viewer.sentRtp.size();
        sendLayers(2, -1);
        assertEquals(sent, viewer.sentRtp.size());

        clock.addAndGet(TimeUnit.SECONDS.toNanos(3));
        remb(400_000);
        runWindows(1, new int[] {6, 25, 94});
        assertSame(track.layers[0], onLoop(() -> subscription.target), "the lowest layer comes back first");
        sendLayers(1, 0);
        assertFalse(onLoop(() -> subscription.paused));
        assertNull(onLoop(() -> subscription.target));
    }

    @Test
    void keepsThePictureOnItsLowestLayerWhileALowEstimateClimbsBackWithoutFalling() throws Exception {
        publishAndBind();
        remb(2_000_000);
        runWindows(2, new int[] {6, 25, 94});
        sendLayers(1, 2);
        remb(20_000); // a line that narrowed: the estimate collapses once, then climbs back slowly
        runWindows(1, new int[] {6, 25, 94});
        sendLayers(1, 0);
        // Below half the lowest layer (about 100 kbit/s) for longer than OVERUSE_ROUNDS windows, never falling again.
        for (long estimate = 22_000; estimate < 48_000; estimate += 3_000) {
            remb(estimate);
            runWindows(2, new int[] {6, 25, 94});
        }
        assertFalse(onLoop(() -> subscription.paused), "no new fall on the lowest layer: its picture stays");
        assertEquals(0, counter("simulcast.video.paused"));
    }

    @Test
    void aStepUpTheEstimatePunishesMakesTheNextOneWait() throws Exception {
        publishAndBind();
        remb(2_000_000);
        runWindows(2, new int[] {6, 25, 94});
        sendLayers(1, 2);
        remb(300_000);
        runWindows(1, new int[] {6, 25, 94});
        assertSame(track.layers[0], onLoop(() -> subscription.target));
        sendLayers(1, 0);
        // The estimate climbs past 1.2 times what is sent: a step up beyond it, which it then punishes.
        clock.addAndGet(TimeUnit.SECONDS.toNanos(3));
        remb(350_000);
        runWindows(2, new int[] {6, 25, 94}); // the second window no longer counts what went out before the switch
        assertSame(track.layers[1], onLoop(() -> subscription.target));
        assertEquals(1, counter("simulcast.layer.trial"));
        sendLayers(1, 1);
        remb(200_000);
        runWindows(1, new int[] {6, 25, 94});
        assertSame(track.layers[0], onLoop(() -> subscription.target));
        LayerAllocation allocation = onLoop(() -> subscription.subscriber.layers);
        assertEquals(LayerAllocation.FIRST_BACKOFF_NANOS, onLoop(allocation::backoffNanos));
    }

    /** The subscriber's browser reports a packet of this track lost (a NACK of the last one sent to it). */
    private void nack() throws Exception {
        int last = onLoop(() -> subscription.highestSequence);
        ByteBuf nack = Unpooled.buffer();
        TransportFeedback.writeNack(nack, 0x5555, SUBSCRIBER_SSRC, new int[] {last}, 1);
        receiveRtcp(viewer, nack);
    }

    /** The subscriber's browser reports its downlink estimate. */
    private void remb(long bitsPerSecond) throws Exception {
        ByteBuf remb = Unpooled.buffer();
        PayloadFeedback.writeRemb(remb, 0x5555, bitsPerSecond, new int[] {(int) SUBSCRIBER_SSRC}, 1);
        receiveRtcp(viewer, remb);
    }

    /**
     * Sends {@code windows} rate windows' worth of packets per layer (each padded to 1000 bytes) and runs the
     * feedback timer through each window's end, where rates roll and layers are chosen.
     */
    private void runWindows(int windows, int[] packetsPerWindow) throws Exception {
        for (int w = 0; w < windows; w++) {
            for (int layer = 0; layer < 3; layer++) {
                for (int i = 0; i < packetsPerWindow[layer]; i++) {
                    receiveRtp(publisher, layerPacket(layer, false, false).padding(1000 - 19));
                }
            }
            clock.addAndGet(BitrateMeter.WINDOW_NANOS);
            for (int t = 0; t < ReceiverFeedback.LAYER_EVERY_TICKS; t++) {
                sendFeedback();
            }
        }
    }

    private static boolean isPliFor(ByteBuf packet, long mediaSsrc) {
        return packet.readableBytes() >= 12 && packet.getUnsignedByte(packet.readerIndex() + 1) == 206
                && (packet.getUnsignedByte(packet.readerIndex()) & 0x1F) == 1
                && packet.getUnsignedInt(packet.readerIndex() + 8) == mediaSsrc;
    }

    private static int pictureIdOf(RtpPacket out) {
        Vp8Descriptor d = new Vp8Descriptor();
        assertTrue(d.wrap(out.buffer(), out.payloadOffset(), out.payloadLength()));
        return d.pictureId();
    }
}
