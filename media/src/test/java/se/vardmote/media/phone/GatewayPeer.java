package se.vardmote.media.phone;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Plays a telephony gateway on 127.0.0.1: a real UDP socket that sends G.711 RTP and RFC 4733 events to a
 * phone leg and records every packet the leg sends back (with its arrival time). Test fixture.
 */
public final class GatewayPeer implements AutoCloseable {

    record Received(long nanos, byte[] bytes) {
        int payloadType() { return bytes[1] & 0x7F; }
        boolean marker() { return (bytes[1] & 0x80) != 0; }
        int sequence() { return ((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF); }
        long timestamp() { return ByteBuffer.wrap(bytes, 4, 4).getInt() & 0xFFFFFFFFL; }
        int payloadLength() { return bytes.length - 12; }
        byte payload(int i) { return bytes[12 + i]; }
    }

    final DatagramSocket socket;
    final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean running = true;
    private InetSocketAddress target;
    private int sequence = 1000;
    private long timestamp = 160_000;
    private final int ssrc = 0x6a7e3001;
    private double phase;

    public GatewayPeer() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(100);
        reader = new Thread(this::read, "gateway-peer");
        reader.setDaemon(true);
        reader.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public void target(String host, int port) {
        target = new InetSocketAddress(host, port);
    }

    /** One 20 ms PCMU packet of a {@code hz} tone at {@code amplitude}; advances sequence and timestamp. */
    public void sendTone(double hz, double amplitude, boolean marker) throws IOException {
        byte[] payload = new byte[160];
        for (int i = 0; i < 160; i++) {
            payload[i] = G711.linearToUlaw((int) Math.round(amplitude * Math.sin(phase)));
            phase += 2 * Math.PI * hz / 8000;
        }
        send(0, marker, timestamp, payload);
        timestamp += 160;
    }

    /**
     * One key press as a real gateway sends it (RFC 4733 §2.5): {@code updates} packets growing in duration,
     * then three end packets, all with the press's start timestamp. The voice timestamp moves on by the
     * press's length.
     */
    void sendKey(int event, int payloadType, int clockRate, boolean startMarker, boolean sendStart, int updates)
            throws IOException {
        long start = timestamp;
        int step = clockRate / 50; // 20 ms
        int duration = step;
        for (int i = 0; i < updates; i++) {
            if (i > 0 || sendStart) {
                send(payloadType, i == 0 && startMarker, start, event(event, false, duration));
            }
            duration += step;
        }
        for (int i = 0; i < 3; i++) send(payloadType, false, start, event(event, true, duration));
        timestamp += (long) duration * 8000 / clockRate;
    }

    private static byte[] event(int event, boolean end, int duration) {
        return new byte[] {(byte) event, (byte) ((end ? 0x80 : 0) | 10), (byte) (duration >> 8), (byte) duration};
    }

    void send(int payloadType, boolean marker, long ts, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12 + payload.length);
        b.put((byte) 0x80).put((byte) ((marker ? 0x80 : 0) | payloadType)).putShort((short) sequence++)
                .putInt((int) ts).putInt(ssrc).put(payload);
        socket.send(new DatagramPacket(b.array(), b.position(), target));
    }

    private void read() {
        byte[] buf = new byte[2048];
        while (running) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                received.add(new Received(System.nanoTime(), java.util.Arrays.copyOf(p.getData(), p.getLength())));
            } catch (SocketTimeoutException e) {
                // poll running again
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Mean square of the decoded μ-law samples of the packets received in [fromIndex, size). */
    public double ulawPower(int fromIndex) {
        double sum = 0;
        long n = 0;
        for (int k = fromIndex; k < received.size(); k++) {
            Received r = received.get(k);
            for (int i = 0; i < r.payloadLength(); i++) {
                double s = G711.ulawToLinear(r.payload(i));
                sum += s * s;
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    /** Packets received so far. */
    public int receivedCount() {
        return received.size();
    }

    /**
     * Power at {@code hz} (Goertzel over each packet's 160 decoded samples, summed, scaled to be comparable with
     * {@link #ulawPower}: a sine of amplitude A contributes A²/2 to both).
     */
    public double ulawTonePower(int fromIndex, double hz) {
        double total = 0;
        int packets = 0;
        double c = 2 * Math.cos(2 * Math.PI * hz / 8000);
        for (int k = fromIndex; k < received.size(); k++) {
            Received r = received.get(k);
            double s1 = 0;
            double s2 = 0;
            for (int i = 0; i < r.payloadLength(); i++) {
                double s = G711.ulawToLinear(r.payload(i)) + c * s1 - s2;
                s2 = s1;
                s1 = s;
            }
            int n = r.payloadLength();
            total += (s1 * s1 + s2 * s2 - c * s1 * s2) * 2 / ((double) n * n);
            packets++;
        }
        return packets == 0 ? 0 : total / packets;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        reader.join(1000);
        socket.close();
    }
}
