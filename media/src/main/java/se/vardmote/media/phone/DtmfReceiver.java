package se.vardmote.media.phone;

/**
 * Turns the stream of RFC 4733 telephone-event packets into key presses, each reported once.
 *
 * <p>One key press is one event, and all its packets carry the same RTP timestamp (RFC 4733 §2.5.1.2: the
 * timestamp is the event's start, the duration grows). So a press is reported on the first packet with a
 * timestamp not seen before, whichever packet that is: the start packet may lack the marker bit or be lost
 * (§2.5.1.3 "tolerate"), and the end packet is sent three times (§2.5.1.4). The last few timestamps are
 * remembered so that a straggling end packet of the previous press, reordered behind the next one, is not
 * taken for a new press. Digits are never logged. Owned by the phone leg's event loop; not thread-safe.
 */
final class DtmfReceiver {

    private static final int REMEMBERED = 4;

    private final long[] recent = new long[REMEMBERED];
    private int count;
    private int next;

    /**
     * The key to report for one telephone-event packet, or 0 when it repeats a press already reported or is
     * no DTMF key.
     */
    char onPacket(long rtpTimestamp, int event) {
        char key = TelephoneEvent.keyOf(event);
        if (key == 0) {
            return 0;
        }
        for (int i = 0; i < count; i++) {
            if (recent[i] == rtpTimestamp) {
                return 0;
            }
        }
        recent[next] = rtpTimestamp;
        next = (next + 1) % REMEMBERED;
        if (count < REMEMBERED) count++;
        return key;
    }
}
