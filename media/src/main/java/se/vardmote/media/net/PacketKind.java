package se.vardmote.media.net;

import io.netty.buffer.ByteBuf;

/**
 * What a datagram on the shared media port is, told by its first bytes (RFC 7983 §7, RFC 5761 §4).
 * Stateless.
 */
public enum PacketKind {
    STUN, DTLS, RTP, RTCP, UNKNOWN;

    /** Classifies the readable bytes of {@code datagram} without moving its indices. */
    public static PacketKind of(ByteBuf datagram) {
        int n = datagram.readableBytes();
        if (n == 0) return UNKNOWN;
        int i = datagram.readerIndex();
        int first = datagram.getUnsignedByte(i);
        return of(first, n > 1 ? datagram.getUnsignedByte(i + 1) : -1, n);
    }

    /** As {@link #of(ByteBuf)}, on the first two bytes ({@code second} is -1 when absent). */
    public static PacketKind of(int first, int second, int length) {
        if (first <= 3) return length >= 20 ? STUN : UNKNOWN;     // RFC 7983: 0..3 STUN
        if (first >= 20 && first <= 63) return length >= 13 ? DTLS : UNKNOWN; // 20..63 DTLS (13-byte record header)
        if (first >= 128 && first <= 191) {                     // 128..191 RTP or RTCP
            if (length < 8 || second < 0) return UNKNOWN;
            int pt = second & 0x7F;
            // RFC 5761 §4: with rtcp-mux, RTCP packet types 192..223 land on RTP PT 64..95
            return pt >= 64 && pt <= 95 ? RTCP : (length >= 12 ? RTP : UNKNOWN);
        }
        return UNKNOWN;
    }
}
