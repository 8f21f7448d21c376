package se.vardmote.media.ice;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes and checks STUN MESSAGE-INTEGRITY (RFC 8489 §14.5, HMAC-SHA1) and writes FINGERPRINT (§14.7).
 * Holds one {@link Mac} and scratch space so that checking a request allocates nothing.
 * Owned by one thread (a worker's event loop keeps one; a test client keeps its own); not thread-safe.
 */
public final class MessageIntegrity {

    private final Mac mac;
    private final CRC32 crc = new CRC32();
    private final byte[] lengthField = new byte[2];
    private final byte[] computed = new byte[StunMessage.INTEGRITY_LENGTH];

    public MessageIntegrity() {
        try {
            mac = Mac.getInstance("HmacSHA1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this JVM", e);
        }
    }

    /** RFC 8489 §9.1.1: for short-term credentials (ICE) the key is the password itself. */
    public static SecretKeySpec shortTermKey(String password) {
        return new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1");
    }

    /** True when {@code message} carries MESSAGE-INTEGRITY that matches {@code key}. */
    public boolean verify(StunMessage message, SecretKeySpec key) {
        if (!message.hasMessageIntegrity()) return false;
        ByteBuf b = message.buffer();
        int start = message.start();
        int mi = message.integrityOffset();
        // RFC 8489 §14.5: the HMAC covers the message up to MESSAGE-INTEGRITY, with the header length
        // adjusted as if MESSAGE-INTEGRITY were the last attribute (a later FINGERPRINT is excluded).
        int adjusted = mi + 4 + StunMessage.INTEGRITY_LENGTH - start - StunMessage.HEADER_LENGTH;
        try {
            mac.init(key);
        } catch (InvalidKeyException e) {
            return false;
        }
        update(b, start, 2);
        lengthField[0] = (byte) (adjusted >>> 8);
        lengthField[1] = (byte) adjusted;
        mac.update(lengthField, 0, 2);
        update(b, start + 4, mi - start - 4);
        try {
            mac.doFinal(computed, 0);
        } catch (GeneralSecurityException e) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < computed.length; i++) diff |= computed[i] ^ b.getByte(mi + 4 + i);
        return diff == 0;
    }

    private void update(ByteBuf b, int index, int len) {
        if (b.hasArray()) {
            mac.update(b.array(), b.arrayOffset() + index, len);
        } else {
            mac.update(b.nioBuffer(index, len));
        }
    }

    /**
     * Appends MESSAGE-INTEGRITY to the message that starts at {@code start} in {@code out} and fixes its
     * header length. The message must end at {@code out.writerIndex()}.
     */
    void appendIntegrity(ByteBuf out, int start, SecretKeySpec key) {
        int lengthWithIntegrity = out.writerIndex() - start - StunMessage.HEADER_LENGTH + 4 + StunMessage.INTEGRITY_LENGTH;
        out.setShort(start + 2, lengthWithIntegrity);
        try {
            mac.init(key);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("bad STUN key", e);
        }
        update(out, start, out.writerIndex() - start);
        try {
            mac.doFinal(computed, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        out.writeShort(StunMessage.ATTR_MESSAGE_INTEGRITY);
        out.writeShort(StunMessage.INTEGRITY_LENGTH);
        out.writeBytes(computed);
    }

    /** Appends FINGERPRINT (RFC 8489 §14.7) to the message that starts at {@code start} and fixes its length. */
    void appendFingerprint(ByteBuf out, int start) {
        out.setShort(start + 2, out.writerIndex() - start - StunMessage.HEADER_LENGTH + 8);
        crc.reset();
        if (out.hasArray()) {
            crc.update(out.array(), out.arrayOffset() + start, out.writerIndex() - start);
        } else {
            crc.update(out.nioBuffer(start, out.writerIndex() - start));
        }
        out.writeShort(StunMessage.ATTR_FINGERPRINT);
        out.writeShort(4);
        out.writeInt((int) crc.getValue() ^ StunMessage.FINGERPRINT_XOR);
    }

}
