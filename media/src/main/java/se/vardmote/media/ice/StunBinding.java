package se.vardmote.media.ice;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes the STUN Binding messages ICE needs: the server's success response (RFC 8489 §6.3.1, with
 * XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT) and, for the client role (tests, load tester),
 * a Binding request with the ICE attributes of RFC 8445 §7.1. Stateless; the {@link MessageIntegrity}
 * passed in belongs to the calling thread.
 */
public final class StunBinding {

    private StunBinding() {}

    /**
     * Appends a Binding success response to {@code request} to {@code out}.
     *
     * @param mapped the address the request came from (RFC 8489 §14.2 XOR-MAPPED-ADDRESS)
     * @param key    the server's short-term key (its ICE password)
     */
    public static void writeSuccessResponse(ByteBuf out, StunMessage request, InetSocketAddress mapped,
                                            SecretKeySpec key, MessageIntegrity integrity) {
        int start = out.writerIndex();
        out.writeShort(StunMessage.BINDING_SUCCESS_RESPONSE);
        out.writeShort(0);
        out.writeInt(StunMessage.MAGIC_COOKIE);
        request.writeTransactionId(out);
        writeXorMappedAddress(out, start, mapped);
        integrity.appendIntegrity(out, start, key);
        integrity.appendFingerprint(out, start);
    }

    /**
     * Appends a Binding request as an ICE agent in the controlling role would send it.
     *
     * @param transactionId 12 random bytes
     * @param username      {@code remoteUfrag:localUfrag}
     * @param key           the remote side's password as a short-term key
     */
    public static void writeRequest(ByteBuf out, byte[] transactionId, String username, long priority,
                                    boolean useCandidate, long tieBreaker, SecretKeySpec key,
                                    MessageIntegrity integrity) {
        if (transactionId.length != 12) throw new IllegalArgumentException("transaction id is 12 bytes");
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        if (user.length > StunMessage.MAX_USERNAME_LENGTH) throw new IllegalArgumentException("username too long");
        int start = out.writerIndex();
        out.writeShort(StunMessage.BINDING_REQUEST);
        out.writeShort(0);
        out.writeInt(StunMessage.MAGIC_COOKIE);
        out.writeBytes(transactionId);
        out.writeShort(StunMessage.ATTR_USERNAME);
        out.writeShort(user.length);
        out.writeBytes(user);
        pad(out, user.length);
        out.writeShort(StunMessage.ATTR_PRIORITY);
        out.writeShort(4);
        out.writeInt((int) priority);
        if (useCandidate) {
            out.writeShort(StunMessage.ATTR_USE_CANDIDATE);
            out.writeShort(0);
        }
        out.writeShort(StunMessage.ATTR_ICE_CONTROLLING);
        out.writeShort(8);
        out.writeLong(tieBreaker);
        out.setShort(start + 2, out.writerIndex() - start - StunMessage.HEADER_LENGTH);
        integrity.appendIntegrity(out, start, key);
        integrity.appendFingerprint(out, start);
    }

    private static void writeXorMappedAddress(ByteBuf out, int start, InetSocketAddress mapped) {
        byte[] addr = mapped.getAddress().getAddress();
        boolean v4 = mapped.getAddress() instanceof Inet4Address;
        out.writeShort(StunMessage.ATTR_XOR_MAPPED_ADDRESS);
        out.writeShort(v4 ? 8 : 20);
        out.writeByte(0);
        out.writeByte(v4 ? 0x01 : 0x02);
        out.writeShort(mapped.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16));
        // RFC 8489 §14.2: XOR with the magic cookie (IPv4), or with cookie + transaction id (IPv6);
        // both are bytes 4.. of the header we already wrote.
        for (int i = 0; i < addr.length; i++) {
            out.writeByte(addr[i] ^ out.getByte(start + 4 + i));
        }
        out.setShort(start + 2, out.writerIndex() - start - StunMessage.HEADER_LENGTH);
    }

    private static void pad(ByteBuf out, int length) {
        int padding = (4 - (length & 3)) & 3;
        out.writeZero(padding);
    }
}
