package se.vardmote.media.rtcp;

import io.netty.buffer.ByteBuf;

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1;
 * RTCP RTPFB, FMT 15): for a range of transport-wide sequence numbers, whether each packet arrived and,
 * for those that did, its arrival time relative to the one before, in 250 µs ticks.
 *
 * <p>Layout after the 12-byte feedback header: base sequence number (16), packet status count (16),
 * reference time (24, signed, 64 ms units), feedback packet count (8), then packet chunks (16 bits each),
 * then receive deltas (1 byte for a "small" delta 0..255 ticks, 2 bytes signed for a "large" one), then
 * padding to 32 bits. A chunk is either a run (bit 15 = 0: 2-bit symbol, 13-bit run length) or a status
 * vector (bit 15 = 1; bit 14 = 0: fourteen 1-bit symbols, 1: seven 2-bit symbols).
 *
 * <p>{@link #write} encodes from symbol and delta arrays the caller owns (no allocation); {@link #parse}
 * decodes into caller-owned arrays, bounded by their size. Stateless; any thread.
 */
public final class TransportCcFeedback {

    public static final int FMT = 15;
    /** Symbol: not received. */
    public static final byte NOT_RECEIVED = 0;
    /** Symbol: received, delta 0..255 ticks (one byte). */
    public static final byte SMALL_DELTA = 1;
    /** Symbol: received, delta -32768..32767 ticks (two bytes). */
    public static final byte LARGE_DELTA = 2;
    /** One receive-delta tick, and one reference-time unit, in microseconds. */
    public static final int DELTA_TICK_MICROS = 250;
    public static final int REFERENCE_TIME_MICROS = 64_000;
    /** Feedback header (12) + base, count, reference time and feedback count (8). */
    public static final int FIXED_LENGTH = 20;
    /** The most statuses one packet this writer produces may carry; keeps it under ~1.1 kB. */
    public static final int MAX_STATUSES = 360;

    private static final int RUN_MAX = 0x1FFF;

    private TransportCcFeedback() {
    }

    /** The largest packet {@link #write} produces for {@code statuses} statuses (all received, all large). */
    public static int maxLength(int statuses) {
        int chunks = (statuses + 6) / 7;
        return (FIXED_LENGTH + 2 * chunks + 2 * statuses + 3) & ~3;
    }

    /** The symbol for a delta of {@code ticks}, or -1 when it needs a new feedback packet (beyond 16 bits). */
    public static int symbolFor(long ticks) {
        if (ticks >= 0 && ticks <= 0xFF) {
            return SMALL_DELTA;
        }
        return ticks >= Short.MIN_VALUE && ticks <= Short.MAX_VALUE ? LARGE_DELTA : -1;
    }

    /**
     * Writes one feedback packet and returns its length. {@code symbols[0..count)} are the statuses of
     * {@code baseSequence, baseSequence+1, ...}; {@code deltas} holds one delta in ticks per received status,
     * in order, each fitting its symbol. {@code referenceTime} is in 64 ms units (the low 24 bits are sent).
     * Borrows {@code out}.
     */
    public static int write(ByteBuf out, int senderSsrc, int mediaSsrc, int baseSequence, int referenceTime,
                            int feedbackCount, byte[] symbols, int count, short[] deltas) {
        if (count < 1 || count > 0xFFFF || count > symbols.length) {
            throw new IllegalArgumentException("status count " + count);
        }
        int start = out.writerIndex();
        out.writeByte(0x80 | FMT);
        out.writeByte(RtcpCompound.RTPFB);
        out.writeShort(0); // length, set below
        out.writeInt(senderSsrc);
        out.writeInt(mediaSsrc);
        out.writeShort(baseSequence);
        out.writeShort(count);
        out.writeMedium(referenceTime);
        out.writeByte(feedbackCount);
        int received = writeChunks(out, symbols, count);
        for (int i = 0, d = 0; i < count && d < received; i++) {
            if (symbols[i] == SMALL_DELTA) {
                out.writeByte(deltas[d++]);
            } else if (symbols[i] == LARGE_DELTA) {
                out.writeShort(deltas[d++]);
            }
        }
        int length = out.writerIndex() - start;
        int padding = (4 - (length & 3)) & 3;
        if (padding > 0) {
            // RFC 3550 §6.4.1: P set, the last padding octet counts the padding.
            out.writeZero(padding - 1);
            out.writeByte(padding);
            out.setByte(start, 0xA0 | FMT);
            length += padding;
        }
        out.setShort(start + 2, length / 4 - 1);
        return length;
    }

    /** Writes the chunks for {@code symbols[0..count)} and returns how many statuses are "received". */
    private static int writeChunks(ByteBuf out, byte[] symbols, int count) {
        int received = 0;
        int i = 0;
        while (i < count) {
            int symbol = symbols[i];
            int run = 1;
            while (i + run < count && symbols[i + run] == symbol && run < RUN_MAX) {
                run++;
            }
            if (run >= 14) {
                out.writeShort((symbol << 13) | run);
                if (symbol != NOT_RECEIVED) {
                    received += run;
                }
                i += run;
                continue;
            }
            int end = Math.min(count, i + 14);
            boolean oneBit = true;
            for (int k = i; k < end; k++) {
                if (symbols[k] == LARGE_DELTA) {
                    oneBit = false;
                    break;
                }
            }
            int chunk;
            if (oneBit) {
                chunk = 0x8000;
                for (int k = 0; k < 14; k++) {
                    if (i + k < count && symbols[i + k] == SMALL_DELTA) {
                        chunk |= 1 << (13 - k);
                        received++;
                    }
                }
                i += 14;
            } else {
                chunk = 0xC000;
                for (int k = 0; k < 7; k++) {
                    if (i + k < count) {
                        int s = symbols[i + k];
                        chunk |= s << (12 - 2 * k);
                        if (s != NOT_RECEIVED) {
                            received++;
                        }
                    }
                }
                i += 7;
            }
            out.writeShort(chunk);
        }
        return received;
    }

    /**
     * What {@link #parse} read: the statuses of {@code baseSequence ..}, one symbol each, and the deltas of
     * the received ones. Caller-owned and reused; not thread-safe.
     */
    public static final class Parsed {
        public final byte[] symbols;
        public final short[] deltas;
        public int baseSequence;
        public int count;
        public int referenceTime;
        public int feedbackCount;
        public int deltaCount;

        public Parsed(int maxStatuses) {
            symbols = new byte[maxStatuses];
            deltas = new short[maxStatuses];
        }
    }

    /**
     * Decodes the FCI of {@code feedback} (which must be FMT 15) into {@code into}. False when the packet is
     * malformed or carries more statuses than {@code into} holds; {@code into} is then undefined.
     */
    public static boolean parse(TransportFeedback feedback, Parsed into) {
        if (feedback.fmt() != FMT) {
            return false;
        }
        ByteBuf buf = feedback.buf;
        int at = feedback.fciOffset();
        int end = at + feedback.fciLength();
        if (end - at < 8) {
            return false;
        }
        into.baseSequence = buf.getUnsignedShort(at);
        int count = buf.getUnsignedShort(at + 2);
        into.referenceTime = (buf.getMedium(at + 4) << 8) >> 8;
        into.feedbackCount = buf.getUnsignedByte(at + 7);
        at += 8;
        if (count == 0 || count > into.symbols.length) {
            return false;
        }
        int read = 0;
        while (read < count) {
            if (at + 2 > end) {
                return false;
            }
            int chunk = buf.getUnsignedShort(at);
            at += 2;
            if ((chunk & 0x8000) == 0) {
                int symbol = (chunk >> 13) & 3;
                int run = chunk & RUN_MAX;
                if (symbol == 3 || run == 0 || run > count - read) {
                    return false;
                }
                for (int k = 0; k < run; k++) {
                    into.symbols[read++] = (byte) symbol;
                }
            } else if ((chunk & 0x4000) == 0) {
                for (int k = 0; k < 14 && read < count; k++) {
                    into.symbols[read++] = (byte) ((chunk >> (13 - k)) & 1);
                }
            } else {
                for (int k = 0; k < 7 && read < count; k++) {
                    int symbol = (chunk >> (12 - 2 * k)) & 3;
                    if (symbol == 3) {
                        return false;
                    }
                    into.symbols[read++] = (byte) symbol;
                }
            }
        }
        int deltas = 0;
        for (int i = 0; i < count; i++) {
            byte symbol = into.symbols[i];
            if (symbol == SMALL_DELTA) {
                if (at + 1 > end) {
                    return false;
                }
                into.deltas[deltas++] = (short) buf.getUnsignedByte(at);
                at += 1;
            } else if (symbol == LARGE_DELTA) {
                if (at + 2 > end) {
                    return false;
                }
                into.deltas[deltas++] = buf.getShort(at);
                at += 2;
            }
        }
        into.count = count;
        into.deltaCount = deltas;
        return true;
    }
}
