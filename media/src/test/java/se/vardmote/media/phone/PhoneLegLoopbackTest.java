package se.vardmote.media.phone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import se.vardmote.media.MediaConfig;
import se.vardmote.media.MediaEngine;

class PhoneLegLoopbackTest {

    private MediaEngine engine;
    private GatewayPeer gateway;
    private final StringBuffer digits = new StringBuffer();
    private final CountDownLatch closed = new CountDownLatch(1);
    private PhoneLeg leg;

    @BeforeEach
    void start() throws Exception {
        engine = MediaEngine.start(MediaConfig.loopbackForTests());
        gateway = new GatewayPeer();
        leg = engine.createPhoneLeg(new PhoneLegListener() {
            @Override public void onDtmf(PhoneLeg l, char digit) { digits.append(digit); }
            @Override public void onClosed(PhoneLeg l, String reason) { closed.countDown(); }
        });
        gateway.target(leg.localAddress(), leg.localPort());
    }

    @AfterEach
    void stop() throws Exception {
        leg.close();
        assertTrue(closed.await(2, TimeUnit.SECONDS), "onClosed heard");
        gateway.close();
        engine.close();
    }

    @Test
    void hearsEachKeyOnceAndSendsFiftyPacketsASecondBack() throws Exception {
        assertEquals("127.0.0.1", leg.localAddress());
        leg.setRemote(gateway.address(), PhoneCodec.PCMU, 101);
        long t0 = System.nanoTime();
        int frame = 0;
        for (; frame < 10; frame++) paceAndSendTone(t0, frame);
        gateway.sendKey(5, 101, 8000, true, true, 4);         // a textbook press
        for (; frame < 20; frame++) paceAndSendTone(t0, frame);
        gateway.sendKey(10, 101, 8000, false, true, 3);       // "*": the start lacks the marker bit
        for (; frame < 30; frame++) paceAndSendTone(t0, frame);
        gateway.sendKey(11, 101, 8000, false, false, 2);      // "#": start and updates lost, only the ends
        for (; frame < 75; frame++) paceAndSendTone(t0, frame);

        assertEquals("5*#", digits.toString());
        assertEquals(3L, leg.counters().get("phone.dtmf.events"));

        long deadline = System.nanoTime() + 3_000_000_000L; // a loaded machine may have started the leg late
        while (System.nanoTime() < deadline && (gateway.received.isEmpty()
                || gateway.received.get(gateway.received.size() - 1).nanos() - gateway.received.get(0).nanos() < 1_100_000_000L)) {
            Thread.sleep(20);
        }
        // Packets back: PCMU, one per 20 ms, timestamps +160, consecutive sequence numbers, marker on the first.
        List<GatewayPeer.Received> got = List.copyOf(gateway.received);
        assertTrue(got.size() > 20, "received " + got.size());
        assertTrue(got.get(0).marker(), "marker bit on the first packet");
        long windowStart = got.get(0).nanos();
        long inFirstSecond = got.stream().filter(r -> r.nanos() - windowStart < 1_000_000_000L).count();
        long span = got.get(got.size() - 1).nanos() - windowStart;
        assertTrue(span >= 1_000_000_000L, "measured over a whole second: " + got.size() + " packets in " + span / 1_000_000 + " ms " + leg.counters());
        assertTrue(inFirstSecond >= 45 && inFirstSecond <= 55, "packets in one second: " + inFirstSecond);
        for (int i = 1; i < got.size(); i++) {
            assertEquals(0, got.get(i).payloadType());
            assertEquals(160, got.get(i).payloadLength());
            assertEquals((got.get(i - 1).sequence() + 1) & 0xFFFF, got.get(i).sequence());
            assertEquals((got.get(i - 1).timestamp() + 160) & 0xFFFFFFFFL, got.get(i).timestamp());
        }
        // The leg sends to where the gateway's RTP came from; nothing queued to play: silence.
        assertEquals(0.0, gateway.ulawPower(0), 1.0);
        assertTrue(leg.counters().get("phone.rtp.in") >= 70, "tone packets counted " + leg.counters());
    }

