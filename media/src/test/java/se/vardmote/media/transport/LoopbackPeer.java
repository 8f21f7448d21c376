package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import org.bouncycastle.tls.DatagramTransport;
import se.vardmote.media.dtls.DtlsCertificate;
import se.vardmote.media.dtls.DtlsClient;
import se.vardmote.media.dtls.DtlsTransport;
import se.vardmote.media.ice.MessageIntegrity;
import se.vardmote.media.ice.StunBinding;
import se.vardmote.media.ice.StunMessage;
import se.vardmote.media.srtp.SrtpProfile;
import se.vardmote.media.srtp.SrtpSession;

/** A browser stand-in on 127.0.0.1: STUN checks, a DTLS client and SRTP over one UDP socket. Test thread only. */
final class LoopbackPeer implements AutoCloseable {

    final DatagramSocket socket;
    final InetSocketAddress server;
    final DtlsCertificate certificate = DtlsCertificate.generate("loopback-peer");
    final String ufrag = "peerufrg";
    private final MessageIntegrity integrity = new MessageIntegrity();
    private final ArrayDeque<byte[]> nonDtls = new ArrayDeque<>();
    SrtpSession srtp;
    DtlsClient.Result dtls;

    LoopbackPeer(int serverPort) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(2000);
        server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
    }

    /** Sends a Binding request and returns the verified response's XOR-MAPPED-ADDRESS, or null if none came. */
    InetSocketAddress check(String serverUfrag, String serverPassword, boolean useCandidate) throws IOException {
        byte[] id = new byte[12];
        new SecureRandom().nextBytes(id);
        ByteBuf out = Unpooled.buffer();
        StunBinding.writeRequest(out, id, serverUfrag + ":" + ufrag, 0x6e7f1eff, useCandidate,
                new SecureRandom().nextLong(), MessageIntegrity.shortTermKey(serverPassword), integrity);
        send(ByteBufUtil.getBytes(out));
        out.release();
        byte[] in = receive(true);
        if (in == null) return null;
        StunMessage response = new StunMessage();
        if (!response.wrap(Unpooled.wrappedBuffer(in)) || !response.isBindingSuccessResponse()
                || !response.transactionIdEquals(id)
                || !integrity.verify(response, MessageIntegrity.shortTermKey(serverPassword))) {
            throw new IOException("bad STUN response");
        }
        return response.xorMappedAddress();
    }

    void connectDtls(String serverFingerprint, SrtpProfile... profiles) throws IOException {
        DtlsClient client = new DtlsClient(certificate, serverFingerprint,
                profiles.length == 0 ? DtlsTransport.DEFAULT_PROFILES : profiles, 5000);
        dtls = client.connect(new DatagramTransport() {
            @Override public int getReceiveLimit() { return 1500; }
            @Override public int getSendLimit() { return 1200; }
            @Override public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
                socket.setSoTimeout(Math.max(1, waitMillis));
                byte[] d = LoopbackPeer.this.receive(false);
                if (d == null) return -1;
                System.arraycopy(d, 0, buf, off, Math.min(len, d.length));
                return Math.min(len, d.length);
            }
            @Override public void send(byte[] buf, int off, int len) throws IOException {
                socket.send(new DatagramPacket(buf, off, len, server));
            }
            @Override public void close() { }
        });
        socket.setSoTimeout(2000);
        srtp = new SrtpSession(dtls.keys(), false);
    }

    void sendSrtp(byte[] plain, boolean rtcp) throws IOException {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(plain.length + 32);
        b.writeBytes(plain);
        if (!(rtcp ? srtp.protectRtcp(b) : srtp.protectRtp(b))) throw new IOException("protect failed");
        send(ByteBufUtil.getBytes(b));
        b.release();
    }

    /** The next SRTP packet, decrypted; null on timeout. */
    byte[] receiveRtp() throws IOException {
        for (int i = 0; i < 10; i++) {
            byte[] d = nonDtls.isEmpty() ? receive(false) : nonDtls.poll();
            if (d == null) return null;
            if ((d[0] & 0xFF) < 128 || (d[0] & 0xFF) > 191) continue;
            ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(d.length).writeBytes(d);
            try {
                if (srtp.unprotectRtp(b)) return ByteBufUtil.getBytes(b);
            } finally {
                b.release();
            }
        }
        return null;
    }

    void send(byte[] data) throws IOException {
        socket.send(new DatagramPacket(data, data.length, server));
    }

    /** The next datagram; when {@code stun} it skips to a STUN one, otherwise non-STUN, non-DTLS ones are kept. */
    private byte[] receive(boolean stun) throws IOException {
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            byte[] d = java.util.Arrays.copyOf(p.getData(), p.getLength());
            int first = d[0] & 0xFF;
            if (stun) {
                if (first <= 3) return d;
                continue;
            }
            if (first >= 20 && first <= 63) return d;
            if (first >= 128 && first <= 191) {
                if (dtls != null) return d;
                nonDtls.add(d);
            }
        }
    }

    @Override
    public void close() {
        if (srtp != null) srtp.close();
        socket.close();
    }
}
