package se.vardmote.media.phone;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import se.vardmote.media.MediaConfig;
import se.vardmote.media.MediaKind;
import se.vardmote.media.mixer.AudioMixer;
import se.vardmote.media.mixer.Resampler;
import se.vardmote.media.net.AllowedNetworks;
import se.vardmote.media.net.UdpIo;
import se.vardmote.media.router.PublishedStream;
import se.vardmote.media.router.Router;
import se.vardmote.media.router.RtpCodec;
import se.vardmote.media.router.StreamDescription;
import se.vardmote.media.rtp.RtpPacket;

/**
 * The media side of one telephone call: plain RTP/AVP (symmetric RTP) on its own UDP port, G.711 or
 * Opus, RFC 4733 DTMF in, prompts out while the caller is in the IVR or the lobby, and, once admitted,
 * the room's mix-minus out (short notices such as "you are muted" laid over it) and the caller's voice into
 * the room as an Opus stream, unless muted.
 * Created by {@code MediaEngine.createPhoneLeg}. Public methods are safe from any thread.
 *
 * <p>Owns its UDP channel and all call state, on one media worker's event loop: the negotiated codec
 * ({@link CallCodec}), the caller's voice waiting for the mix ({@link VoiceInput}), the room's mix waiting to be
 * sent, the prompts and the pacing. Every 20 ms its
 * {@link FramePacer} sends exactly one packet (RTP timestamp +160 at 8 kHz, +960 for Opus's 48 kHz clock): the room's mix when
 * joined, else the queued prompt ({@link PromptPlayer}), else silence, so the gateway never sees a silent, dead stream and never
 * hangs up on an empty room. The first packet after start or after silence carries the marker bit
 * (RFC 3551 §4.1). It sends to the address the SDP named until RTP arrives, then to where that RTP comes
 * from (symmetric RTP, RFC 4961); packets from any other source, or from outside the allowed networks, are
 * dropped and counted.
 */
public final class PhoneLeg {

    private static final System.Logger LOG = System.getLogger(PhoneLeg.class.getName());
    private static final int FRAME = Resampler.FRAME_8K;
    /** Datagrams larger than this are no 20 ms voice packet we negotiated. */
    static final int MAX_DATAGRAM = 1500;
    private static final int MIX_FRAMES = 3;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EventLoop loop;
    private final MediaConfig config;
    private final AllowedNetworks allowedNetworks;
    private final PhoneLegListener listener;
    private final Runnable onClose;
    private final Channel channel;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long[] counts = new long[PhoneCounter.ALL.length];

    // ---- all below: the leg's event loop
    private final RtpPacket rtp = new RtpPacket();
    private final TelephoneEvent telephoneEvent = new TelephoneEvent();
    private final DtmfReceiver dtmf = new DtmfReceiver();
    private InetSocketAddress negotiated;
    private InetSocketAddress learned;
    private CallCodec codec;
    private int telephoneEventPayloadType = -1;
    private boolean anyReceived;
    private int lastSequence;

    private final VoiceInput input = new VoiceInput();
    /** A clinician muted the caller (or the caller pressed *6): its voice does not reach the room. */
    private boolean muted;

    private final short[][] mixFrames = new short[MIX_FRAMES][FRAME];
    private int mixHead;
    private int mixCount;
    private boolean mixPrimed;

    private final PromptPlayer prompts = new PromptPlayer();

    private final short[] outFrame = new short[FRAME];
    private final short[] voiceFrame = new short[FRAME];
    private final int ssrc = RANDOM.nextInt() | 1;
    private int sequence = RANDOM.nextInt(0x10000);
    private int timestamp = RANDOM.nextInt();
    private boolean sending;
    private boolean anySent;
    private final FramePacer pacer;

    private Router router;
    private PublishedStream voice;
    private AudioMixer.Member member;

