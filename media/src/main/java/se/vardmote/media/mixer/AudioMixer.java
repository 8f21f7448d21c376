package se.vardmote.media.mixer;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusBandwidth;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import se.vardmote.media.router.AudioTap;
import se.vardmote.media.router.PublishedStream;
import se.vardmote.media.router.Router;
import se.vardmote.media.rtp.RtpPacket;

/**
 * The audio bridge of one room, present while phone callers are in it: every 20 ms it decodes each browser's
 * Opus stream (from the router's {@link AudioTap}, through a {@link JitterBuffer}, PLC on loss), mixes them,
 * and gives every phone {@link Member} everyone but itself (mix-minus) at 8 kHz; and it Opus-encodes each
 * caller's voice (8 → 48 kHz) and injects it into the router as that caller's published stream.
 *
 * <p>The browsers are mixed at 48 kHz and decimated once; the phones, already at 8 kHz, are added after
 * that. Decimation is linear, so "all but me" per phone is exact: browsers8k + Σ phones − own.
 *
 * <p>One per router ({@link #of}), installed as its audio tap when the first phone joins and kept for the
 * router's life; idle (no tick, no decoders) while no phone is in it. All state lives on the router's
 * event loop; {@link #of}, {@link #join}, {@link Member#offer} and {@link Member#leave} are safe from any
 * thread (frames cross loops through {@link FrameHandoff}: one task per 20 ms frame per leg).
 */
public final class AudioMixer implements AudioTap {

    static final int TICK_MILLIS = 20;
    static final int OPUS_PAYLOAD_TYPE = 111;
    /** The voice of a phone is narrowband: 20 kbit/s of SILK carries it whole. */
    static final int VOICE_BITRATE = 20_000;
    private static final int INPUT_FRAMES = 4;

    private final Router router;
    private final EventLoop loop;
    private final ArrayList<Source> sources = new ArrayList<>();
    private final IdentityHashMap<PublishedStream, Source> sourceByStream = new IdentityHashMap<>();
    private final ArrayList<Member> members = new ArrayList<>();
    private final Resampler browsersDown = Resampler.down();
    private final int[] mix48 = new int[Resampler.FRAME_48K];
    private final int[] browsers8 = new int[Resampler.FRAME_8K];
    private final int[] phones8 = new int[Resampler.FRAME_8K];
    private final short[] out8 = new short[Resampler.FRAME_8K];
    private final Runnable tickTask = this::tick;
    private ScheduledFuture<?> ticker;

    long ticks;
    long framesDecoded;
    long framesConcealed;
    long decodeErrors;
    long voicePacketsSent;
    long sourcesNotOpus;

    /** When true the caller drives {@link #tick()} (benchmarks, deterministic tests); no timer runs. */
    private final boolean manualTicks;

    private AudioMixer(Router router, boolean manualTicks) {
        this.router = router;
        this.loop = router.eventLoop();
        this.manualTicks = manualTicks;
    }

    /**
     * Installs, as {@code router}'s audio tap, a mixer whose cycles are run by whoever calls {@link #tick()},
     * with no 20 ms timer: for benchmarks and deterministic tests. The caller then acts as the router's loop
     * (nothing else may touch the router meanwhile). Throws if the router already has a tap.
     */
    public static AudioMixer withManualTicks(Router router) {
        AudioMixer mixer = new AudioMixer(router, true);
        if (!router.installAudioTap(null, mixer)) {
            throw new IllegalStateException("the router already has an audio tap");
        }
        return mixer;
    }

    /** The mixer of {@code router}, installing one as its audio tap on first use. Any thread. */
    public static AudioMixer of(Router router) {
        while (true) {
            AudioTap tap = router.audioTap();
            if (tap instanceof AudioMixer mixer) {
                return mixer;
            }
            if (tap != null) {
                throw new IllegalStateException("the router has another audio tap: " + tap);
            }
            AudioMixer mixer = new AudioMixer(router, false);
            if (router.installAudioTap(null, mixer)) {
                return mixer;
            }
        }
    }

