package se.vardmote.media.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * View and writer of transport-layer feedback (RFC 4585 §6.2, PT 205 RTPFB). Knows the generic NACK
 * (FMT 1, RFC 4585 §6.2.1): FCI entries of a 16-bit packet id (PID) and a 16-bit bitmask of following lost
 * packets (BLP). Other FMTs (transport-cc is 15) are exposed as header plus FCI bounds only.
 * Allocation-free and reusable; borrows the buffer. Not thread-safe: owned by one event loop.
 */
public final class TransportFeedback {

    /** RFC 4585 §6.2.1: generic NACK. */
    public static final int FMT_NACK = 1;
    /** Header (4), sender SSRC (4), media SSRC (4). */
    public static final int MIN_LENGTH = 12;
    /** Most NACK items this writer puts in one packet; keeps the packet well under an MTU. */
    public static final int MAX_NACK_ITEMS = 256;

    private ByteBuf buf;
    private int offset;
    private int fciLength;

    /** Views the current packet of {@code compound}; false unless it is a well-formed RTPFB. */
    public boolean wrap(RtcpCompound compound) {
        return wrap(compound.buffer(), compound.packetOffset(), compound.packetLength() - compound.paddingLength());
    }

    /** Views {@code length} bytes at absolute index {@code offset} (padding excluded). */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (length < MIN_LENGTH || offset < 0 || offset > buf.writerIndex() - length
                || buf.getUnsignedByte(offset + 1) != RtcpCompound.RTPFB) {
            return false;
        }
        this.buf = buf;
        this.offset = offset;
        this.fciLength = length - MIN_LENGTH;
        return true;
    }

    public int fmt() {
        return buf.getUnsignedByte(offset) & 0x1F;
    }

    public long senderSsrc() {
        return buf.getUnsignedInt(offset + 4);
    }

    public long mediaSsrc() {
        return buf.getUnsignedInt(offset + 8);
    }

    public int mediaSsrcInt() {
        return buf.getInt(offset + 8);
    }

    /** Absolute index of the feedback control information. */
    public int fciOffset() {
        return offset + MIN_LENGTH;
    }

    public int fciLength() {
        return fciLength;
    }

    public boolean isGenericNack() {
        return fmt() == FMT_NACK;
    }

    /** Number of NACK items (PID + BLP pairs). */
    public int nackCount() {
        return fciLength / 4;
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
