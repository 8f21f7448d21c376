package se.vardmote.media.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;

/** Builds RTP packets for tests, byte by byte as they appear on the wire. */
public final class RtpPacketFixture {

    private int payloadType = 96;
    private int sequenceNumber;
    private long timestamp;
    private long ssrc;
    private boolean marker;
    private long[] csrcs = new long[0];
    private final ByteArrayOutputStream oneByteElements = new ByteArrayOutputStream();
    private byte[] payload = {1, 2, 3, 4};
    private int padding;

    public RtpPacketFixture payloadType(int pt) { this.payloadType = pt; return this; }
    public RtpPacketFixture sequenceNumber(int seq) { this.sequenceNumber = seq; return this; }
    public RtpPacketFixture timestamp(long ts) { this.timestamp = ts; return this; }
    public RtpPacketFixture ssrc(long ssrc) { this.ssrc = ssrc; return this; }
    public RtpPacketFixture marker(boolean marker) { this.marker = marker; return this; }
    public RtpPacketFixture csrcs(long... csrcs) { this.csrcs = csrcs; return this; }
    public RtpPacketFixture payload(byte... payload) { this.payload = payload; return this; }
    public RtpPacketFixture padding(int padding) { this.padding = padding; return this; }

    /** Adds a one-byte-form element (RFC 8285 §4.2). */
    public RtpPacketFixture extension(int id, byte... data) {
        oneByteElements.write((id << 4) | (data.length - 1));
        oneByteElements.writeBytes(data);
        return this;
    }

    public byte[] bytes() {
        ByteBuf buf = Unpooled.buffer();
        byte[] ext = oneByteElements.toByteArray();
        boolean hasExt = ext.length > 0;
        buf.writeByte(0x80 | (padding > 0 ? 0x20 : 0) | (hasExt ? 0x10 : 0) | csrcs.length);
        buf.writeByte((marker ? 0x80 : 0) | payloadType);
        buf.writeShort(sequenceNumber);
        buf.writeInt((int) timestamp);
        buf.writeInt((int) ssrc);
        for (long c : csrcs) {
            buf.writeInt((int) c);
        }
        if (hasExt) {
            int words = (ext.length + 3) / 4;
            buf.writeShort(0xBEDE);
            buf.writeShort(words);
            buf.writeBytes(ext);
            buf.writeZero(words * 4 - ext.length);
        }
        buf.writeBytes(payload);
        if (padding > 0) {
            buf.writeZero(padding - 1);
            buf.writeByte(padding);
        }
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        buf.release();
        return out;
    }

    public ByteBuf buffer() {
        return Unpooled.wrappedBuffer(bytes());
    }
}
