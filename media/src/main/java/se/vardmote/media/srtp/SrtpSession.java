package se.vardmote.media.srtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.collection.IntObjectHashMap;
import java.security.GeneralSecurityException;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP and SRTCP (RFC 3711, RFC 7714) for one transport: one inbound and one outbound jitsi-srtp context
 * factory, and a crypto context per SSRC and direction, cached without boxing. Protects and unprotects in
 * place in heap {@link ByteBuf}s (pooled ones on the hot path), so no packet is copied or allocated here.
 *
 * <p>AES-GCM contexts get a {@link ReusableGcmCipher} (no allocation per packet) when jitsi's OpenSSL cipher
 * is in use; others keep jitsi-srtp's own cipher.
 *
 * <p>Owned by the transport's event loop; not thread-safe.
 *
 * <p>On Java 22+ jitsi-srtp loads its OpenSSL glue through JNA/JNI: run with
 * {@code --enable-native-access=ALL-UNNAMED} to silence (and, in future JDKs, allow) that.
 */
public final class SrtpSession implements AutoCloseable {

    /** Bounds the contexts a peer can make us derive (and keep) by inventing SSRCs. */
    public static final int MAX_SSRCS_PER_DIRECTION = 64;

    private static final Logger JITSI_LOGGER = new LoggerImpl(SrtpSession.class.getName());

    private final SrtpProfile profile;
    private final SrtpContextFactory inbound;
    private final SrtpContextFactory outbound;
    private final IntObjectHashMap<SrtpCryptoContext> rtpIn = new IntObjectHashMap<>();
    private final IntObjectHashMap<SrtpCryptoContext> rtpOut = new IntObjectHashMap<>();
    private final IntObjectHashMap<SrtcpCryptoContext> rtcpIn = new IntObjectHashMap<>();
    private final IntObjectHashMap<SrtcpCryptoContext> rtcpOut = new IntObjectHashMap<>();
    private final ByteBufArrayBuffer view = new ByteBufArrayBuffer();
    private boolean closed;

    /**
     * @param keys       exported from DTLS
     * @param dtlsServer true on the server: it sends with the server key and receives with the client key
     *                   (RFC 5764 §4.2); false in the client role
     */
    public SrtpSession(SrtpKeyMaterial keys, boolean dtlsServer) {
        this.profile = keys.profile();
        byte[] inKey = dtlsServer ? keys.clientKey() : keys.serverKey();
        byte[] inSalt = dtlsServer ? keys.clientSalt() : keys.serverSalt();
        byte[] outKey = dtlsServer ? keys.serverKey() : keys.clientKey();
        byte[] outSalt = dtlsServer ? keys.serverSalt() : keys.clientSalt();
        this.inbound = new SrtpContextFactory(false, inKey, inSalt, profile.policy(), profile.policy(), JITSI_LOGGER);
        this.outbound = new SrtpContextFactory(true, outKey, outSalt, profile.policy(), profile.policy(), JITSI_LOGGER);
    }

    /**
     * Settles jitsi-srtp's AES implementation before the first packet: OpenSSL (jitsi's natives) when they
     * load, else jitsi's own pick. Call once at start-up, before any session exists; any thread. Returns the
     * implementation in use for AES-GCM ({@code "OpenSSL"} or jitsi's choice).
     *
     * <p>Why not jitsi's pick: on first use of each mode it times every provider for a few milliseconds and
     * keeps the fastest. On a busy machine (a JVM still compiling at start-up, a neighbour's build) that
     * micro-benchmark picked the JDK's GCM in 2 of 14 load-test runs here, which allocates about 1 KB per
     * packet and bypasses {@link ReusableGcmCipher}; OpenSSL and the JDK are otherwise within noise of each
     * other (docs/performance.md). And done lazily it would run on a media event loop at the first call's
     * first packet, stalling every room on that loop.
     */
    public static String settleCiphers() {
        if (org.jitsi.srtp.crypto.JitsiOpenSslProvider.isLoaded()) {
            org.jitsi.srtp.crypto.Aes.setFactoryClassName("OpenSSL");
        }
        for (SrtpProfile p : SrtpProfile.values()) {
            // A throwaway all-zero key: nothing protected with it ever leaves the process.
            try (SrtpSession s = new SrtpSession(SrtpKeyMaterial.fromExporter(p, new byte[p.keyingMaterialLength()]), true)) {
                ByteBuf packet = Unpooled.buffer(64);
                packet.writeByte(0x80).writeByte(96).writeShort(1).writeInt(0).writeInt(1).writeZero(20);
                s.protectRtp(packet);
                packet.release();
            }
        }
        return org.jitsi.srtp.crypto.JitsiOpenSslProvider.isLoaded() ? "OpenSSL" : "jitsi-srtp's pick";
    }

    public SrtpProfile profile() { return profile; }

