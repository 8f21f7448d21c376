package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;
import se.vardmote.media.bwe.SendHistory;
import se.vardmote.media.rtp.RtpHeaderExtension;
import se.vardmote.media.rtp.RtpPacket;

/**
 * Numbers the RTP packets one transport sends with transport-wide sequence numbers
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2) at the moment each leaves, after the pacer, so the
 * numbers follow the order on the wire and the {@link SendHistory} holds true send times. The router writes
 * an empty two-byte element; this fills it in and records the packet. While a probe cluster is open, the
 * packets sent count towards it, media first and the router's padding for the rest, until it has its bytes
 * and packets.
 *
 * <p>Owned by the transport's event loop; allocates nothing.
 */
public final class TransportWideSequencer {

    /** What each packet carries besides its RTP bytes: the SRTP tag (16 for AES-GCM, 10 for HMAC) and IPv4 + UDP. */
    static final int OVERHEAD = 16 + 28;

    private final int extensionId;
    private final SendHistory history;
    private final RtpPacket rtp = new RtpPacket();
    private final RtpHeaderExtension element = new RtpHeaderExtension();
    private int next;

    private int cluster = -1;
    private int clusterBytesLeft;
    private int clusterPacketsLeft;

    public TransportWideSequencer(int extensionId, SendHistory history) {
        this.extensionId = extensionId;
        this.history = history;
    }

    /** Opens probe cluster {@code id}: the next packets sent, up to {@code bytes} and {@code packets}, belong to it. */
    public void probe(int id, int bytes, int packets) {
        cluster = id;
        clusterBytesLeft = bytes;
        clusterPacketsLeft = packets;
    }

    /** The probe cluster the next packet would count towards, or -1. */
    int openCluster() {
        return cluster;
    }

    /**
     * Fills in the next sequence number in plaintext RTP {@code packet}, when it carries the element, and
     * records it as sent now. A packet without the element (or not RTP) is left alone.
     */
    public void stamp(ByteBuf packet, long nowNanos) {
        if (!rtp.wrap(packet) || !rtp.findExtension(extensionId, element) || element.dataLength() != 2) {
            return;
        }
        int sequence = next;
        next = (sequence + 1) & 0xFFFF;
        packet.setShort(element.dataOffset(), sequence);
        int size = packet.readableBytes() + OVERHEAD;
        int id = -1;
        if (cluster >= 0) {
            id = cluster;
            clusterBytesLeft -= size;
            clusterPacketsLeft--;
            if (clusterBytesLeft <= 0 && clusterPacketsLeft <= 0) cluster = -1;
        }
        history.onSent(sequence, nowNanos, size, id);
    }
}
