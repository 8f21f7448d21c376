package se.vardmote.media.mixer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import se.vardmote.media.MediaKind;
import se.vardmote.media.router.PublishedStream;
import se.vardmote.media.router.Router;
import se.vardmote.media.router.RtpCodec;
import se.vardmote.media.router.StreamDescription;
import se.vardmote.media.testkit.FakeTransport;

class MixerIngressFuzzTest {

    private static final List<FakeTransport> TRANSPORTS = new ArrayList<>();
    private static Router ROUTER;
    private static AudioMixer MIXER;
    private static FakeTransport BROWSER;

    /** Set up on first use, not in a static initialiser: the loop runs this class's lambdas. */
    private static void setUpOnce() {
        if (ROUTER != null) return;
        DefaultEventLoop loop = new DefaultEventLoop();
        ROUTER = new Router(loop, receiver -> {
            FakeTransport t = new FakeTransport("t" + TRANSPORTS.size(), loop, receiver).sent(FakeTransport.Sent.COPY);
            TRANSPORTS.add(t);
            return t;
        });
        MIXER = AudioMixer.withManualTicks(ROUTER);
        BROWSER = (FakeTransport) ROUTER.createTransport();
        ROUTER.publish(BROWSER, new StreamDescription(MediaKind.AUDIO, 0x4242, "0",
                new RtpCodec("opus", 48_000, 2, 111), Map.of()));
        PublishedStream voice = ROUTER.publishLocal(new StreamDescription(MediaKind.AUDIO, 0x9999, "phone",
                new RtpCodec("opus", 48_000, 2, 111), Map.of()));
        MIXER.join(voice, Runnable::run, frame -> { });
        try {
            loop.submit(() -> { }).get(5, TimeUnit.SECONDS); // from here the fuzzing thread plays the loop
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Any bytes as the payload of a browser's Opus RTP packet (first two bytes: its sequence number): the jitter
     * buffer, the Opus decoder (Concentus) and the mixer cycle never throw and never leak a buffer.
     */
    @FuzzTest(maxDuration = "30s")
    void mixesArbitraryOpusPayloadsWithoutThrowing(byte[] data) {
        setUpOnce();
        int seq = data.length >= 2 ? ((data[0] & 0xFF) << 8) | (data[1] & 0xFF) : 0;
        ByteBuf packet = Unpooled.buffer(12 + data.length);
        packet.writeByte(0x80).writeByte(111).writeShort(seq).writeInt(seq * 960).writeInt(0x4242)
                .writeBytes(data, Math.min(2, data.length), data.length - Math.min(2, data.length));
        try {
            BROWSER.receiver.onRtp(BROWSER, packet);
        } finally {
            packet.release();
        }
        MIXER.tick();
        MIXER.tick();
        for (FakeTransport t : TRANSPORTS) t.sentRtpCopies.clear();
    }
}
