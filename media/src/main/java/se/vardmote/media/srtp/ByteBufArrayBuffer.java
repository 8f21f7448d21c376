package se.vardmote.media.srtp;

import io.netty.buffer.ByteBuf;
import org.jitsi.utils.ByteArrayBuffer;

/**
 * jitsi-srtp's view of a packet, over the readable bytes of a heap {@link ByteBuf}, so that SRTP works in
 * place on our pooled buffers. One instance is re-pointed at each packet ({@link #wrap}); it borrows the
 * buffer for the duration of one transform. Owned by one thread.
 */
final class ByteBufArrayBuffer implements ByteArrayBuffer {

    private ByteBuf buf;

    ByteBufArrayBuffer wrap(ByteBuf heapBuffer) {
        this.buf = heapBuffer;
        return this;
    }

    void unwrap() {
        this.buf = null;
    }

    @Override
    public byte[] getBuffer() {
        return buf.array();
    }

    @Override
    public int getOffset() {
        return buf.arrayOffset() + buf.readerIndex();
    }

    @Override
    public int getLength() {
        return buf.readableBytes();
    }

    @Override
    public void setLength(int length) {
        if (length < 0) throw new IllegalArgumentException("length");
        int end = buf.readerIndex() + length;
        if (end > buf.capacity()) buf.capacity(end);
        buf.writerIndex(end);
    }

    @Override
    public void setOffset(int offset) {
        int length = buf.readableBytes();
        int reader = offset - buf.arrayOffset();
        if (reader < 0 || reader + length > buf.capacity()) throw new IllegalArgumentException("offset");
        if (reader + length > buf.writerIndex()) {
            buf.writerIndex(reader + length);
            buf.readerIndex(reader);
        } else {
            buf.readerIndex(reader);
            buf.writerIndex(reader + length);
        }
    }

    @Override
    public boolean isInvalid() {
        return buf == null;
    }

    @Override
    public void readRegionToBuff(int off, int len, byte[] outBuff) {
        if (off < 0 || len <= 0 || off + len > buf.readableBytes() || outBuff.length < len) return;
        buf.getBytes(buf.readerIndex() + off, outBuff, 0, len);
    }

    @Override
    public void grow(int howMuch) {
        if (howMuch < 0) throw new IllegalArgumentException("howMuch");
        // A buffer from allocatePacket already has room for the tag; this only reallocates for others.
        buf.ensureWritable(howMuch);
    }

    @Override
    public void append(byte[] data, int len) {
        if (data == null || len == 0) return;
        buf.writeBytes(data, 0, len);
    }

    @Override
    public void shrink(int len) {
        if (len <= 0) return;
        buf.writerIndex(Math.max(buf.readerIndex(), buf.writerIndex() - len));
    }
}
