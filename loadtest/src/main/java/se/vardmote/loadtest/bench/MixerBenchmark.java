package se.vardmote.loadtest.bench;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import se.vardmote.media.IceCandidate;
import se.vardmote.media.MediaKind;
import se.vardmote.media.mixer.AudioMixer;
import se.vardmote.media.mixer.Resampler;
import se.vardmote.media.phone.G711;
import se.vardmote.media.router.PublishedStream;
import se.vardmote.media.router.Router;
import se.vardmote.media.router.RtpCodec;
import se.vardmote.media.router.StreamDescription;
import se.vardmote.media.transport.RtpReceiver;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * The audio bridge's cost per phone leg and 20 ms: one mixer cycle of a room of {@code participants}, one of
 * them on the phone. Per operation: each browser's Opus packet enters through the router (tap, jitter buffer),
 * the phone's 8 kHz frame is handed in, and {@link AudioMixer#tick()} decodes the browsers' Opus (Concentus),
 * mixes, decimates 48 → 8 kHz, builds the phone's mix-minus, which is then G.711-encoded as the leg would,
 * and upsamples and Opus-encodes the phone's voice and injects it into the router.
 * One operation is one 20 ms tick, so 20 ms divided by the score is how many such rooms one core could carry.
 *
 * <p>Run: {@code java -cp loadtest/target/classes:<deps> org.openjdk.jmh.Main MixerBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MixerBenchmark {

    @Param({"2", "4", "6"})
    public int participants;

    private DefaultEventLoop loop;
    private Router router;
    private AudioMixer mixer;
    private AudioMixer.Member phone;
    private final List<NullTransport> browsers = new ArrayList<>();
    private final List<ByteBuf[]> packets = new ArrayList<>();
    private final short[] phoneFrame = new short[Resampler.FRAME_8K];
    private final byte[] g711 = new byte[Resampler.FRAME_8K];
    private int sequence;
    private Blackhole blackhole;

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) throws Exception {
        blackhole = bh;
        loop = new DefaultEventLoop();
        router = new Router(loop, receiver -> {
            NullTransport t = new NullTransport(loop, receiver);
            browsers.add(t);
            return t;
        });
        mixer = AudioMixer.withManualTicks(router);
        for (int b = 0; b < participants - 1; b++) {
            WebRtcTransport t = router.createTransport();
            router.publish(t, new StreamDescription(MediaKind.AUDIO, 0x1000 + b, "0",
                    new RtpCodec("opus", 48_000, 2, 111), Map.of()));
            packets.add(encodeSpeechLike(0x1000 + b, 300 + 170 * b));
        }
        PublishedStream voice = router.publishLocal(new StreamDescription(MediaKind.AUDIO, 0x9999, "phone",
                new RtpCodec("opus", 48_000, 2, 111), Map.of()));
        // The leg's side of the hand-off runs inline: the benchmark thread plays both loops.
        phone = mixer.join(voice, Runnable::run, frame -> {
            for (int i = 0; i < frame.length; i++) g711[i] = G711.linearToUlaw(frame[i]);
            blackhole.consume(g711);
        });
        for (int i = 0; i < phoneFrame.length; i++) {
            phoneFrame[i] = (short) Math.round(4000 * Math.sin(2 * Math.PI * 440 * i / 8000.0));
        }
        loop.submit(() -> { }).get(); // the registrations above are done; from here this thread owns the router
    }

    /** 50 Opus packets (1 s) of a tone with a vibrato, so the encoder and decoder do real work. */
    private static ByteBuf[] encodeSpeechLike(int ssrc, double hz) throws Exception {
        OpusEncoder encoder = new OpusEncoder(48_000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        encoder.setBitrate(32_000);
        ByteBuf[] out = new ByteBuf[50];
        short[] pcm = new short[960];
        byte[] opus = new byte[1275];
        double phase = 0;
        for (int f = 0; f < out.length; f++) {
            for (int i = 0; i < 960; i++) {
                double t = (f * 960 + i) / 48_000.0;
                phase += 2 * Math.PI * hz * (1 + 0.05 * Math.sin(2 * Math.PI * 5 * t)) / 48_000.0;
                pcm[i] = (short) Math.round(6000 * Math.sin(phase) + 2000 * Math.sin(3 * phase));
            }
            int len = encoder.encode(pcm, 0, 960, opus, 0, opus.length);
            ByteBuf packet = Unpooled.buffer(12 + len);
            packet.writeByte(0x80).writeByte(111).writeShort(0).writeInt(f * 960).writeInt(ssrc).writeBytes(opus, 0, len);
            out[f] = packet;
        }
        return out;
    }

    /** One 20 ms cycle of the room, as seen by its one phone leg. */
    @Benchmark
    public void mixerTickPerPhoneLeg() {
        int seq = sequence++;
        for (int b = 0; b < browsers.size(); b++) {
            NullTransport t = browsers.get(b);
            ByteBuf packet = packets.get(b)[seq % 50];
            packet.setShort(2, seq);
            t.receiver.onRtp(t, packet);
        }
        phone.offer(phoneFrame);
        mixer.tick();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        router.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        for (ByteBuf[] p : packets) for (ByteBuf b : p) b.release();
    }

    /** A connected transport that sends nowhere. */
    static final class NullTransport implements WebRtcTransport {
        final EventLoop loop;
        final RtpReceiver receiver;

        NullTransport(EventLoop loop, RtpReceiver receiver) {
            this.loop = loop;
            this.receiver = receiver;
        }

        @Override public String id() { return "null"; }
        @Override public String localUfrag() { return "u"; }
        @Override public String localPassword() { return "p"; }
        @Override public List<IceCandidate> localCandidates() { return List.of(); }
        @Override public String localFingerprint() { return "00"; }
        @Override public void setRemoteParameters(String u, String p, String h, String f) { }
        @Override public boolean isConnected() { return true; }
        @Override public void sendRtp(ByteBuf packet) { packet.release(); }
        @Override public void sendRtcp(ByteBuf packet) { packet.release(); }
        @Override public ByteBuf allocatePacket(int length) { return PooledByteBufAllocator.DEFAULT.heapBuffer(length); }
        @Override public EventLoop eventLoop() { return loop; }
        @Override public void close() { }
    }
}
