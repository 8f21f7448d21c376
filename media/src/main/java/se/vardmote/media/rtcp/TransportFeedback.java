package se.vardmote.media.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * View and writer of transport-layer feedback (RFC 4585 §6.2, PT 205 RTPFB). Knows the generic NACK
 * (FMT 1, RFC 4585 §6.2.1): FCI entries of a 16-bit packet id (PID) and a 16-bit bitmask of following lost
 * packets (BLP). Other FMTs (transport-cc is 15) are exposed as header plus FCI bounds only.
 * Allocation-free and reusable; borrows the buffer. Not thread-safe: owned by one event loop.
 */
public final class TransportFeedback extends FeedbackPacket {

    /** RFC 4585 §6.2.1: generic NACK. */
    public static final int FMT_NACK = 1;
    /** Most NACK items this writer puts in one packet; keeps the packet well under an MTU. */
    public static final int MAX_NACK_ITEMS = 256;

    public TransportFeedback() {
        super(RtcpCompound.RTPFB);
    }

    public boolean isGenericNack() {
        return fmt() == FMT_NACK;
    }

    /** Number of NACK items (PID + BLP pairs). */
    public int nackCount() {
        return fciLength() / 4;
    }

    public int nackPacketId(int i) {
        return buf.getUnsignedShort(nackItem(i));
    }

    /** Bit k set: packet PID+k+1 is lost too (RFC 4585 §6.2.1). */
    public int nackLostBitmask(int i) {
        return buf.getUnsignedShort(nackItem(i) + 2);
    }

    public void setNackPacketId(int i, int packetId) {
        buf.setShort(nackItem(i), packetId);
    }

    private int nackItem(int i) {
        if (i < 0 || i >= nackCount()) {
            throw new IllegalArgumentException("nack item " + i + " of " + nackCount());
        }
        return offset + MIN_LENGTH + 4 * i;
    }

    public void setSenderSsrc(long ssrc) {
        buf.setInt(offset + 4, (int) ssrc);
    }

    public void setMediaSsrc(long ssrc) {
        buf.setInt(offset + 8, (int) ssrc);
    }

    /** Bytes {@link #writeNack} needs for {@code items} NACK items. */
    public static int nackLength(int items) {
        return MIN_LENGTH + 4 * items;
    }

    /** Writes the 12-byte header of a generic NACK with {@code items} FCI entries to follow. Borrows {@code out}. */
    public static void writeNackHeader(ByteBuf out, long senderSsrc, long mediaSsrc, int items) {
        if (items < 1 || items > MAX_NACK_ITEMS) {
            throw new IllegalArgumentException("nack items " + items);
        }
        out.writeByte(0x80 | FMT_NACK);
        out.writeByte(RtcpCompound.RTPFB);
        out.writeShort(nackLength(items) / 4 - 1);
        out.writeInt((int) senderSsrc);
        out.writeInt((int) mediaSsrc);
    }

    /** Writes one NACK item. Borrows {@code out}. */
    public static void writeNackItem(ByteBuf out, int packetId, int lostBitmask) {
        out.writeShort(packetId);
        out.writeShort(lostBitmask);
    }

    /**
     * Writes a generic NACK for the lost sequence numbers {@code lost[0..count)}, given in ascending RTP
     * order (wrap-around allowed): consecutive losses within 16 of an item's PID share that item's BLP.
     * Returns the bytes written. Borrows {@code out}.
     */
    public static int writeNack(ByteBuf out, long senderSsrc, long mediaSsrc, int[] lost, int count) {
        int items = nackItemCount(lost, count);
        writeNackHeader(out, senderSsrc, mediaSsrc, items);
        int i = 0;
        while (i < count) {
            int pid = lost[i] & 0xFFFF;
            int blp = 0;
            i++;
            while (i < count) {
                int distance = ((lost[i] & 0xFFFF) - pid) & 0xFFFF;
                if (distance < 1 || distance > 16) {
                    break;
                }
                blp |= 1 << (distance - 1);
                i++;
            }
            writeNackItem(out, pid, blp);
        }
        return nackLength(items);
    }

    /** How many NACK items {@link #writeNack} produces for these losses. */
    public static int nackItemCount(int[] lost, int count) {
        int items = 0;
        int i = 0;
        while (i < count) {
            int pid = lost[i] & 0xFFFF;
            items++;
            i++;
            while (i < count) {
                int distance = ((lost[i] & 0xFFFF) - pid) & 0xFFFF;
                if (distance < 1 || distance > 16) {
                    break;
                }
                i++;
            }
        }
        return items;
    }
}
