package se.vardmote.media.ice;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * A reusable flyweight view of one STUN message (RFC 8489) in a {@link ByteBuf}: {@link #wrap} checks the
 * header and walks the attributes with bounds, remembering where the ones ICE needs (RFC 8445 §7.1) lie.
 * It never copies the message and never throws on bad input: {@code wrap} answers false.
 *
 * <p>We wrote our own codec rather than use ice4j: ice4j drags in Kotlin, a second jitsi-utils and
 * duplicate JAIN-SIP classes, and an ICE-lite server needs only Binding requests and responses.
 *
 * <p>Owned by one thread (a worker's event loop, or a test client); not thread-safe. Borrows the buffer
 * given to {@link #wrap}: the view is valid only while the caller keeps that buffer.
 */
public final class StunMessage {

    public static final int HEADER_LENGTH = 20;
    /** RFC 8489 §5: the fixed magic cookie in bytes 4..7. */
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** Largest message we accept: one Ethernet MTU. RFC 8489 §6.1 asks for at least 548 bytes. */
    public static final int MAX_MESSAGE_LENGTH = 1500;
    /** RFC 8489 §14.3: USERNAME is at most 513 bytes. */
    public static final int MAX_USERNAME_LENGTH = 513;

    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_SUCCESS_RESPONSE = 0x0101;
    public static final int BINDING_ERROR_RESPONSE = 0x0111;
    public static final int BINDING_INDICATION = 0x0011;

    public static final int ATTR_MAPPED_ADDRESS = 0x0001;
    public static final int ATTR_USERNAME = 0x0006;
    public static final int ATTR_MESSAGE_INTEGRITY = 0x0008;
    public static final int ATTR_ERROR_CODE = 0x0009;
    public static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    public static final int ATTR_PRIORITY = 0x0024;
    public static final int ATTR_USE_CANDIDATE = 0x0025;
    public static final int ATTR_FINGERPRINT = 0x8028;
    public static final int ATTR_ICE_CONTROLLED = 0x8029;
    public static final int ATTR_ICE_CONTROLLING = 0x802A;
    public static final int ATTR_MESSAGE_INTEGRITY_SHA256 = 0x001C;

    /** RFC 8489 §14.7: the CRC-32 is XOR'ed with this so that STUN can be told from other protocols. */
    static final int FINGERPRINT_XOR = 0x5354554e;
    static final int INTEGRITY_LENGTH = 20;

    private final CRC32 crc = new CRC32();

    private ByteBuf buf;
    private int start;
    private int length;
    private int type;
    private int usernameOffset;
    private int usernameLength;
    private int integrityOffset;
    private int fingerprintOffset;
    private int xorMappedOffset;
    private int xorMappedLength;
    private long priority;
    private boolean hasPriority;
    private boolean useCandidate;
    private boolean iceControlling;
    private boolean iceControlled;
    private long tieBreaker;

    /**
     * Views the readable bytes of {@code datagram} as one STUN message. Borrows the buffer.
     *
     * @return false when it is not a well-formed STUN message (wrong size, no magic cookie, an attribute
     *         running past the end, a FINGERPRINT that does not match), in which case the view is empty
     */
    public boolean wrap(ByteBuf datagram) {
        clear();
        int readable = datagram.readableBytes();
        if (readable < HEADER_LENGTH || readable > MAX_MESSAGE_LENGTH) return false;
        int s = datagram.readerIndex();
        int t = datagram.getUnsignedShort(s);
        if ((t & 0xC000) != 0) return false; // RFC 8489 §6: the two most significant bits are zero
        int bodyLength = datagram.getUnsignedShort(s + 2);
        if ((bodyLength & 3) != 0 || HEADER_LENGTH + bodyLength != readable) return false;
        if (datagram.getInt(s + 4) != MAGIC_COOKIE) return false;

        int pos = s + HEADER_LENGTH;
        int end = s + readable;
        int mi = -1;
        int fp = -1;
        while (pos < end) {
            if (end - pos < 4) return false;
            int attrType = datagram.getUnsignedShort(pos);
            int attrLength = datagram.getUnsignedShort(pos + 2);
            int value = pos + 4;
            int padded = (attrLength + 3) & ~3;
            if (padded > end - value) return false;
            if (fp >= 0) return false; // RFC 8489 §14.7: FINGERPRINT is the last attribute
            if (attrType == ATTR_FINGERPRINT) {
                if (attrLength != 4) return false;
                fp = pos;
            } else if (mi >= 0) {
                // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY are ignored (except FINGERPRINT)
            } else {
                switch (attrType) {
                    case ATTR_USERNAME -> {
                        if (attrLength > MAX_USERNAME_LENGTH) return false;
                        usernameOffset = value;
                        usernameLength = attrLength;
                    }
                    case ATTR_MESSAGE_INTEGRITY -> {
                        if (attrLength != INTEGRITY_LENGTH) return false;
                        mi = pos;
                    }
                    case ATTR_PRIORITY -> {
                        if (attrLength != 4) return false;
                        priority = datagram.getUnsignedInt(value);
                        hasPriority = true;
                    }
                    case ATTR_USE_CANDIDATE -> {
                        if (attrLength != 0) return false;
                        useCandidate = true;
                    }
                    case ATTR_ICE_CONTROLLING, ATTR_ICE_CONTROLLED -> {
                        if (attrLength != 8) return false;
                        tieBreaker = datagram.getLong(value);
                        if (attrType == ATTR_ICE_CONTROLLING) iceControlling = true; else iceControlled = true;
                    }
                    case ATTR_XOR_MAPPED_ADDRESS -> {
                        if (attrLength != 8 && attrLength != 20) return false;
                        xorMappedOffset = value;
                        xorMappedLength = attrLength;
                    }
                    default -> {
                        // Comprehension-optional or unknown: ignored. ICE-lite needs nothing else.
                    }
                }
            }
            pos = value + padded;
        }
        if (fp >= 0) {
            crc.reset();
            updateCrc(datagram, s, fp - s);
            int expected = (int) crc.getValue() ^ FINGERPRINT_XOR;
            if (datagram.getInt(fp + 4) != expected) {
                clear();
                return false;
            }
        }
        this.buf = datagram;
        this.start = s;
        this.length = readable;
        this.type = t;
        this.integrityOffset = mi;
        this.fingerprintOffset = fp;
        return true;
    }

    private void updateCrc(ByteBuf b, int index, int len) {
        if (b.hasArray()) {
            crc.update(b.array(), b.arrayOffset() + index, len);
        } else {
            crc.update(b.nioBuffer(index, len));
        }
    }

    private void clear() {
        buf = null;
        start = length = type = 0;
        usernameOffset = usernameLength = 0;
        integrityOffset = fingerprintOffset = -1;
        xorMappedOffset = xorMappedLength = 0;
        priority = 0;
        hasPriority = useCandidate = iceControlling = iceControlled = false;
        tieBreaker = 0;
    }

    /** The wrapped buffer, or null. */
    ByteBuf buffer() { return buf; }

    int start() { return start; }

    public int length() { return length; }

    public int type() { return type; }

    public boolean isBindingRequest() { return buf != null && type == BINDING_REQUEST; }

    public boolean isBindingSuccessResponse() { return buf != null && type == BINDING_SUCCESS_RESPONSE; }

    public boolean hasUsername() { return usernameOffset > 0; }

    /** USERNAME as text (RFC 8445 §7.2.2: {@code serverUfrag:clientUfrag}), or null. */
    public String username() {
        if (usernameOffset <= 0) return null;
        return buf.toString(usernameOffset, usernameLength, StandardCharsets.UTF_8);
    }

    /** The part of USERNAME before the first ':' (the ufrag of the side that receives the request), or null. */
    public String localUfrag() {
        if (usernameOffset <= 0) return null;
        int colon = buf.indexOf(usernameOffset, usernameOffset + usernameLength, (byte) ':');
        if (colon <= usernameOffset) return null;
        return buf.toString(usernameOffset, colon - usernameOffset, StandardCharsets.US_ASCII);
    }

    public boolean hasMessageIntegrity() { return integrityOffset >= 0; }

    /** Offset of the MESSAGE-INTEGRITY attribute header from the start of the buffer, or -1. */
    int integrityOffset() { return integrityOffset; }

    public boolean hasFingerprint() { return fingerprintOffset >= 0; }

    public boolean hasPriority() { return hasPriority; }

    public long priority() { return priority; }

    public boolean useCandidate() { return useCandidate; }

    public boolean iceControlling() { return iceControlling; }

    public boolean iceControlled() { return iceControlled; }

    public long tieBreaker() { return tieBreaker; }

    /** Copies the 12-byte transaction id into {@code out} at {@code outIndex}. */
    public void copyTransactionId(byte[] out, int outIndex) {
        buf.getBytes(start + 8, out, outIndex, 12);
    }

    /** Writes the 12-byte transaction id to {@code out}. */
    void writeTransactionId(ByteBuf out) {
        out.writeBytes(buf, start + 8, 12);
    }

    /** True when the transaction id equals {@code id} (12 bytes). */
    public boolean transactionIdEquals(byte[] id) {
        for (int i = 0; i < 12; i++) if (buf.getByte(start + 8 + i) != id[i]) return false;
        return true;
    }

    /** The decoded XOR-MAPPED-ADDRESS (RFC 8489 §14.2), or null when absent or malformed. */
    public InetSocketAddress xorMappedAddress() {
        if (xorMappedOffset <= 0) return null;
        int family = buf.getUnsignedByte(xorMappedOffset + 1);
        int port = buf.getUnsignedShort(xorMappedOffset + 2) ^ (MAGIC_COOKIE >>> 16);
        byte[] addr;
        if (family == 0x01 && xorMappedLength == 8) {
            addr = new byte[4];
            buf.getBytes(xorMappedOffset + 4, addr);
            for (int i = 0; i < 4; i++) addr[i] ^= (byte) (MAGIC_COOKIE >>> (24 - 8 * i));
        } else if (family == 0x02 && xorMappedLength == 20) {
            addr = new byte[16];
            buf.getBytes(xorMappedOffset + 4, addr);
            // RFC 8489 §14.2: IPv6 is XOR'ed with the magic cookie followed by the transaction id
            for (int i = 0; i < 16; i++) addr[i] ^= buf.getByte(start + 4 + i);
        } else {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(addr), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
