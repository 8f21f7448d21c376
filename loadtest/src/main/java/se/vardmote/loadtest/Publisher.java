package se.vardmote.loadtest;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import se.vardmote.media.MediaKind;

/**
 * Generates one participant's outgoing media on its publish transport, paced by one scheduled task per
 * {@link TrafficShape#TICK_NANOS} (no thread per participant): an audio packet every 20 ms and video
 * frames split into packets, sent by a pacer; a keyframe on schedule and when the server sends PLI or FIR.
 * Every payload carries a {@link ProbePayload}. Owned by the transport's event loop.
 */
final class Publisher {

    /** A frame still being paced out. */
    private static final class Frame {
        int remaining;
        int packetPayload;
        int lastPayload;
        int timestamp;
        boolean first = true;
    }

    private final ClientTransport transport;
    private final TrafficShape shape;
    final SentStream audio = new SentStream(MediaKind.AUDIO);
    final SentStream video;
    private final int audioSsrc;
    private final int videoSsrc;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private ScheduledFuture<?> tick;
    private int audioRtpSeq;
    private int videoRtpSeq;
    private int audioTimestamp;
    private int videoTimestamp;
    private long nextAudio;
    private long nextFrame;
    private long nextKeyframe;
    private long budget;
    private boolean keyframeRequested;
    long keyframesSent;
    long keyframeRequests;

    Publisher(ClientTransport transport, TrafficShape shape, int audioSsrc, int videoSsrc) {
        this.transport = transport;
        this.shape = shape;
        this.audioSsrc = audioSsrc;
        this.videoSsrc = videoSsrc;
        this.video = shape.audioOnly() ? null : new SentStream(MediaKind.VIDEO);
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        audioRtpSeq = r.nextInt(0x10000);
        videoRtpSeq = r.nextInt(0x10000);
        audioTimestamp = r.nextInt();
        videoTimestamp = r.nextInt();
    }

    /** Starts sending (any thread). */
    void start() {
        transport.loop().execute(() -> {
            long now = System.nanoTime();
            nextAudio = now;
            nextFrame = now;
            nextKeyframe = now;
            tick = transport.loop().scheduleAtFixedRate(this::tick, 0, TrafficShape.TICK_NANOS, TimeUnit.NANOSECONDS);
        });
    }

    /** Stops sending; the returned future completes on the loop once no packet will follow. */
    java.util.concurrent.CompletableFuture<Void> stop() {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        transport.loop().execute(() -> {
            if (tick != null) tick.cancel(false);
            tick = null;
            frames.clear();
            done.complete(null);
        });
        return done;
    }

    /** PLI or FIR from the server (RFC 4585 §6.3.1, RFC 5104 §4.3.1): send a keyframe next. On the loop. */
    void requestKeyframe() {
        keyframeRequests++;
        keyframeRequested = true;
    }

    private void tick() {
        if (tick == null) return;
        long now = System.nanoTime();
        // Catch up at most a few intervals after a stall, like a real encoder that drops frames instead.
        for (int i = 0; i < 3 && now >= nextAudio; i++) {
            sendAudio();
            nextAudio += TrafficShape.AUDIO_INTERVAL_NANOS;
        }
        if (now >= nextAudio) nextAudio = now + TrafficShape.AUDIO_INTERVAL_NANOS;
        if (video != null) {
            if (now >= nextFrame) {
                boolean key = keyframeRequested || now >= nextKeyframe;
                if (key) {
                    keyframeRequested = false;
                    nextKeyframe = now + TimeUnit.SECONDS.toNanos(shape.keyframeIntervalSeconds());
                    keyframesSent++;
                }
                enqueueFrame(key ? shape.keyframeBytes() : shape.deltaFrameBytes());
                nextFrame += TrafficShape.FRAME_INTERVAL_NANOS;
                if (now >= nextFrame) nextFrame = now + TrafficShape.FRAME_INTERVAL_NANOS;
            }
            pace();
        }
        transport.flush();
    }

    private void enqueueFrame(int bytes) {
        Frame f = new Frame();
        int max = TrafficShape.MAX_VIDEO_PAYLOAD;
        f.remaining = (bytes + max - 1) / max;
        f.packetPayload = Math.max(ProbePayload.OFFSET + ProbePayload.LENGTH, bytes / f.remaining);
        f.lastPayload = Math.max(ProbePayload.OFFSET + ProbePayload.LENGTH, bytes - f.packetPayload * (f.remaining - 1));
        f.timestamp = videoTimestamp;
        videoTimestamp += TrafficShape.VIDEO_TIMESTAMP_STEP;
        frames.add(f);
    }

    private void pace() {
        budget = Math.min(budget + shape.pacingBytesPerTick(), 2L * shape.pacingBytesPerTick());
        while (budget > 0 && !frames.isEmpty()) {
            Frame f = frames.peek();
            boolean last = f.remaining == 1;
            int payload = last ? f.lastPayload : f.packetPayload;
            // RFC 7741 §4.2: X=0 R=0 N=0 S=1 on a frame's first packet, PID 0.
            sendRtp(videoSsrc, ClientSdp.VP8_PT, videoRtpSeq++, f.timestamp, last, video,
                    f.first ? 0x10 : 0x00, payload);
            f.first = false;
            budget -= payload;
            if (--f.remaining == 0) frames.poll();
        }
    }

    private void sendAudio() {
        // RFC 6716 §3.1 TOC: config 15 (SILK+CELT FB 20 ms), mono, one frame.
        sendRtp(audioSsrc, ClientSdp.OPUS_PT, audioRtpSeq++, audioTimestamp, false, audio, 0x78,
                TrafficShape.AUDIO_PAYLOAD);
        audioTimestamp += TrafficShape.AUDIO_TIMESTAMP_STEP;
    }

    private void sendRtp(int ssrc, int pt, int seq, int timestamp, boolean marker, SentStream stream, int firstByte,
                         int payloadLength) {
        ByteBuf p = ClientTransport.allocate(12 + payloadLength);
        p.writeByte(0x80);
        p.writeByte((marker ? 0x80 : 0) | pt);
        p.writeShort(seq & 0xFFFF);
        p.writeInt(timestamp);
        p.writeInt(ssrc);
        p.writeByte(firstByte);
        ProbePayload.write(p, stream.id, stream.next(), System.nanoTime());
        p.writeZero(payloadLength - ProbePayload.OFFSET - ProbePayload.LENGTH);
        stream.bytesSent += p.readableBytes();
        transport.writeRtp(p);
    }
}
