package se.vardmote.media.mixer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import se.vardmote.media.MediaConfig;
import se.vardmote.media.MediaEngine;
import se.vardmote.media.MediaKind;
import se.vardmote.media.phone.PhoneCodec;
import se.vardmote.media.phone.PhoneLeg;
import se.vardmote.media.phone.PhoneLegListener;
import se.vardmote.media.phone.GatewayPeer;
import se.vardmote.media.router.PublishedStream;
import se.vardmote.media.router.Router;
import se.vardmote.media.router.RtpCodec;
import se.vardmote.media.router.StreamDescription;
import se.vardmote.media.router.SubscriberParameters;
import se.vardmote.media.testkit.FakeTransport;

/**
 * A room with two browsers (Opus tones, through a router with recording transports) and one phone leg on a real
 * UDP socket whose gateway is a real UDP peer on 127.0.0.1. The router lives on its own loop, the leg on a
 * media worker's: frames cross between them as they would in the server.
 */
class AudioMixerTest {

    private DefaultEventLoop roomLoop;
    private Router router;
    private final List<FakeTransport> transports = new ArrayList<>();
    private MediaEngine engine;
    private PhoneLeg leg;
    private GatewayPeer gateway;

    @BeforeEach
    void start() throws Exception {
        roomLoop = new DefaultEventLoop();
        router = new Router(roomLoop, receiver -> {
            FakeTransport t = new FakeTransport("t" + transports.size(), roomLoop, receiver).sent(FakeTransport.Sent.COPY);
            transports.add(t);
            return t;
        });
        engine = MediaEngine.start(MediaConfig.loopbackForTests());
        leg = engine.createPhoneLeg(new PhoneLegListener() {
            @Override public void onDtmf(PhoneLeg l, char digit) { }
            @Override public void onClosed(PhoneLeg l, String reason) { }
        });
        gateway = new GatewayPeer();
        gateway.target(leg.localAddress(), leg.localPort());
    }

