package se.vardmote.media.rtp;

import io.netty.buffer.ByteBuf;

/**
 * A flyweight view over an RTP payload for redundant audio data (RED, RFC 2198 §3): block headers, the
 * redundant blocks, then the primary block. Browsers send Opus this way (one or two earlier frames repeated
 * in each packet), so a subscriber that decodes RED recovers a lost packet from the next one; a subscriber
 * that does not, and the mixer, take the primary block alone.
 *
 * <p>{@link #wrap} checks every header and length against the payload, so no accessor points outside it; it
 * never throws for malformed input. Allocates nothing; not thread-safe (one instance per event loop).
 */
public final class RedPayload {
    /** More redundant blocks than this is not audio redundancy but an attack on the parser (browsers send 1-2). */
    public static final int MAX_BLOCKS = 8;
    /** RFC 2198 §3: a redundant block's header is 4 bytes (F=1), the primary's 1 byte (F=0). */
    private static final int REDUNDANT_HEADER = 4;

    /** Where each block's header starts, from the payload's start. */
    private final int[] headerOffsets = new int[MAX_BLOCKS + 1];
    private int blocks;
    private int headersLength;
    private int primaryOffset;
    private int primaryLength;
    private int primaryPayloadType;

    /**
     * Reads the RED payload of {@code length} bytes (padding excluded) at absolute index {@code offset} in
     * {@code buf}. Returns false when the headers run past the payload, there are more than
     * {@link #MAX_BLOCKS} redundant blocks, the blocks are longer than the payload, or the primary is empty.
     */
    public boolean wrap(ByteBuf buf, int offset, int length) {
        blocks = 0;
        primaryOffset = -1;
        primaryLength = 0;
        primaryPayloadType = -1;
        int at = 0;
        int redundantBytes = 0;
        while (true) {
            if (at >= length) {
                return false;
            }
            int b = buf.getUnsignedByte(offset + at);
            headerOffsets[blocks] = at;
            if ((b & 0x80) == 0) {
                primaryPayloadType = b & 0x7F;
                at += 1;
                break;
            }
            if (blocks == MAX_BLOCKS || at + REDUNDANT_HEADER > length) {
                return false;
            }
            redundantBytes += buf.getUnsignedShort(offset + at + 2) & 0x3FF;
            blocks++;
            at += REDUNDANT_HEADER;
        }
        headersLength = at;
        int primaryStart = at + redundantBytes;
        if (primaryStart >= length) {
            return false;
        }
        primaryOffset = offset + primaryStart;
        primaryLength = length - primaryStart;
        return true;
    }

    /** Redundant blocks before the primary. */
    public int redundantBlocks() {
        return blocks;
    }

    /** Absolute index of the primary block's data in the wrapped buffer. */
    public int primaryOffset() {
        return primaryOffset;
    }

    public int primaryLength() {
        return primaryLength;
    }

    /** The payload type of the primary block (RFC 2198 §3: the codec the redundant blocks also carry). */
    public int primaryPayloadType() {
        return primaryPayloadType;
    }

    /**
     * Sets every block's payload type to {@code payloadType} in a copy of the wrapped payload that starts at
     * absolute index {@code payloadStart} of {@code copy}: a subscriber knows the codec by its own number.
     */
    public void writeBlockPayloadTypes(ByteBuf copy, int payloadStart, int payloadType) {
        for (int i = 0; i <= blocks; i++) {
            int index = payloadStart + headerOffsets[i];
            copy.setByte(index, (copy.getUnsignedByte(index) & 0x80) | (payloadType & 0x7F));
        }
    }

    /** Bytes of block headers at the payload's start (4 per redundant block and 1 for the primary). */
    public int headersLength() {
        return headersLength;
    }
}
