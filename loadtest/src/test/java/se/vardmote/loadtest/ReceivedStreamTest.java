package se.vardmote.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import se.vardmote.media.MediaKind;

class ReceivedStreamTest {

    @Test
    void countsDuplicatesReorderingAndOnlyTheWindow() {
        SentStream sent = new SentStream(MediaKind.VIDEO);
        sent.next(); // seq 0, before the window
        sent.openWindow(); // window from seq 1
        for (int i = 0; i < 5; i++) sent.next();
        sent.closeWindow(); // seqs 1..5
        ReceivedStream r = new ReceivedStream(sent);
        r.onPacket(0, 1000, 100);
        r.onPacket(1, 1000, 100);
        r.onPacket(3, 1000, 100);
        r.onPacket(2, 1000, 100); // late
        r.onPacket(3, 1000, 100); // duplicate
        r.onPacket(5, 1000, 100);
        assertEquals(5, sent.sentInWindow());
        assertEquals(4, r.received);
        assertEquals(1, r.reordered);
        assertEquals(1, r.duplicates);
        assertEquals(400, r.bytes);
    }

    @Test
    void jitterFollowsRfc3550Estimator() {
        SentStream sent = new SentStream(MediaKind.AUDIO);
        sent.openWindow();
        ReceivedStream r = new ReceivedStream(sent);
        r.onPacket(0, 1_000_000, 100);
        r.onPacket(1, 2_600_000, 100);
        assertEquals(1_600_000 / 16.0, r.jitterNanos, 1e-6);
    }
}
