package se.vardmote.media.router;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.ScheduledFuture;
import se.vardmote.media.MediaKind;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * A stream published into a router. Handle returned by {@link Router#publish}.
 *
 * <p>Owns the stream's forwarding state: its bound SSRC, its subscriptions (an indexed list, walked per
 * packet without an iterator) and its keyframe-request rate limit. That state is touched only on the
 * router's event loop; the accessors below are safe from any thread but may lag behind it.
 */
public final class PublishedStream {

    /** RFC 8843 §15.2: the BUNDLE MID header extension. */
    static final String MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid";

    final Router router;
    final WebRtcTransport transport;
    final StreamDescription description;
    final boolean video;
    /** Produced inside the server ({@link Router#publishLocal}); never handed to the {@link AudioTap}. */
    final boolean local;
    final int payloadType;
    final int clockRate;
    /** The publisher's id for the MID extension, 0 when it negotiated none. */
    final int midExtensionId;
    final byte[] mid;
    final ArrayList<Subscription> subscriptions = new ArrayList<>();
    /** Pre-built so that a deferred keyframe request allocates nothing when it fires. */
    final Runnable deferredKeyframeTask;

    RouterTransport publisher;
    volatile int ssrc;
    volatile boolean bound;
    volatile boolean closed;
    boolean keyframeRequested;
    long lastKeyframeRequestNanos;
    ScheduledFuture<?> deferredKeyframe;
    /** RFC 5104 §4.3.1.2: FIR command sequence number, per media sender, incremented per new request. */
    int firSequenceNumber;

    PublishedStream(Router router, WebRtcTransport transport, StreamDescription description) {
        this.router = router;
        this.transport = transport;
        this.description = description;
        this.video = description.kind() == MediaKind.VIDEO;
        this.local = transport instanceof LocalTransport;
        this.payloadType = description.codec().payloadType();
        this.clockRate = description.codec().clockRate();
        Integer midId = description.extensionIds().get(MID_URI);
        this.midExtensionId = midId == null ? 0 : midId;
        this.mid = description.mid() == null ? new byte[0] : description.mid().getBytes(StandardCharsets.US_ASCII);
        this.ssrc = (int) description.ssrc();
        this.bound = description.ssrc() != 0;
        this.deferredKeyframeTask = () -> router.onDeferredKeyframe(this);
    }

    /** How the publisher negotiated the stream. Any thread. */
    public StreamDescription description() {
        return description;
    }

    /** The transport the stream arrives on. Any thread. */
    public WebRtcTransport transport() {
        return transport;
    }

    /** The publisher's SSRC (unsigned), or 0 while it is not yet bound by MID. Any thread; may lag. */
    public long ssrc() {
        return bound ? ssrc & 0xFFFFFFFFL : 0;
    }

    /** True when the server produces this stream itself ({@link Router#publishLocal}). Any thread. */
    public boolean isLocal() {
        return local;
    }

    /** True once unpublished (or its transport removed). Any thread; may lag. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "PublishedStream[" + description.kind().sdpName() + " mid=" + description.mid()
                + " on " + transport.id() + "]";
    }
}