    /**
     * Adds a phone caller. Every 20 ms {@code toPhone} receives (on {@code phoneLoop}) the 8 kHz mix of
     * everyone but this caller; the caller's 8 kHz frames go in with {@link Member#offer} and come out as
     * Opus RTP of {@code voice} (a {@link Router#publishLocal local} stream of this router). Any thread.
     */
    public Member join(PublishedStream voice, Executor phoneLoop, FrameHandoff.Consumer toPhone) {
        Member member = new Member(voice, phoneLoop, toPhone);
        onLoop(() -> {
            if (member.left) return;
            members.add(member);
            if (ticker == null && !manualTicks) {
                ticker = loop.scheduleAtFixedRate(tickTask, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
        return member;
    }

    /**
     * Runs Concentus through a second of encoding and decoding so the JIT has compiled it before the first
     * call: cold, its first frames take milliseconds each, which a media loop (shared by rooms) must not spend.
     * Any thread; meant for a background thread at start-up.
     */
    public static void warmUp() {
        try {
            OpusEncoder encoder = new OpusEncoder(48_000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
            encoder.setMaxBandwidth(OpusBandwidth.OPUS_BANDWIDTH_NARROWBAND);
            encoder.setComplexity(2);
            OpusDecoder decoder = new OpusDecoder(48_000, 1);
            Resampler up = Resampler.up();
            Resampler down = Resampler.down();
            short[] pcm8 = new short[Resampler.FRAME_8K];
            short[] pcm48 = new short[Resampler.FRAME_48K];
            int[] mix = new int[Resampler.FRAME_48K];
            int[] out8 = new int[Resampler.FRAME_8K];
            byte[] packet = new byte[JitterBuffer.MAX_PAYLOAD];
            for (int f = 0; f < 200; f++) {
                for (int i = 0; i < pcm8.length; i++) pcm8[i] = (short) (3000 * Math.sin((f * 160 + i) * 0.3));
                up.up(pcm8, pcm48);
                int n = encoder.encode(pcm48, 0, Resampler.FRAME_48K, packet, 0, packet.length);
                decoder.decode(packet, 0, n, pcm48, 0, Resampler.FRAME_48K, false);
                for (int i = 0; i < mix.length; i++) mix[i] = pcm48[i];
                down.down(mix, out8);
            }
        } catch (OpusException | RuntimeException e) {
            // only a warm-up
        }
    }

    /** Phone callers in the mix. Event loop (or a lagging view elsewhere). */
    public int memberCount() {
        return members.size();
    }

    /** Counters ({@code mixer.ticks}, {@code mixer.frames.decoded}, ...). Any thread; may lag. */
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("mixer.ticks", ticks);
        c.put("mixer.frames.decoded", framesDecoded);
        c.put("mixer.frames.concealed", framesConcealed);
        c.put("mixer.decode.errors", decodeErrors);
        c.put("mixer.voice.packets", voicePacketsSent);
        c.put("mixer.sources.not_opus", sourcesNotOpus);
        return c;
    }

    // ---------------------------------------------------------------- packet path (router loop)

    @Override
    public void onAudio(PublishedStream stream, RtpPacket rtp, int payloadOffset, int payloadLength) {
        if (members.isEmpty()) {
            return;
        }
        Source source = sourceByStream.get(stream);
        if (source == null) {
            source = addSource(stream); // once per stream, not per packet
            if (source == null) return;
        }
        source.jitter.put(rtp.sequenceNumber(), rtp.buffer(), payloadOffset, payloadLength);
    }

    private Source addSource(PublishedStream stream) {
        if (!"opus".equalsIgnoreCase(stream.description().codec().name())) {
            sourcesNotOpus++;
            return null;
        }
        try {
            Source source = new Source(stream);
            sources.add(source);
            sourceByStream.put(stream, source);
            return source;
        } catch (OpusException e) {
            decodeErrors++;
            return null;
        }
    }

    // ---------------------------------------------------------------- the 20 ms tick (router loop)

    /**
     * One 20 ms mixer cycle: decode each browser's next frame, mix, decimate, hand each phone its mix-minus, and
     * encode and inject each phone's voice. Runs on the router's loop every 20 ms; call it directly only on a
     * {@link #withManualTicks} mixer.
     */
    public void tick() {
        ticks++;
        int[] mix = mix48;
        java.util.Arrays.fill(mix, 0);
        for (int s = sources.size() - 1; s >= 0; s--) {
            Source source = sources.get(s);
            if (source.stream.isClosed()) {
                sources.remove(s);
                sourceByStream.remove(source.stream);
                continue;
            }
            if (source.decodeNext()) {
                short[] pcm = source.pcm;
                for (int i = 0; i < Resampler.FRAME_48K; i++) mix[i] += pcm[i];
            }
        }
        browsersDown.down(mix, browsers8);

        int[] phones = phones8;
        java.util.Arrays.fill(phones, 0);
        int n = members.size();
        for (int m = 0; m < n; m++) {
            Member member = members.get(m);
            member.takeInput();
            short[] own = member.current;
            for (int i = 0; i < Resampler.FRAME_8K; i++) phones[i] += own[i];
        }
        short[] out = out8;
        for (int m = 0; m < n; m++) {
            Member member = members.get(m);
            short[] own = member.current;
            for (int i = 0; i < Resampler.FRAME_8K; i++) {
                out[i] = Resampler.clamp(browsers8[i] + phones[i] - own[i]);
            }
            member.toPhone.offer(out);
            member.sendVoice();
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) task.run();
        else loop.execute(task);
    }

    private void remove(Member member) {
        members.remove(member);
        if (members.isEmpty()) {
            if (ticker != null) {
                ticker.cancel(false);
                ticker = null;
            }
            sources.clear(); // decoders and buffers go; a later join starts afresh
            sourceByStream.clear();
        }
    }

    /** One browser's audio stream: its jitter buffer, its decoder and the last decoded frame. Router loop. */
    private final class Source {
        final PublishedStream stream;
        final JitterBuffer jitter = new JitterBuffer();
        final OpusDecoder decoder;
        /** Room for the longest Opus packet (120 ms); the mix uses the first 20 ms. */
        final short[] pcm = new short[5760];
        boolean decoding;

        Source(PublishedStream stream) throws OpusException {
            this.stream = stream;
            this.decoder = new OpusDecoder(48_000, 1);
        }

        /** Fills {@link #pcm} with the next 20 ms; false when silent. */
        boolean decodeNext() {
            int what = jitter.next();
            try {
                if (what == JitterBuffer.PACKET) {
                    int got = decoder.decode(jitter.payload(), 0, jitter.payloadLength(), pcm, 0, pcm.length, false);
                    framesDecoded++;
                    decoding = true;
                    if (got < Resampler.FRAME_48K) java.util.Arrays.fill(pcm, got, Resampler.FRAME_48K, (short) 0);
                    return true;
                }
                if (what == JitterBuffer.LOST && decoding) {
                    // RFC 6716 §4.4: a decoder given no data conceals the missing frame.
                    decoder.decode(null, 0, 0, pcm, 0, Resampler.FRAME_48K, false);
                    framesConcealed++;
                    return true;
                }
            } catch (OpusException | RuntimeException e) {
                decodeErrors++; // a corrupt packet costs one frame of silence
            }
            return false;
        }
    }

    /**
     * One phone caller in the mix: its input frames (8 kHz, from its leg's loop), its upsampler, its Opus
     * encoder and the RTP state of its published voice. Handle returned by {@link #join}.
     */
    public final class Member {
        final PublishedStream voice;
        final FrameHandoff toPhone;
        final FrameHandoff fromPhone;
        final short[][] inputs = new short[INPUT_FRAMES][Resampler.FRAME_8K];
        int inputHead;
        int inputCount;
        final short[] current = new short[Resampler.FRAME_8K];
        final Resampler up = Resampler.up();
        final short[] pcm48 = new short[Resampler.FRAME_48K];
        final byte[] opus = new byte[JitterBuffer.MAX_PAYLOAD];
        final OpusEncoder encoder;
        final int ssrc;
        int sequence = (int) (Math.random() * 0x10000);
        int timestamp = (int) (Math.random() * Integer.MAX_VALUE);
        boolean first = true;
        volatile boolean left;
        long inputsDropped;

        Member(PublishedStream voice, Executor phoneLoop, FrameHandoff.Consumer toPhoneConsumer) {
            this.voice = voice;
            this.ssrc = (int) voice.description().ssrc();
            this.toPhone = new FrameHandoff(phoneLoop, Resampler.FRAME_8K, toPhoneConsumer);
            // With manual ticks the caller is the mixer's loop: its frames are taken in at once.
            this.fromPhone = new FrameHandoff(manualTicks ? Runnable::run : loop, Resampler.FRAME_8K, this::onInput);
            try {
                encoder = new OpusEncoder(48_000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
            } catch (OpusException e) {
                throw new IllegalStateException("Opus encoder: " + e.getMessage(), e);
            }
            encoder.setBitrate(VOICE_BITRATE);
            encoder.setMaxBandwidth(OpusBandwidth.OPUS_BANDWIDTH_NARROWBAND);
            encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
            encoder.setComplexity(2); // measured: about half the cost of 5 in Concentus, no audible loss for narrowband voice
        }

        /** One 20 ms frame of the caller's voice, 8 kHz ({@link Resampler#FRAME_8K} samples). The leg's loop. */
        public void offer(short[] pcm8k) {
            if (!left) fromPhone.offer(pcm8k);
        }

        /** Leaves the mix (the voice stream is the caller's to unpublish). Any thread; idempotent. */
        public void leave() {
            left = true;
            onLoop(() -> remove(this));
        }

        /** Frames dropped at the hand-offs, both directions. Any thread; may lag. */
        public long framesDropped() {
            return toPhone.dropped() + fromPhone.dropped() + inputsDropped;
        }

        /** Router loop: the caller's frame arrived. Keeps at most {@link #INPUT_FRAMES}; the oldest goes. */
        private void onInput(short[] frame) {
            if (inputCount == INPUT_FRAMES) {
                inputHead = (inputHead + 1) % INPUT_FRAMES;
                inputCount--;
                inputsDropped++;
            }
            System.arraycopy(frame, 0, inputs[(inputHead + inputCount) % INPUT_FRAMES], 0, Resampler.FRAME_8K);
            inputCount++;
        }

        /** Router loop: this tick's frame of the caller into {@link #current}, silence when none came. */
        void takeInput() {
            if (inputCount == 0) {
                java.util.Arrays.fill(current, (short) 0);
                return;
            }
            System.arraycopy(inputs[inputHead], 0, current, 0, Resampler.FRAME_8K);
            inputHead = (inputHead + 1) % INPUT_FRAMES;
            inputCount--;
        }

        /** Router loop: encodes {@link #current} and forwards it as RTP of the voice stream. */
        void sendVoice() {
            up.up(current, pcm48);
            int length;
            try {
                length = encoder.encode(pcm48, 0, Resampler.FRAME_48K, opus, 0, opus.length);
            } catch (OpusException e) {
                return;
            }
            timestamp += Resampler.FRAME_48K; // 20 ms at the 48 kHz RTP clock (RFC 7587 §4.1)
            sequence = (sequence + 1) & 0xFFFF;
            if (voice.isClosed() || length <= 0) {
                return;
            }
            ByteBuf packet = PooledByteBufAllocator.DEFAULT.heapBuffer(RtpPacket.FIXED_HEADER_LENGTH + length);
            try {
                packet.writeByte(0x80);
                packet.writeByte((first ? 0x80 : 0) | OPUS_PAYLOAD_TYPE);
                packet.writeShort(sequence);
                packet.writeInt(timestamp);
                packet.writeInt(ssrc);
                packet.writeBytes(opus, 0, length);
                router.injectLocal(voice, packet);
                first = false;
                voicePacketsSent++;
            } finally {
                packet.release();
            }
        }
    }
}