    private PhoneLeg(EventLoop loop, MediaConfig config, PhoneLegListener listener, Runnable onClose, UdpIo io) {
        this.loop = loop;
        this.config = config;
        this.allowedNetworks = new AllowedNetworks(config.allowedNetworks());
        this.listener = listener;
        this.onClose = onClose;
        this.channel = new Bootstrap()
                .group(loop)
                .channel(io.channelClass())
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                .handler(new Inbound())
                .bind(new InetSocketAddress(config.bindAddress(), 0))
                .syncUninterruptibly()
                .channel();
        this.port = ((InetSocketAddress) channel.localAddress()).getPort();
        this.pacer = new FramePacer(loop, this::sendFrame, closed::get);
    }

    /**
     * Opens a leg on {@code loop} (a media worker's loop) with a socket bound to the config's bind address on an
     * ephemeral port, and starts its 20 ms sender. {@code onClose} runs once when it closes. Blocks until bound:
     * call it off the media loops. {@code MediaEngine.createPhoneLeg} is the usual way in.
     */
    public static PhoneLeg open(EventLoop loop, UdpIo io, MediaConfig config, PhoneLegListener listener, Runnable onClose) {
        PhoneLeg leg = new PhoneLeg(loop, config, listener, onClose, io);
        loop.execute(leg.pacer::start);
        LOG.log(System.Logger.Level.DEBUG, "phone leg on UDP port {0}", leg.port);
        return leg;
    }

    /** The UDP port this leg receives RTP on (for the SDP answer's m= line). */
    public int localPort() {
        return port;
    }

    /** The address to put in the SDP answer's c= line (the first advertised address). */
    public String localAddress() {
        InetAddress a = config.advertisedAddresses().isEmpty() ? config.bindAddress() : config.advertisedAddresses().get(0);
        return a.getHostAddress();
    }

    /**
     * Where the gateway's RTP comes from and what it speaks. Symmetric RTP: the leg sends to the
     * address packets actually arrive from once any do.
     *
     * @param telephoneEventPayloadType the negotiated telephone-event PT, or -1 if none
     */
    public void setRemote(InetSocketAddress rtp, PhoneCodec codec, int telephoneEventPayloadType) {
        // Built here, on the caller's thread: an Opus codec's construction is not for the media loop.
        CallCodec next = CallCodec.of(codec);
        onLoop(() -> {
            if (!rtp.equals(negotiated)) {
                learned = null; // a re-INVITE moved the media: learn the new source again
            }
            negotiated = rtp;
            if (this.codec == null || !this.codec.codec.equals(codec)) {
                this.codec = next; // an unchanged codec keeps its Opus state
            }
            this.telephoneEventPayloadType = telephoneEventPayloadType;
        });
    }

    /** Plays a prompt (after whatever is queued), once or looped until {@link #stopPlayback}. */
    public void play(Prompt prompt, boolean loop) {
        onLoop(() -> prompts.add(prompt, loop));
    }

    /** Stops and forgets queued prompts. */
    public void stopPlayback() {
        onLoop(prompts::clear);
    }

    /**
     * Connects the caller to a room: the leg hears everyone in {@code router} but itself (mixed,
     * every 20 ms), and its voice is published into the router as an Opus stream that subscribers
     * receive like any other audio. Prompts stop.
     *
     * <p>The stream: kind audio, codec {@code opus/48000/2} PT 111, its own random SSRC, mid {@code "phone"},
     * no header extensions. Joining a second router first leaves the first.
     */
    public PublishedStream joinMix(Router router) {
        if (closed.get()) throw new IllegalStateException("phone leg closed");
        leaveMix();
        long voiceSsrc = (RANDOM.nextInt() | 1) & 0xFFFFFFFFL;
        StreamDescription description = new StreamDescription(MediaKind.AUDIO, voiceSsrc, "phone",
                new RtpCodec("opus", 48_000, 2, 111), Map.of());
        PublishedStream stream = router.publishLocal(description);
        AudioMixer.Member joined = AudioMixer.of(router).join(stream, loop, this::onMixedFrame);
        onLoop(() -> {
            prompts.clear();
            this.router = router;
            this.voice = stream;
            this.member = joined;
            mixCount = 0;
            mixPrimed = false;
            input.clear();
        });
        return stream;
    }

