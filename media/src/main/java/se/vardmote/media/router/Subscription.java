package se.vardmote.media.router;

import io.netty.buffer.ByteBuf;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import se.vardmote.media.rtp.RtpHeaderExtension;
import se.vardmote.media.rtp.RtpPacket;
import se.vardmote.media.rtp.RedPayload;
import se.vardmote.media.rtp.Vp8Descriptor;
import se.vardmote.media.transport.WebRtcTransport;

/**
 * One subscriber's view of one published stream. Handle returned by {@link Router#subscribe}.
 *
 * <p>Owns what is rewritten for this subscriber: its SSRC and payload type, the table from the publisher's
 * header-extension ids to the subscriber's, and the sequence-number and timestamp offsets. The offsets are
 * re-based on the first packet after {@link Router#switchStream} so that the subscriber sees one continuous
 * stream across a re-publish (its decoder is not reset, RFC 3550 §8.2 SSRC change avoided).
 * It also answers this subscriber's NACKs from the stream's {@link RetransmissionBuffer}: over RTX
 * (RFC 4588, its own SSRC and sequence numbers, the subscriber's sequence number as OSN) when the
 * subscriber accepted RTX, else as a repeat of the packet as first sent. For VP8 the picture id and
 * TL0PICIDX are re-based with the sequence numbers, so that a switch between simulcast layers (made only at a
 * keyframe of the new layer, see {@link #target}) looks to the decoder like the next picture of one stream.
 * Forwarding state is touched only on the router's event loop; the accessors are safe from any thread.
 */
public final class Subscription {

    final Router router;
    final WebRtcTransport transport;
    final SubscriberParameters parameters;
    final int ssrc;
    final int payloadType;
    final int rtxPayloadType;
    final int rtxSsrc;
    /**
     * The subscriber's payload type for redundant audio (RFC 2198), once its answer accepted it
     * ({@link Router#acceptRed}); -1 until then: it gets the primary block of redundant audio alone. Event loop.
     */
    int redPayloadType = -1;
    /** Publisher extension id (1..255) to subscriber id; 0 strips the element. */
    final byte[] extensionIdMap = new byte[256];
    /**
     * The subscriber's id for abs-send-time (1..14), or 0. The server writes its own send time there on
     * every packet, so that the subscriber's receive-side estimator (and its REMB) measures the server's
     * path to it, not the publisher's; the publisher's own value is never forwarded.
     */
    final int absSendTimeId;
    /**
     * The subscriber's id for the transport-wide sequence number (1..14), or 0. Every packet to it carries
     * the element, which its transport fills in as it sends; the subscriber's transport-cc feedback then
     * names each packet.
     */
    final int transportCcId;

    /** Packets after a re-base during which an older packet (of the stream before the switch) is dropped. */
    static final int REBASE_GUARD_PACKETS = 1024;

    RouterTransport subscriber;
    volatile PublishedStream stream;
    /** When this subscriber was last resent each recent packet (video; null for audio, whose NACKs the publisher answers). */
    final RecentRepairs repairs;
    /**
     * The simulcast layer this subscription switches to at that layer's next keyframe (it is then in the
     * layer's {@link PublishedStream#switchers}); null when none is wanted. Until then the current layer flows.
     */
    PublishedStream target;
    /** Whether {@link LayerAllocation} has given this subscription a layer yet (the first is the highest sent). */
    boolean allocated;
    /** Video held back for this subscriber (its downlink cannot take even the lowest layer); audio still flows. */
    boolean paused;
    /** How large the subscriber shows this video, in CSS pixels; 0 while it has not said. */
    int viewWidth;
    int viewHeight;
    /** The view grew since the layers were last chosen: the track may take the layer that fills it at once. */
    boolean viewGrew;
    /** At the last choice the view's size, not the estimate, kept this track from a higher layer. */
    boolean heldBySize;
    /** Packets forwarded since the last re-base, saturating at {@link #REBASE_GUARD_PACKETS}. */
    int sinceRebase;
    /** VP8 picture id and TL0PICIDX: added to the publisher's, mod the field's size; the last ones sent, or -1. */
    int pictureIdOffset;
    int tl0Offset;
    int lastPictureId = -1;
    int lastTl0 = -1;
    volatile boolean closed;
    /** False until the first packet is forwarded, and again after a switch: offsets then get (re)computed. */
    boolean offsetsValid;
    /** Added to the publisher's sequence number, mod 2^16. */
    int sequenceOffset;
    /** Added to the publisher's RTP timestamp, mod 2^32. */
    int timestampOffset;
    /** The first sequence number sent under the current offsets: NACKs for earlier ones name another stream. */
    int firstSequence;
    /** Sequence numbers of the RTX stream (RFC 4588 §4: its own space, random start). */
    int rtxSequence = ThreadLocalRandom.current().nextInt(0x10000);
    boolean anySent;
    int highestSequence;
    int highestTimestamp;
    long highestNanos;