    @AfterEach
    void stop() throws Exception {
        leg.close();
        gateway.close();
        engine.close();
        router.close();
        roomLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void phoneHearsTheBrowsersAndBrowsersHearThePhone() throws Exception {
        FakeTransport alice = (FakeTransport) router.createTransport();
        FakeTransport bob = (FakeTransport) router.createTransport();
        FakeTransport listener = (FakeTransport) router.createTransport();
        router.publish(alice, opusStream(0x1111));
        router.publish(bob, opusStream(0x2222));
        leg.setRemote(gateway.address(), PhoneCodec.PCMU, 101);

        PublishedStream voice = leg.joinMix(router);
        assertEquals(MediaKind.AUDIO, voice.description().kind());
        assertEquals(new RtpCodec("opus", 48_000, 2, 111), voice.description().codec());
        assertTrue(voice.isLocal() && voice.ssrc() != 0 && voice.description().extensionIds().isEmpty());
        router.subscribe(listener, voice, new SubscriberParameters(0x3333, 111, Map.of()));

        int frames = 75; // 1.5 s
        // Encoded before the paced loop: encoding on a busy two-core machine made the sender late and then
        // bursty, and the jitter buffer rightly skipped what came in a burst.
        byte[][] aliceFrames = encodeTone(frames, 0x1111, 600);
        byte[][] bobFrames = encodeTone(frames, 0x2222, 900);
        long t0 = System.nanoTime();
        int gatewayBefore = -1;
        for (int f = 0; f < frames; f++) {
            long wait = t0 + f * 20_000_000L - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            if (f == 25) gatewayBefore = gateway.receivedCount(); // skip the first 0.5 s (priming)
            sendRtp(alice, aliceFrames[f]);
            sendRtp(bob, bobFrames[f]);
            gateway.sendTone(440, 8000, f == 0);
        }
        Thread.sleep(100);

        // The phone's outgoing G.711 carries the browsers' tones.
        double toPhone = gateway.ulawPower(gatewayBefore);
        assertTrue(toPhone > 1_000_000, "power the phone hears: " + toPhone);
        assertTrue(gateway.ulawTonePower(gatewayBefore, 600) > 0.1 * toPhone, "alice's 600 Hz in the mix");
        assertTrue(gateway.ulawTonePower(gatewayBefore, 900) > 0.1 * toPhone, "bob's 900 Hz in the mix");
        assertTrue(gateway.ulawTonePower(gatewayBefore, 440) < 0.01 * toPhone, "the phone does not hear itself");

        // The subscriber of the phone's stream receives Opus RTP that decodes to the phone's tone.
        List<byte[]> rtp = List.copyOf(listener.sentRtpCopies);
        assertTrue(rtp.size() >= 50, "voice packets forwarded: " + rtp.size());
        OpusDecoder decoder = new OpusDecoder(48_000, 1);
        short[] pcm = new short[960];
        double sum = 0;
        long n = 0;
        for (int i = 0; i < rtp.size(); i++) {
            byte[] p = rtp.get(i);
            assertEquals(111, p[1] & 0x7F);
            assertEquals(0x3333, ((p[8] & 0xFF) << 24) | ((p[9] & 0xFF) << 16) | ((p[10] & 0xFF) << 8) | (p[11] & 0xFF));
            int got = decoder.decode(p, 12, p.length - 12, pcm, 0, 960, false);
            if (i < rtp.size() / 2) continue; // skip the start (priming, encoder warm-up)
            for (int k = 0; k < got; k++) {
                sum += (double) pcm[k] * pcm[k];
                n++;
            }
        }
        double fromPhone = sum / n;
        assertTrue(fromPhone > 1_000_000, "power the browsers hear from the phone: " + fromPhone);
        AudioMixer mixer = AudioMixer.of(router);
        Map<String, Long> counters = roomLoop.submit(mixer::counters).get(1, TimeUnit.SECONDS);
        assertTrue(counters.get("mixer.frames.decoded") > 80, counters.toString());

        leg.leaveMix();
        Thread.sleep(100);
        assertTrue(voice.isClosed(), "leaving unpublishes the phone's stream");
        assertEquals(0, (int) roomLoop.submit(mixer::memberCount).get(1, TimeUnit.SECONDS));
    }

    @Test
    void aMutedPhoneStillHearsTheRoomWhileTheRoomHearsSilenceFromIt() throws Exception {
        FakeTransport alice = (FakeTransport) router.createTransport();
        FakeTransport listener = (FakeTransport) router.createTransport();
        router.publish(alice, opusStream(0x1111));
        leg.setRemote(gateway.address(), PhoneCodec.PCMU, 101);
        PublishedStream voice = leg.joinMix(router);
        router.subscribe(listener, voice, new SubscriberParameters(0x3333, 111, Map.of()));
        leg.setMuted(true);

        int frames = 100; // 1 s muted, then 1 s unmuted
        byte[][] aliceFrames = encodeTone(frames, 0x1111, 600);
        long t0 = System.nanoTime();
        int gatewayFrom = -1;
        int unmutedAt = -1;
        for (int f = 0; f < frames; f++) {
            long wait = t0 + f * 20_000_000L - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            if (f == 25) gatewayFrom = gateway.receivedCount();
            if (f == 50) {
                unmutedAt = listener.sentRtpCopies.size();
                leg.setMuted(false);
            }
            sendRtp(alice, aliceFrames[f]);
            gateway.sendTone(440, 8000, f == 0);
        }
        Thread.sleep(100);

        assertTrue(gateway.ulawTonePower(gatewayFrom, 600) > 1_000_000, "muted, the phone still hears the room");
        List<byte[]> rtp = List.copyOf(listener.sentRtpCopies);
        OpusDecoder decoder = new OpusDecoder(48_000, 1);
        double muted = decodedPower(decoder, rtp, unmutedAt / 3, unmutedAt);
        double unmuted = decodedPower(decoder, rtp, unmutedAt + (rtp.size() - unmutedAt) / 2, rtp.size());
        assertTrue(muted < 1_000, "muted, the room hears silence from the phone: " + muted);
        assertTrue(unmuted > 1_000_000, "unmuted, the room hears the phone again: " + unmuted);
    }

    /** Mean power of the Opus packets {@code [from, to)} decoded in order (earlier ones keep the decoder's state). */
    private static double decodedPower(OpusDecoder decoder, List<byte[]> rtp, int from, int to) throws Exception {
        short[] pcm = new short[960];
        double sum = 0;
        long n = 0;
        for (int i = from; i < to; i++) {
            byte[] p = rtp.get(i);
            int got = decoder.decode(p, 12, p.length - 12, pcm, 0, 960, false);
            for (int k = 0; k < got; k++) {
                sum += (double) pcm[k] * pcm[k];
                n++;
            }
        }
        assertTrue(n > 0, "packets " + from + ".." + to + " of " + rtp.size());
        return sum / n;
    }

    private static StreamDescription opusStream(long ssrc) {
        return new StreamDescription(MediaKind.AUDIO, ssrc, "0", new RtpCodec("opus", 48_000, 2, 111), Map.of());
    }

    /** RTP packets of Opus frames carrying a {@code hz} tone, numbered from 0. */
    private static byte[][] encodeTone(int frames, int ssrc, double hz) throws Exception {
        OpusEncoder encoder = new OpusEncoder(48_000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        byte[][] packets = new byte[frames][];
        short[] pcm = new short[960];
        byte[] out = new byte[1275];
        for (int frame = 0; frame < frames; frame++) {
            for (int i = 0; i < 960; i++) {
                pcm[i] = (short) Math.round(6000 * Math.sin(2 * Math.PI * hz * (frame * 960 + i) / 48_000.0));
            }
            int len = encoder.encode(pcm, 0, 960, out, 0, out.length);
            ByteBuf packet = Unpooled.buffer(12 + len);
            packet.writeByte(0x80).writeByte(111).writeShort(frame).writeInt(frame * 960).writeInt(ssrc).writeBytes(out, 0, len);
            packets[frame] = new byte[packet.readableBytes()];
            packet.readBytes(packets[frame]);
            packet.release();
        }
        return packets;
    }

    private void sendRtp(FakeTransport from, byte[] rtp) throws Exception {
        ByteBuf packet = Unpooled.wrappedBuffer(rtp.clone());
        roomLoop.submit(() -> {
            try {
                from.receiver.onRtp(from, packet);
            } finally {
                packet.release();
            }
        }).get(1, TimeUnit.SECONDS);
    }
}