    /**
     * Mutes or unmutes the caller towards the room: muted, what the caller says is dropped before the mix
     * (the room's stream carries silence); the caller still hears the room. Any thread.
     */
    public void setMuted(boolean mute) {
        onLoop(() -> {
            muted = mute;
            input.clear();
        });
    }

    /** Disconnects from the room's mix (back to the lobby, say); the published stream ends. */
    public void leaveMix() {
        onLoop(() -> {
            if (member != null) {
                member.leave();
                router.unpublish(voice);
                member = null;
                voice = null;
                router = null;
            }
        });
    }

    /** Frees the port and everything else. Idempotent. */
    public void close() {
        close("closed");
    }

    /** Counters ({@code phone.rtp.in}, {@code phone.dropped.wrong_source}, ...). Any thread; may lag. */
    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (PhoneCounter c : PhoneCounter.ALL) {
            out.put(c.key, c == PhoneCounter.TICKS_SKIPPED ? pacer.skippedTicks() : counts[c.ordinal()]);
        }
        return out;
    }

    /** The event loop this leg lives on. Any thread. */
    public EventLoop eventLoop() {
        return loop;
    }

    void close(String reason) {
        if (!closed.compareAndSet(false, true)) return;
        leaveMix();
        onLoop(() -> {
            pacer.stop();
            prompts.clear();
            channel.close();
            try {
                listener.onClosed(this, reason);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "phone leg listener failed on close", e);
            }
            onClose.run();
        });
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            try {
                loop.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the media plane is shutting down; the channel goes with it
            }
        }
    }

    private void count(PhoneCounter c) {
        counts[c.ordinal()]++;
    }

    // ---------------------------------------------------------------- receive (leg loop)

    void onDatagram(DatagramPacket packet) {
        InetSocketAddress from = packet.sender();
        if (from == null || !allowedNetworks.allows(from.getAddress())) {
            count(PhoneCounter.DROPPED_NOT_ALLOWED);
            return;
        }
        if (negotiated == null) {
            count(PhoneCounter.DROPPED_NO_REMOTE);
            return;
        }
        if (learned == null) {
            learned = from; // RFC 4961: symmetric RTP, answer where it comes from
        } else if (!learned.equals(from)) {
            count(PhoneCounter.DROPPED_WRONG_SOURCE);
            return;
        }
        ByteBuf buf = packet.content();
        if (buf.readableBytes() > MAX_DATAGRAM) {
            count(PhoneCounter.DROPPED_TOO_LARGE);
            return;
        }
        RtpPacket rtp = this.rtp;
        if (!rtp.wrap(buf)) {
            count(PhoneCounter.DROPPED_MALFORMED);
            return;
        }
        int pt = rtp.payloadType();
        if (pt == telephoneEventPayloadType) {
            onTelephoneEvent(rtp);
        } else if (pt == codec.payloadType()) {
            onVoice(rtp);
        } else {
            count(PhoneCounter.DROPPED_PAYLOAD_TYPE); // comfort noise (13), RTCP sent to the RTP port, ...
        }
    }

    private void onTelephoneEvent(RtpPacket rtp) {
        TelephoneEvent event = telephoneEvent;
        if (!event.wrap(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength())) {
            count(PhoneCounter.DROPPED_MALFORMED);
            return;
        }
        char key = dtmf.onPacket(rtp.timestamp(), event.event());
        if (key != 0) {
            count(PhoneCounter.DTMF_EVENTS);
            try {
                listener.onDtmf(this, key);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "phone leg DTMF listener failed", e); // no digit in the log
            }
        }
    }

    private void onVoice(RtpPacket rtp) {
        int seq = rtp.sequenceNumber();
        if (anyReceived && (short) (seq - lastSequence) <= 0) {
            count(PhoneCounter.DROPPED_LATE); // 20 ms too late is too late for a phone: no reordering here
            return;
        }
        anyReceived = true;
        lastSequence = seq;
        count(PhoneCounter.RTP_IN);
        int n = codec.decode(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength());
        if (n < 0) {
            count(n == CallCodec.TOO_LARGE ? PhoneCounter.DROPPED_TOO_LARGE : PhoneCounter.DROPPED_DECODE);
            return;
        }
        if (member == null || muted) return; // in the IVR, the lobby or muted the voice goes nowhere
        for (int dropped = input.push(codec.decoded(), n); dropped > 0; dropped--) {
            count(PhoneCounter.INPUT_OVERFLOW);
        }
    }

    /** The mixer's frame for this caller arrived (leg loop). Keeps at most {@link #MIX_FRAMES}. */
    private void onMixedFrame(short[] frame) {
        if (mixCount == MIX_FRAMES) {
            mixHead = (mixHead + 1) % MIX_FRAMES;
            mixCount--;
            count(PhoneCounter.MIX_OVERFLOW);
        }
        System.arraycopy(frame, 0, mixFrames[(mixHead + mixCount) % MIX_FRAMES], 0, FRAME);
        mixCount++;
    }

    // ---------------------------------------------------------------- every 20 ms (leg loop)

    /** The pacer's frame: the caller's voice into the mix, and one packet to the caller. */
    private void sendFrame() {
        boolean audible = fillOutFrame();
        if (member != null) {
            input.take(voiceFrame);
            member.offer(voiceFrame);
        }
        send(audible);
    }

    /** The next 20 ms for the caller into {@link #outFrame}; false when it is silence. */
    private boolean fillOutFrame() {
        short[] out = outFrame;
        if (member != null) {
            if (!mixPrimed && mixCount >= 2) mixPrimed = true; // one frame of slack between the two 20 ms clocks
            if (mixPrimed && mixCount > 0) {
                System.arraycopy(mixFrames[mixHead], 0, out, 0, FRAME);
                mixHead = (mixHead + 1) % MIX_FRAMES;
                mixCount--;
            } else {
                if (mixPrimed) {
                    mixPrimed = false;
                    count(PhoneCounter.MIX_UNDERRUN);
                }
                java.util.Arrays.fill(out, (short) 0);
            }
            prompts.take(out, true); // a short notice ("you are muted") over the room's sound
            return true; // a room's silence is still the room: no marker bit when sound resumes
        }
        int filled = prompts.take(out, false);
        java.util.Arrays.fill(out, filled, FRAME, (short) 0);
        return filled > 0;
    }

    private void send(boolean audible) {
        InetSocketAddress to = learned != null ? learned : negotiated;
        CallCodec codec = this.codec;
        if (to == null || codec == null) {
            return; // nothing negotiated yet: nowhere to send
        }
        // RFC 3551 §4.1: the marker bit starts a talkspurt; the first packet of the stream also carries it.
        boolean marker = !anySent || (audible && !sending);
        sending = audible;
        anySent = true;
        int payloadLength = codec.encode(outFrame);
        if (payloadLength < 0) {
            return;
        }
        ByteBuf packet = channel.alloc().directBuffer(RtpPacket.FIXED_HEADER_LENGTH + payloadLength);
        writeHeader(packet, marker, codec.payloadType());
        packet.writeBytes(codec.payload(), 0, payloadLength);
        timestamp += codec.timestampStep(); // 20 ms in the codec's RTP clock
        sequence = (sequence + 1) & 0xFFFF;
        channel.writeAndFlush(new DatagramPacket(packet, to), channel.voidPromise());
        count(PhoneCounter.RTP_OUT);
    }

    private void writeHeader(ByteBuf packet, boolean marker, int payloadType) {
        packet.writeByte(0x80);
        packet.writeByte((marker ? 0x80 : 0) | payloadType);
        packet.writeShort(sequence);
        packet.writeInt(timestamp);
        packet.writeInt(ssrc);
    }

    /** The channel's only handler: hands datagrams to the leg and releases them. */
    private final class Inbound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof DatagramPacket packet) onDatagram(packet);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable (the gateway not listening yet) surfaces here; UDP keeps going.
        }
    }
}