    Subscription(Router router, WebRtcTransport transport, PublishedStream stream, SubscriberParameters parameters) {
        this.router = router;
        this.transport = transport;
        this.stream = stream;
        this.parameters = parameters;
        this.ssrc = (int) parameters.ssrc();
        this.payloadType = parameters.payloadType();
        this.rtxPayloadType = parameters.rtxPayloadType();
        this.rtxSsrc = (int) parameters.rtxSsrc();
        Integer ast = parameters.extensionIds().get(Router.ABS_SEND_TIME_URI);
        this.absSendTimeId = ast != null && ast >= 1 && ast <= 14 ? ast : 0;
        Integer twcc = parameters.extensionIds().get(Router.TRANSPORT_CC_URI);
        this.transportCcId = twcc != null && twcc >= 1 && twcc <= 14 ? twcc : 0;
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type " + payloadType + " is not 0..127");
        }
        this.repairs = stream.video ? new RecentRepairs() : null;
        mapExtensions(stream);
    }

    /** Rebuilds the extension-id table for {@code from}'s ids. Event loop (or before registration). */
    void mapExtensions(PublishedStream from) {
        java.util.Arrays.fill(extensionIdMap, (byte) 0);
        for (Map.Entry<String, Integer> e : from.description.extensionIds().entrySet()) {
            // Written fresh: the send time here, the transport-wide sequence number by the transport as it sends.
            if (Router.ABS_SEND_TIME_URI.equals(e.getKey()) || Router.TRANSPORT_CC_URI.equals(e.getKey())) continue;
            Integer to = parameters.extensionIds().get(e.getKey());
            int fromId = e.getValue();
            if (to != null && fromId >= 1 && fromId <= 255 && to >= 1 && to <= 255) {
                extensionIdMap[fromId] = (byte) (int) to;
            }
        }
    }

    /**
     * Points this subscription at {@code next} (a re-publish); the next packet re-bases the offsets.
     * Event loop.
     */
    void switchTo(PublishedStream next) {
        stream = next;
        mapExtensions(next);
        offsetsValid = false;
    }

    /**
     * Makes {@code layer} (of the track this subscription receives) the one it switches to at that layer's next
     * keyframe, which is asked for; the layer it has flows until then. Choosing the current layer cancels a
     * pending switch (and resumes a paused subscription at the next keyframe). Event loop.
     */
    void chooseLayer(PublishedStream layer) {
        if (layer == stream && !paused) {
            clearTarget();
            return;
        }
        if (target == layer) {
            return;
        }
        clearTarget();
        target = layer;
        layer.switchers.add(this);
        layer.requestKeyframe(false, RouterCounter.RTCP_PLI_SENT);
    }

    /** Holds back this subscription's video until a layer is chosen for it again. Event loop. */
    void pauseVideo() {
        clearTarget();
        paused = true;
    }

    /** Cancels a pending layer switch. Event loop. */
    void clearTarget() {
        if (target != null) {
            target.switchers.remove(this);
            target = null;
        }
    }

    /**
     * Sets the offsets so that {@code sequenceNumber}/{@code timestamp} (and the VP8 picture id in {@code vp8},
     * null for another codec) follow what was sent last. Event loop.
     */
    void rebase(int sequenceNumber, int timestamp, long nowNanos, int clockRate, Vp8Descriptor vp8) {
        if (!anySent) {
            sequenceOffset = 0;
            timestampOffset = 0;
        } else {
            sequenceOffset = (highestSequence + 1 - sequenceNumber) & 0xFFFF;
            // Advance the timestamp by the wall-clock time since the last packet (at least one tick), so the
            // receiver's jitter estimate sees no jump (RFC 3550 §6.4.1).
            long elapsedMicros = Math.min(Math.max(0, nowNanos - highestNanos) / 1_000, 86_400_000_000L);
            long ticks = Math.max(1, elapsedMicros * clockRate / 1_000_000L);
            timestampOffset = (int) (highestTimestamp + ticks - timestamp);
        }
        if (vp8 != null && vp8.pictureId() != Vp8Descriptor.NO_PICTURE_ID) {
            pictureIdOffset = lastPictureId < 0 ? 0 : lastPictureId + 1 - vp8.pictureId();
        }
        if (vp8 != null && vp8.tl0PicIdx() >= 0) {
            tl0Offset = lastTl0 < 0 ? 0 : lastTl0 + 1 - vp8.tl0PicIdx();
        }
        firstSequence = (sequenceNumber + sequenceOffset) & 0xFFFF;
        sinceRebase = 0;
        offsetsValid = true;
    }

    /** Records a forwarded packet's outgoing sequence number, timestamp and VP8 ids (-1: none). Event loop. */
    void sent(int outSequence, int outTimestamp, int pictureId, int tl0, long nowNanos) {
        if (!anySent || isNewer(outSequence, highestSequence)) {
            highestSequence = outSequence;
            highestTimestamp = outTimestamp;
            highestNanos = nowNanos;
            if (pictureId >= 0) {
                lastPictureId = pictureId;
            }
            if (tl0 >= 0) {
                lastTl0 = tl0;
            }
        }
        anySent = true;
    }

    /**
     * Writes {@code rtp} (a packet of the current stream) as this subscriber receives it into a buffer of its
     * transport and sends it. Borrows {@code rtp}'s buffer; {@code ext} is the router's scratch cursor;
     * {@code vp8} its descriptor when the stream is VP8, else null; {@code red} its view of redundant audio
     * when the packet is that, else null.
     */
    void forward(RtpPacket rtp, RtpHeaderExtension ext, Vp8Descriptor vp8, RedPayload red, long now) {
        if (paused) {
            router.count(RouterCounter.RTP_DROPPED_PAUSED);
            return;
        }
        if (!transport.isConnected()) {
            router.count(RouterCounter.RTP_DROPPED_NOT_CONNECTED);
            return;
        }
        int inSequence = rtp.sequenceNumber();
        int inTimestamp = (int) rtp.timestamp();
        if (!offsetsValid) {
            rebase(inSequence, inTimestamp, now, stream.clockRate, vp8);
        }
        int outSequence = (inSequence + sequenceOffset) & 0xFFFF;
        if (sinceRebase < REBASE_GUARD_PACKETS) {
            if (isNewer(firstSequence, outSequence)) {
                // Older than the switch point: under these offsets it would take a number already sent.
                router.count(RouterCounter.RTP_DROPPED_BEFORE_SWITCH);
                return;
            }
            sinceRebase++;
        }
        int outTimestamp = inTimestamp + timestampOffset;
        int pictureId = -1;
        int tl0 = -1;
        if (vp8 != null) {
            if (vp8.pictureId() != Vp8Descriptor.NO_PICTURE_ID) {
                pictureId = (vp8.pictureId() + pictureIdOffset) & vp8.pictureIdMask();
            }
            if (vp8.tl0PicIdx() >= 0) {
                tl0 = (vp8.tl0PicIdx() + tl0Offset) & 0xFF;
            }
        }
        ByteBuf packet;
        if (red == null) {
            packet = rewrite(rtp, ext, payloadType, outSequence, outTimestamp, ssrc, -1, vp8, pictureId, tl0, now);
        } else {
            packet = rewriteRed(rtp, ext, red, outSequence, outTimestamp, now);
        }
        sent(outSequence, outTimestamp, pictureId, tl0, now);
        subscriber.sent.add(packet.readableBytes());
        if (stream.video) transport.sendDroppableRtp(packet);
        else transport.sendRtp(packet);
        router.count(RouterCounter.RTP_FORWARDED);
    }

    /**
     * True when a NACK for {@code outSequence} names a packet of the current stream sent lately enough to be
     * in the stream's retransmission buffer.
     */
    boolean canRepair(int outSequence) {
        if (!offsetsValid || !anySent) {
            return false;
        }
        int back = (highestSequence - outSequence) & 0xFFFF;
        int sinceFirst = (outSequence - firstSequence) & 0xFFFF;
        return back < RetransmissionBuffer.SLOTS && sinceFirst <= ((highestSequence - firstSequence) & 0xFFFF);
    }

    /** The publisher's sequence number of what this subscriber knows as {@code outSequence}. */
    int inSequence(int outSequence) {
        return (outSequence - sequenceOffset) & 0xFFFF;
    }

    /**
     * Sends {@code cached} again, the packet this subscriber lost as {@code outSequence}: over RTX when it
     * accepted RTX, else unchanged from the first time. Borrows {@code cached}.
     */
    void retransmit(RtpPacket cached, RtpHeaderExtension ext, Vp8Descriptor vp8, int outSequence, long now) {
        if (!transport.isConnected()) {
            router.count(RouterCounter.RTP_DROPPED_NOT_CONNECTED);
            return;
        }
        int outTimestamp = (int) cached.timestamp() + timestampOffset;
        int pictureId = vp8 == null || vp8.pictureId() == Vp8Descriptor.NO_PICTURE_ID ? -1
                : (vp8.pictureId() + pictureIdOffset) & vp8.pictureIdMask();
        int tl0 = vp8 == null || vp8.tl0PicIdx() < 0 ? -1 : (vp8.tl0PicIdx() + tl0Offset) & 0xFF;
        ByteBuf packet;
        if (rtxPayloadType >= 0) {
            int sequence = rtxSequence;
            rtxSequence = (sequence + 1) & 0xFFFF;
            packet = rewrite(cached, ext, rtxPayloadType, sequence, outTimestamp, rtxSsrc, outSequence, vp8, pictureId,
                    tl0, now);
            router.count(RouterCounter.RTX_SENT);
        } else {
            packet = rewrite(cached, ext, payloadType, outSequence, outTimestamp, ssrc, -1, vp8, pictureId, tl0, now);
            router.count(RouterCounter.RTP_RESENT);
        }
        transport.sendDroppableRtp(packet);
    }

    /** The most padding one RTP packet carries (RFC 3550 §5.1: the count is one octet). */
    static final int MAX_PADDING = 255;

    /**
     * Sends a padding-only packet on the RTX stream, {@code bytes} (1..255) of padding, for probing the
     * subscriber's downlink: the browser counts it for transport-cc and discards it (an RTX payload shorter
     * than its two-byte original sequence number repairs nothing). Returns whether it was sent (it needs RTX
     * and a connected transport). Event loop.
     */
    boolean sendPadding(int bytes, long now) {
        if (rtxPayloadType < 0 || transportCcId == 0 || !transport.isConnected() || bytes < 1 || bytes > MAX_PADDING) {
            return false;
        }
        int extensionBlock = 4 + (((absSendTimeId != 0 ? 4 : 0) + 3 + 3) & ~3);
        ByteBuf packet = transport.allocatePacket(RtpPacket.FIXED_HEADER_LENGTH + extensionBlock + bytes);
        int sequence = rtxSequence;
        rtxSequence = (sequence + 1) & 0xFFFF;
        packet.writeByte(0x80 | 0x20 | 0x10);
        packet.writeByte(rtxPayloadType);
        packet.writeShort(sequence);
        packet.writeInt(highestTimestamp);
        packet.writeInt(rtxSsrc);
        packet.writeShort(RtpPacket.ONE_BYTE_PROFILE);
        packet.writeShort((extensionBlock - 4) / 4);
        int written = 0;
        if (absSendTimeId != 0) {
            packet.writeByte((absSendTimeId << 4) | 2);
            packet.writeMedium(absSendTime(now));
            written += 4;
        }
        packet.writeByte((transportCcId << 4) | 1);
        packet.writeShort(0);
        written += 3;
        packet.writeZero(extensionBlock - 4 - written);
        packet.writeZero(bytes - 1);
        packet.writeByte(bytes);
        transport.sendDroppableRtp(packet);
        return true;
    }

    /**
     * A buffer of the subscriber's transport holding {@code rtp} under the given header fields, with the
     * header extensions the subscriber negotiated under its ids, in the one-byte form (RFC 8285 §4.2); an
     * element that does not fit that form drops the whole block (one-byte is what every browser parses, and
     * no extension we forward needs more). With {@code osn >= 0} the payload is prefixed by it (RFC 4588
     * §4 RTX payload). Payload and padding are copied (RFC 3550 §5.1: the last padding octet still counts
     * the padding), with the VP8 picture id and TL0PICIDX set to the given values when they are not -1.
     */
    private ByteBuf rewrite(RtpPacket rtp, RtpHeaderExtension ext, int pt, int sequence, int timestamp, int ssrcOut,
                            int osn, Vp8Descriptor vp8, int pictureId, int tl0, long nowNanos) {
        return rewrite(rtp, ext, pt, sequence, timestamp, ssrcOut, osn, vp8, pictureId, tl0, nowNanos,
                rtp.payloadOffset(), rtp.length() - rtp.headerLength(), rtp.hasPadding());
    }

    /** As above, with the payload taken from {@code payloadFrom}, {@code payloadBytes} long, padded or not. */
    private ByteBuf rewrite(RtpPacket rtp, RtpHeaderExtension ext, int pt, int sequence, int timestamp, int ssrcOut,
                            int osn, Vp8Descriptor vp8, int pictureId, int tl0, long nowNanos, int payloadFrom,
                            int payloadBytes, boolean padded) {
        ByteBuf src = rtp.buffer();
        byte[] idMap = extensionIdMap;
        int extensionBytes = 0;
        if (rtp.extensions(ext)) {
            while (ext.next()) {
                int to = idMap[ext.id()] & 0xFF;
                if (to == 0) {
                    continue;
                }
                int length = ext.dataLength();
                if (to > 14 || length < 1 || length > 16) {
                    extensionBytes = -1;
                    router.count(RouterCounter.RTP_EXTENSIONS_DROPPED);
                    break;
                }
                extensionBytes += 1 + length;
            }
        }
        boolean mapped = extensionBytes > 0;
        int elementBytes = (mapped ? extensionBytes : 0) + (absSendTimeId != 0 ? 4 : 0) + (transportCcId != 0 ? 3 : 0);
        int extensionBlock = elementBytes == 0 ? 0 : 4 + ((elementBytes + 3) & ~3);
        int csrcBytes = 4 * rtp.csrcCount();
        int payloadAndPadding = payloadBytes;
        int osnBytes = osn >= 0 ? 2 : 0;
        int length = RtpPacket.FIXED_HEADER_LENGTH + csrcBytes + extensionBlock + osnBytes + payloadAndPadding;

        ByteBuf packet = transport.allocatePacket(length);
        packet.writeByte(0x80 | (padded ? 0x20 : 0) | (extensionBlock > 0 ? 0x10 : 0) | rtp.csrcCount());
        packet.writeByte((rtp.marker() ? 0x80 : 0) | pt);
        packet.writeShort(sequence);
        packet.writeInt(timestamp);
        packet.writeInt(ssrcOut);
        if (csrcBytes > 0) {
            packet.writeBytes(src, rtp.offset() + RtpPacket.FIXED_HEADER_LENGTH, csrcBytes);
        }
        if (extensionBlock > 0) {
            packet.writeShort(RtpPacket.ONE_BYTE_PROFILE);
            packet.writeShort((extensionBlock - 4) / 4);
            if (mapped) {
                rtp.extensions(ext);
                while (ext.next()) {
                    int to = idMap[ext.id()] & 0xFF;
                    if (to == 0) {
                        continue;
                    }
                    packet.writeByte((to << 4) | (ext.dataLength() - 1));
                    packet.writeBytes(src, ext.dataOffset(), ext.dataLength());
                }
            }
            if (absSendTimeId != 0) {
                packet.writeByte((absSendTimeId << 4) | 2);
                packet.writeMedium(absSendTime(nowNanos));
            }
            if (transportCcId != 0) {
                packet.writeByte((transportCcId << 4) | 1);
                packet.writeShort(0); // the transport numbers it as it sends
            }
            packet.writeZero(extensionBlock - 4 - elementBytes);
        }
        if (osnBytes > 0) {
            packet.writeShort(osn);
        }
        int payloadStart = packet.writerIndex();
        packet.writeBytes(src, payloadFrom, payloadAndPadding);
        if (pictureId >= 0) {
            vp8.writePictureId(packet, payloadStart, pictureId);
        }
        if (tl0 >= 0) {
            vp8.writeTl0PicIdx(packet, payloadStart, tl0);
        }
        return packet;
    }

    /**
     * Redundant audio as this subscriber takes it: as RED under its payload type, the blocks renamed to its
     * codec's payload type, when it accepted RED; else the primary block alone, as a plain packet of the codec
     * (what the redundant blocks repeat, it has had or lost for good). Borrows {@code rtp}.
     */
    private ByteBuf rewriteRed(RtpPacket rtp, RtpHeaderExtension ext, RedPayload red, int sequence, int timestamp,
                               long now) {
        if (redPayloadType >= 0) {
            router.count(RouterCounter.RED_FORWARDED);
            ByteBuf packet = rewrite(rtp, ext, redPayloadType, sequence, timestamp, ssrc, -1, null, -1, -1, now);
            if (payloadType != stream.payloadType) {
                red.writeBlockPayloadTypes(packet, packet.writerIndex() - (rtp.length() - rtp.headerLength()), payloadType);
            }
            return packet;
        }
        router.count(RouterCounter.RED_PRIMARY_ONLY);
        return rewrite(rtp, ext, payloadType, sequence, timestamp, ssrc, -1, null, -1, -1, now, red.primaryOffset(),
                red.primaryLength(), false);
    }

    /** abs-send-time: seconds in 6.18 fixed point, 24 bits (wraps every 64 s). */
    static int absSendTime(long nanos) {
        long seconds = nanos / 1_000_000_000L;
        long fraction = nanos % 1_000_000_000L;
        return (int) (((seconds & 0x3F) << 18) | ((fraction << 18) / 1_000_000_000L));
    }

    /** RFC 3550 Appendix A.1 style: {@code a} is after {@code b} in 16-bit sequence space. */
    static boolean isNewer(int a, int b) {
        int d = (a - b) & 0xFFFF;
        return d != 0 && d < 0x8000;
    }

    /** How the subscriber receives the stream. Any thread. */
    public SubscriberParameters parameters() {
        return parameters;
    }

    /** The stream currently forwarded. Any thread; may lag. */
    public PublishedStream stream() {
        return stream;
    }

    /** The subscriber's transport. Any thread. */
    public WebRtcTransport transport() {
        return transport;
    }

    /** True once unsubscribed (or its stream or transport removed). Any thread; may lag. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "Subscription[ssrc=" + (ssrc & 0xFFFFFFFFL) + " on " + transport.id() + "]";
    }
}
