package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
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

/**
 * A browser stand-in on 127.0.0.1: STUN checks, a DTLS client and SRTP over one UDP socket, or over one
 * ICE-TCP connection with RFC 4571 framing ({@link #overTcp}). Test thread only.
 */
final class LoopbackPeer implements AutoCloseable {

    /** One packet at a time, whatever carries it. */
    interface Wire extends AutoCloseable {
        void send(byte[] data, int off, int len) throws IOException;

        /** The next packet, or null after {@code timeoutMillis} without one. */
        byte[] receive(int timeoutMillis) throws IOException;

        InetSocketAddress localAddress();

        @Override void close();
    }

    final Wire wire;
    private int timeoutMillis = 2000;
    final DtlsCertificate certificate = DtlsCertificate.generate("loopback-peer");
    final String ufrag = "peerufrg";
    private final MessageIntegrity integrity = new MessageIntegrity();
    private final ArrayDeque<byte[]> nonDtls = new ArrayDeque<>();
    SrtpSession srtp;
    DtlsClient.Result dtls;

    /** Over UDP to the worker's port. */
    LoopbackPeer(int serverPort) throws IOException {
        this(serverPort, InetAddress.getLoopbackAddress());
    }

    /** Over UDP to the worker's port, from another loopback address ({@code 127.0.0.2}: another source). */
    LoopbackPeer(int serverPort, InetAddress local) throws IOException {
        this(new UdpWire(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort), local));
    }

    private LoopbackPeer(Wire wire) {
        this.wire = wire;
    }

    /** Over a TCP connection to the worker's ICE-TCP port (what a browser's active TCP candidate does). */
    static LoopbackPeer overTcp(int tcpPort) throws IOException {
        return new LoopbackPeer(new TcpWire(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort)));
    }

    InetSocketAddress localAddress() {
        return wire.localAddress();
    }

    void setTimeout(int millis) {
        timeoutMillis = millis;
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
                byte[] d = LoopbackPeer.this.receive(false, Math.max(1, waitMillis));
                if (d == null) return -1;
                System.arraycopy(d, 0, buf, off, Math.min(len, d.length));
                return Math.min(len, d.length);
            }
            @Override public void send(byte[] buf, int off, int len) throws IOException {
                wire.send(buf, off, len);
            }
            @Override public void close() { }
        });
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
        wire.send(data, 0, data.length);
    }

    private byte[] receive(boolean stun) throws IOException {
        return receive(stun, timeoutMillis);
    }

    /** The next packet; when {@code stun} it skips to a STUN one, otherwise non-STUN, non-DTLS ones are kept. */
    private byte[] receive(boolean stun, int waitMillis) throws IOException {
        while (true) {
            byte[] d = wire.receive(waitMillis);
            if (d == null) return null;
            if (d.length == 0) continue;
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
        wire.close();
    }

    private static final class UdpWire implements Wire {
        private final DatagramSocket socket;
        private final InetSocketAddress server;
        private final byte[] buf = new byte[2048];

        UdpWire(InetSocketAddress server, InetAddress local) throws IOException {
            this.server = server;
            socket = new DatagramSocket(new InetSocketAddress(local, 0));
        }

        @Override public void send(byte[] data, int off, int len) throws IOException {
            socket.send(new DatagramPacket(data, off, len, server));
        }

        @Override public byte[] receive(int timeoutMillis) throws IOException {
            socket.setSoTimeout(timeoutMillis);
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return java.util.Arrays.copyOf(p.getData(), p.getLength());
        }

        @Override public InetSocketAddress localAddress() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override public void close() {
            socket.close();
        }
    }

    /** RFC 4571: each packet is preceded by its length in two bytes. */
    static final class TcpWire implements Wire {
        final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;

        TcpWire(InetSocketAddress server) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(server, 2000);
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            out = new DataOutputStream(socket.getOutputStream());
        }

        @Override public synchronized void send(byte[] data, int off, int len) throws IOException {
            byte[] framed = new byte[2 + len];
            framed[0] = (byte) (len >> 8);
            framed[1] = (byte) len;
            System.arraycopy(data, off, framed, 2, len);
            out.write(framed);
            out.flush();
        }

        @Override public byte[] receive(int timeoutMillis) throws IOException {
            socket.setSoTimeout(timeoutMillis);
            int length;
            try {
                length = in.readUnsignedShort();
            } catch (SocketTimeoutException e) {
                return null;
            } catch (java.io.EOFException e) {
                return null;
            }
            socket.setSoTimeout(2000); // the rest of a frame follows at once
            byte[] d = new byte[length];
            in.readFully(d);
            return d;
        }

        @Override public InetSocketAddress localAddress() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
