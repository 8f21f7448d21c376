package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import se.vardmote.server.ServerConfig;
import se.vardmote.server.SippCall;
import se.vardmote.server.TestBooking;
import se.vardmote.server.VardmoteServer;
import se.vardmote.signalling.sip.SipConfig;

/**
 * An interpreter on the phone and a clinician in Chromium in one visit: sipp plays the telephony gateway
 * (SIP), this test plays the gateway's RTP (a PCMU tone out, the room's mix in). The browser must receive
 * the phone participant's audio with energy, and the phone must hear the browser's beeping microphone.
 */
@Tag("browser")
class PhoneInVisitTest {

    @TempDir
    static Path dir;
    static VardmoteServer server;
    static Chromium chromium;

    @BeforeAll
    static void start() throws Exception {
        SippCall.requireSipp();
        chromium = Chromium.launch();
        server = VardmoteServer.start(ServerConfig.forTests(dir.resolve("data")), SipConfig.forTests());
    }

    @AfterAll
    static void stop() {
        if (chromium != null) chromium.close();
        if (server != null) server.close();
    }

    @Test
    void aPhoneInterpreterAndABrowserClinicianHearEachOther() throws Exception {
        JsonNode meeting = TestBooking.book(server, "group", false, "clinician");
        String conferenceId = meeting.get("conferenceId").asText();
        String clinicianLink = meeting.get("participants").get(0).get("joinUrl").asText();
        try (Visitor clinician = new Visitor(chromium.browser, "clinician", clinicianLink);
             GatewayRtp phone = new GatewayRtp()) {
            phone.start();
            SippCall sipp = SippCall.start(dir, "phone-in-visit.xml", conferenceId, server.sipPort(), phone.port()); // 20 s
            try {
                clinician.awaitReceived("the phone participant's audio with energy", Duration.ofSeconds(40),
                        s -> Visitor.flowing(s, "audios", "packets", 50) == 1 && Visitor.total(s, "audios", "energy") > 0);
                assertEquals(1, Visitor.tiles(clinician.received()), "the caller has a tile (audio only)");
                phone.awaitHeardEnergy(Duration.ofSeconds(30));
                phone.awaitPackets(150, Duration.ofSeconds(10)); // 50 a second, never paused for silence
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nsipp: " + sipp.output()
                        + "\nphone RTP received: " + phone.packetsReceived()
                        + "; media counters: " + server.media().counters(), e);
            } finally {
                assertEquals(0, sipp.await(), "sipp's call: INVITE, 200, ACK, BYE, 200: " + sipp.output());
            }
        }
    }

    /**
     * The gateway's media: sends a 440 Hz PCMU tone every 20 ms to wherever the server's RTP comes from
     * (symmetric RTP) and measures the energy of what it receives.
     */
    static final class GatewayRtp implements AutoCloseable {
        private final DatagramSocket socket;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile InetSocketAddress server;
        private volatile long received;
        private volatile double loudestFrameRms;

        GatewayRtp() throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.setSoTimeout(20);
            thread = new Thread(this::run, "gateway-rtp");
            thread.setDaemon(true);
        }

        int port() {
            return socket.getLocalPort();
        }

        void start() {
            thread.start();
        }

        long packetsReceived() {
            return received;
        }

        void awaitHeardEnergy(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (loudestFrameRms < 300) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the phone heard only silence: " + received + " packets, loudest frame RMS " + loudestFrameRms);
                }
                Thread.sleep(100);
            }
        }

        private void run() {
            byte[] in = new byte[1500];
            byte[] out = new byte[12 + 160];
            int seq = 1;
            long ts = 0;
            double phase = 0;
            long next = System.nanoTime();
            while (running) {
                try {
                    DatagramPacket p = new DatagramPacket(in, in.length);
                    socket.receive(p);
                    server = (InetSocketAddress) p.getSocketAddress();
                    received++;
                    if (p.getLength() > 12 && (in[1] & 0x7F) == 0) loudestFrameRms = Math.max(loudestFrameRms, rms(in, 12, p.getLength()));
                } catch (SocketTimeoutException e) {
                    // fall through to sending
                } catch (IOException e) {
                    return;
                }
                InetSocketAddress to = server;
                if (to == null || System.nanoTime() < next) continue;
                next += 20_000_000L;
                out[0] = (byte) 0x80;
                out[1] = 0; // PCMU
                out[2] = (byte) (seq >> 8);
                out[3] = (byte) seq;
                out[4] = (byte) (ts >> 24);
                out[5] = (byte) (ts >> 16);
                out[6] = (byte) (ts >> 8);
                out[7] = (byte) ts;
                out[8] = 0x12;
                out[9] = 0x34;
                out[10] = 0x56;
                out[11] = 0x78;
                for (int i = 0; i < 160; i++) {
                    out[12 + i] = linearToUlaw((int) (8000 * Math.sin(phase)));
                    phase += 2 * Math.PI * 440 / 8000;
                }
                seq++;
                ts += 160;
                try {
                    socket.send(new DatagramPacket(out, out.length, to));
                } catch (IOException e) {
                    return;
                }
            }
        }

        void awaitPackets(long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (received < count) {
                if (System.nanoTime() > deadline) throw new AssertionError("the phone got only " + received + " packets");
                Thread.sleep(100);
            }
        }

        private static double rms(byte[] b, int from, int to) {
            double sum = 0;
            for (int i = from; i < to; i++) {
                int s = ulawToLinear(b[i]);
                sum += (double) s * s;
            }
            return Math.sqrt(sum / (to - from));
        }

        // ITU-T G.711 μ-law, for the test's own use.
        static int ulawToLinear(byte u) {
            int v = ~u & 0xFF;
            int t = ((v & 0x0F) << 3) + 0x84;
            t <<= (v & 0x70) >> 4;
            return (v & 0x80) != 0 ? 0x84 - t : t - 0x84;
        }

        static byte linearToUlaw(int pcm) {
            int sign = pcm < 0 ? 0x80 : 0;
            int mag = Math.min(Math.abs(pcm), 32635) + 0x84;
            int exponent = 7;
            for (int mask = 0x4000; (mag & mask) == 0 && exponent > 0; mask >>= 1) exponent--;
            int mantissa = (mag >> (exponent + 3)) & 0x0F;
            return (byte) ~(sign | (exponent << 4) | mantissa);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            socket.close();
            thread.join(1000);
        }
    }
}
