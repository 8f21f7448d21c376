package se.vardmote.loadtest;

import java.util.concurrent.atomic.AtomicInteger;
import se.vardmote.media.MediaKind;

/**
 * One stream a simulated participant publishes, as the receivers and the report see it: its process-wide
 * id (carried in every payload, see {@link ProbePayload}), its kind, the last sequence number sent and
 * the measurement window. The sending event loop writes {@link #sent}; the run's control thread opens
 * the window; receivers read the window bounds. Thread-safe.
 */
final class SentStream {

    private static final AtomicInteger IDS = new AtomicInteger(1);

    final int id = IDS.getAndIncrement();
    final MediaKind kind;
    private final AtomicInteger lastSequence = new AtomicInteger(-1);
    /** First sequence number that counts; {@code Integer.MAX_VALUE} until the window opens. */
    private volatile int windowFirst = Integer.MAX_VALUE;
    private volatile int windowLast = -1;
    /** Bytes of RTP (before SRTP) sent; written by the sending loop only. */
    long bytesSent;

    SentStream(MediaKind kind) {
        this.kind = kind;
    }

    /** The next sequence number; called by the sending loop only. */
    int next() {
        int seq = lastSequence.get() + 1;
        lastSequence.lazySet(seq);
        return seq;
    }

    int lastSequence() { return lastSequence.get(); }

    void openWindow() {
        windowLast = -1;
        windowFirst = lastSequence.get() + 1;
    }

    /** Call after the sender has stopped: the window ends at the last packet sent. */
    void closeWindow() {
        windowLast = lastSequence.get();
    }

    int windowFirst() { return windowFirst; }

    /** Packets sent inside the window (0 before {@link #closeWindow}). */
    long sentInWindow() {
        int first = windowFirst;
        int last = windowLast;
        return first == Integer.MAX_VALUE || last < first ? 0 : (long) last - first + 1;
    }

    /** True when {@code seq} was sent inside the (closed or still open) window. */
    boolean inWindow(int seq) {
        int last = windowLast;
        return seq >= windowFirst && (last < 0 || seq <= last);
    }
}