    /** Bytes to reserve after an RTP payload for the SRTP tag. SRTCP needs {@link #rtcpOverhead()}. */
    public int rtpOverhead() { return profile.tagLength; }

    /** SRTCP adds the 4-byte E-flag/index word before the tag (RFC 3711 §3.4). */
    public int rtcpOverhead() { return profile.tagLength + 4; }

    /**
     * Encrypts and authenticates the RTP packet in the readable bytes of {@code packet} in place, appending
     * the tag. Borrows the buffer; it must be a heap buffer (grows if it lacks room for the tag).
     *
     * @return false when the packet is too short, not a heap buffer, or could not be encrypted (nothing is sent
     *         then: the buffer may hold the plaintext)
     */
    public boolean protectRtp(ByteBuf packet) {
        if (closed || !packet.hasArray() || packet.readableBytes() < 12) return false;
        int plainLength = packet.readableBytes();
        int ssrc = packet.getInt(packet.readerIndex() + 8);
        SrtpCryptoContext context = rtpOut.get(ssrc);
        try {
            if (context == null) {
                if (rtpOut.size() >= MAX_SSRCS_PER_DIRECTION) return false;
                context = outbound.deriveContext(ssrc, 0);
                ReusableGcmCipher.install(context);
                rtpOut.put(ssrc, context);
            }
            // jitsi-srtp returns OK even when AES-GCM encryption threw (it drops that status), and the packet is
            // then still plaintext: only one that grew by the tag was protected.
            return context.transformPacket(view.wrap(packet)) == SrtpErrorStatus.OK
                    && packet.readableBytes() == plainLength + rtpOverhead();
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        } finally {
            view.unwrap();
        }
    }

    /**
     * Authenticates and decrypts the SRTP packet in {@code packet} in place, removing the tag.
     * Borrows the buffer (heap only).
     *
     * @return false on authentication failure, replay, or a malformed packet
     */
    public boolean unprotectRtp(ByteBuf packet) {
        if (closed || !packet.hasArray() || packet.readableBytes() < 12 + profile.tagLength) return false;
        int ssrc = packet.getInt(packet.readerIndex() + 8);
        SrtpCryptoContext context = rtpIn.get(ssrc);
        boolean fresh = false;
        try {
            if (context == null) {
                if (rtpIn.size() >= MAX_SSRCS_PER_DIRECTION) return false;
                context = inbound.deriveContext(ssrc, 0);
                ReusableGcmCipher.install(context);
                fresh = true;
            }
            boolean ok = context.reverseTransformPacket(view.wrap(packet), false) == SrtpErrorStatus.OK;
            // Keep a context only for an SSRC that authenticated, so forged SSRCs cost nothing lasting.
            if (ok && fresh) rtpIn.put(ssrc, context);
            return ok;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        } finally {
            view.unwrap();
        }
    }

    /** As {@link #protectRtp}, for an RTCP packet (compound or not); the sender SSRC picks the context. */
    public boolean protectRtcp(ByteBuf packet) {
        if (closed || !packet.hasArray() || packet.readableBytes() < 8) return false;
        int plainLength = packet.readableBytes();
        int ssrc = packet.getInt(packet.readerIndex() + 4);
        SrtcpCryptoContext context = rtcpOut.get(ssrc);
        try {
            if (context == null) {
                if (rtcpOut.size() >= MAX_SSRCS_PER_DIRECTION) return false;
                context = outbound.deriveControlContext(ssrc);
                ReusableGcmCipher.install(context);
                rtcpOut.put(ssrc, context);
            }
            return context.transformPacket(view.wrap(packet)) == SrtpErrorStatus.OK
                    && packet.readableBytes() == plainLength + rtcpOverhead(); // as in protectRtp
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        } finally {
            view.unwrap();
        }
    }

    /** As {@link #unprotectRtp}, for SRTCP. */
    public boolean unprotectRtcp(ByteBuf packet) {
        if (closed || !packet.hasArray() || packet.readableBytes() < 8 + 4 + profile.tagLength) return false;
        int ssrc = packet.getInt(packet.readerIndex() + 4);
        SrtcpCryptoContext context = rtcpIn.get(ssrc);
        boolean fresh = false;
        try {
            if (context == null) {
                if (rtcpIn.size() >= MAX_SSRCS_PER_DIRECTION) return false;
                context = inbound.deriveControlContext(ssrc);
                ReusableGcmCipher.install(context);
                fresh = true;
            }
            boolean ok = context.reverseTransformPacket(view.wrap(packet)) == SrtpErrorStatus.OK;
            if (ok && fresh) rtcpIn.put(ssrc, context);
            return ok;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        } finally {
            view.unwrap();
        }
    }

    /** Drops every context and the factories' key copies. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        rtpIn.clear();
        rtpOut.clear();
        rtcpIn.clear();
        rtcpOut.clear();
        inbound.close();
        outbound.close();
    }
}