    @Test
    void dropsPacketsFromASecondSourceAndPlaysQueuedPrompts() throws Exception {
        leg.setRemote(gateway.address(), PhoneCodec.PCMU, 101);
        leg.play(Prompt.tone(440, 200, 0, 0.3), false);
        leg.play(Prompt.tone(440, 100, 100, 0.3), true);
        long t0 = System.nanoTime();
        for (int frame = 0; frame < 5; frame++) paceAndSendTone(t0, frame);
        try (DatagramSocket intruder = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            byte[] rtp = new byte[172];
            rtp[0] = (byte) 0x80;
            intruder.send(new DatagramPacket(rtp, rtp.length, new InetSocketAddress("127.0.0.1", leg.localPort())));
        }
        for (int frame = 5; frame < 30; frame++) paceAndSendTone(t0, frame);
        assertEquals(1L, leg.counters().get("phone.dropped.wrong_source"));
        assertTrue(gateway.ulawPower(0) > 1_000_000, "the prompts reach the caller: " + gateway.ulawPower(0));
        int before = gateway.received.size();
        leg.stopPlayback();
        Thread.sleep(200);
        int after = gateway.received.size();
        Thread.sleep(300);
        assertEquals(0.0, gateway.ulawPower(after), 1.0); // stopped: silence, but still packets
        assertTrue(gateway.received.size() - after >= 10, "still sending after stopPlayback");
        assertTrue(after > before);
    }

    @Test
    void speaksOpusAtTheFortyEightKilohertzClockWhenNegotiated() throws Exception {
        leg.setRemote(gateway.address(), new PhoneCodec("opus", 111, 48_000), 101);
        leg.play(Prompt.tone(440, 1000, 0, 0.3), false);
        io.github.jaredmdobson.concentus.OpusEncoder encoder = new io.github.jaredmdobson.concentus.OpusEncoder(
                48_000, 1, io.github.jaredmdobson.concentus.OpusApplication.OPUS_APPLICATION_VOIP);
        short[] pcm = new short[960];
        byte[] opus = new byte[1275];
        long t0 = System.nanoTime();
        for (int frame = 0; frame < 40; frame++) {
            long wait = t0 + frame * 20_000_000L - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            for (int i = 0; i < 960; i++) pcm[i] = (short) (4000 * Math.sin(2 * Math.PI * 440 * (frame * 960 + i) / 48_000.0));
            int len = encoder.encode(pcm, 0, 960, opus, 0, opus.length);
            gateway.send(111, frame == 0, frame * 960L, java.util.Arrays.copyOf(opus, len));
            if (frame == 20) gateway.sendKey(12, 101, 48_000, true, true, 2); // "A" at the 48 kHz clock
        }
        Thread.sleep(100); // let the leg's loop catch up with the last packets
        assertEquals("A", digits.toString());
        List<GatewayPeer.Received> got = List.copyOf(gateway.received);
        assertTrue(got.size() >= 25, "received " + got.size());
        io.github.jaredmdobson.concentus.OpusDecoder decoder = new io.github.jaredmdobson.concentus.OpusDecoder(48_000, 1);
        double sum = 0;
        for (int i = 0; i < got.size(); i++) {
            GatewayPeer.Received r = got.get(i);
            assertEquals(111, r.payloadType());
            if (i > 0) assertEquals((got.get(i - 1).timestamp() + 960) & 0xFFFFFFFFL, r.timestamp());
            int n = decoder.decode(r.bytes(), 12, r.payloadLength(), pcm, 0, 960, false);
            assertEquals(960, n);
            if (i >= 5 && i < 30) for (int k = 0; k < n; k++) sum += (double) pcm[k] * pcm[k];
        }
        assertTrue(sum / (25 * 960) > 1_000_000, "the prompt reaches the caller through Opus: " + sum / (25 * 960));
        assertTrue(leg.counters().get("phone.rtp.in") >= 30, leg.counters().toString());
        assertEquals(0L, leg.counters().get("phone.dropped.decode_error"));
    }

    private void paceAndSendTone(long t0, int frame) throws Exception {
        long due = t0 + frame * 20_000_000L;
        long wait = due - System.nanoTime();
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
        gateway.sendTone(440, 8000, frame == 0);
    }
}
