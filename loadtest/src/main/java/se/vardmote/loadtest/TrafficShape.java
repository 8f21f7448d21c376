package se.vardmote.loadtest;

/**
 * What a simulated participant sends: Opus-sized audio (about 100-byte payloads every 20 ms, RFC 7587) and,
 * unless audio-only, VP8-shaped video at a target bitrate, 30 frames per second, packets of at most
 * {@link #MAX_VIDEO_PAYLOAD} bytes, a keyframe {@link #KEYFRAME_FACTOR} times a delta frame every
 * {@code keyframeIntervalSeconds} and on PLI. Immutable.
 */
record TrafficShape(boolean audioOnly, int videoKbps, int keyframeIntervalSeconds) {

    static final int AUDIO_PAYLOAD = 100;
    static final long AUDIO_INTERVAL_NANOS = 20_000_000L;
    static final int AUDIO_TIMESTAMP_STEP = 960; // 20 ms at 48 kHz
    static final int FRAMES_PER_SECOND = 30;
    static final long FRAME_INTERVAL_NANOS = 1_000_000_000L / FRAMES_PER_SECOND;
    static final int VIDEO_TIMESTAMP_STEP = 90_000 / FRAMES_PER_SECOND;
    /** RTP header (12) + payload + SRTP tag (16) stays within 1200 bytes, what browsers send. */
    static final int MAX_VIDEO_PAYLOAD = 1150;
    static final int KEYFRAME_FACTOR = 5;
    /** A pacer like Chromium's (2.5x the target rate) spreads a frame's packets over a few ticks. */
    static final double PACING_FACTOR = 2.5;
    static final long TICK_NANOS = 5_000_000L;

    int deltaFrameBytes() {
        return Math.max(ProbePayload.OFFSET + ProbePayload.LENGTH, videoKbps * 1000 / 8 / FRAMES_PER_SECOND);
    }

    int keyframeBytes() {
        return deltaFrameBytes() * KEYFRAME_FACTOR;
    }

    /** Bytes the pacer may send per tick. */
    int pacingBytesPerTick() {
        return (int) Math.max(MAX_VIDEO_PAYLOAD, PACING_FACTOR * videoKbps * 1000 / 8 * TICK_NANOS / 1e9);
    }
}
