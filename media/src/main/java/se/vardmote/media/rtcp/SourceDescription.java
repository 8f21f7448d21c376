package se.vardmote.media.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * View of a source description packet (RFC 3550 §6.5, PT 202): a cursor over its chunks (one SSRC each)
 * and each chunk's items (type, length, text). Every chunk ends with a null item and is padded to a
 * 32-bit boundary. Allocation-free and reusable; borrows the buffer. Not thread-safe: owned by one loop.
 */
public final class SourceDescription {

    public static final int CNAME = 1;
    public static final int END = 0;

    private ByteBuf buf;
    private int packetOffset;
    private int sourceCount;
    private int position;
    private int end;
    private int chunksRead;
    private long chunkSsrc;
    private boolean inChunk;
    private int itemType;
    private int itemOffset;
    private int itemLength;
    private boolean malformed;

    /** Views the current packet of {@code compound}; false unless it is an SDES packet. */
    public boolean wrap(RtcpCompound compound) {
        return wrap(compound.buffer(), compound.packetOffset(), compound.packetLength() - compound.paddingLength());
    }

    /** Views {@code length} bytes at absolute index {@code offset} (padding excluded). */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        this.buf = null;
        if (length < RtcpCompound.HEADER_LENGTH || offset < 0 || offset > buf.writerIndex() - length
                || buf.getUnsignedByte(offset + 1) != RtcpCompound.SDES) {
            return false;
        }
        this.buf = buf;
        this.packetOffset = offset;
        this.sourceCount = buf.getUnsignedByte(offset) & 0x1F;
        this.position = offset + RtcpCompound.HEADER_LENGTH;
        this.end = offset + length;
        this.chunksRead = 0;
        this.inChunk = false;
        this.malformed = false;
        return true;
    }

    /** The source count field (number of chunks announced). */
    public int sourceCount() {
        return sourceCount;
    }

    /**
     * Moves to the next chunk (skipping any items left in the current one); false after the last chunk or
     * at malformed bytes.
     */
    public boolean nextChunk() {
        while (inChunk) {
            if (!nextItem()) {
                break;
            }
        }
        if (malformed || chunksRead >= sourceCount || end - position < 4) {
            if (chunksRead < sourceCount) {
                malformed = true;
            }
            return false;
        }
        chunkSsrc = buf.getUnsignedInt(position);
        position += 4;
        chunksRead++;
        inChunk = true;
        return true;
    }

    /** SSRC/CSRC of the current chunk. */
    public long chunkSsrc() {
        return chunkSsrc;
    }

    /** Moves to the next item of the current chunk; false at its end (then the chunk's padding is skipped). */
    public boolean nextItem() {
        if (!inChunk) {
            return false;
        }
        if (position >= end) {
            // A chunk must end with a null item (RFC 3550 §6.5).
            malformed = true;
            inChunk = false;
            return false;
        }
        int type = buf.getUnsignedByte(position);
        if (type == END) {
            // RFC 3550 §6.5: the list ends with null octets up to the next 32-bit boundary.
            position++;
            while (((position - packetOffset) & 3) != 0 && position < end) {
                position++;
            }
            inChunk = false;
            return false;
        }
        if (end - position < 2) {
            return stopMalformed();
        }
        int len = buf.getUnsignedByte(position + 1);
        if (position + 2 + len > end) {
            return stopMalformed();
        }
        itemType = type;
        itemOffset = position + 2;
        itemLength = len;
        position = itemOffset + len;
        return true;
    }

    private boolean stopMalformed() {
        malformed = true;
        inChunk = false;
        position = end;
        return false;
    }

    public int itemType() {
        return itemType;
    }

    /** Absolute index of the current item's text. */
    public int itemOffset() {
        return itemOffset;
    }

    public int itemLength() {
        return itemLength;
    }

    public boolean malformed() {
        return malformed;
    }
}
