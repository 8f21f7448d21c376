package se.vardmote.media.router;

import io.netty.buffer.ByteBuf;

/**
 * What the server, as the receiver of one published stream, reports back in its receiver reports
 * (RFC 3550 §6.4.1, computed as in its Appendix A.3 and A.8): extended highest sequence number, packets
 * lost in total and since the last report, interarrival jitter, and the last sender report with the delay
 * since it (from which the publisher computes its round-trip time).
 * Owned by the router's event loop; not thread-safe; allocates nothing.
 */
final class ReceiveStatistics {

    static final int BLOCK_LENGTH = 24;

    private boolean started;
    private int baseSequence;
    private int maxSequence;
    private long cycles;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    /** RFC 3550 A.8: jitter scaled by 16, in RTP timestamp units. */
    private long jitterQ4;
    private long lastTransit;
    private boolean transitValid;
    /** Middle 32 bits of the last SR's NTP timestamp, and when it arrived; 0 and -1 before any SR. */
    private long lastSrNtpMiddle;
    private long lastSrArrivalNanos = -1;

    /** A media packet (not a retransmission, which must not move the jitter estimate) arrived. */
    void onPacket(int sequence, long rtpTimestamp, long nowNanos, int clockRate, boolean retransmission) {
        if (!started) {
            started = true;
            baseSequence = sequence;
            maxSequence = sequence;
            received = 1;
            return;
        }
        int delta = (sequence - maxSequence) & 0xFFFF;
        if (delta != 0 && delta < 0x8000) {
            if (sequence < maxSequence) {
                cycles += 0x10000;
            }
            maxSequence = sequence;
        }
        received++;
        if (!retransmission && clockRate > 0) {
            long arrival = nowNanos / 1000 * clockRate / 1_000_000L;
            long transit = arrival - rtpTimestamp;
            if (transitValid) {
                long d = Math.abs(transit - lastTransit);
                if (d < (long) clockRate * 10) { // a timestamp jump (re-publish) is not jitter
                    jitterQ4 += d - ((jitterQ4 + 8) >> 4);
                }
            }
            lastTransit = transit;
            transitValid = true;
        }
    }

    /** A sender report for this stream arrived: {@code ntpTimestamp} is its 64-bit NTP time. */
    void onSenderReport(long ntpTimestamp, long nowNanos) {
        lastSrNtpMiddle = (ntpTimestamp >>> 16) & 0xFFFFFFFFL;
        lastSrArrivalNanos = nowNanos;
    }

    boolean hasReport() {
        return started;
    }

    /** Writes one 24-byte report block about {@code ssrc} and starts the next reporting interval. Borrows {@code out}. */
    void writeReportBlock(ByteBuf out, int ssrc, long nowNanos) {
        long extendedMax = cycles + maxSequence;
        long expected = extendedMax - baseSequence + 1;
        long lost = Math.max(-0x800000L, Math.min(0x7FFFFFL, expected - received));
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int) Math.min(255, (lostInterval << 8) / expectedInterval);
        long dlsr = 0;
        if (lastSrArrivalNanos >= 0) {
            // RFC 3550 §6.4.1: DLSR in units of 1/65536 s.
            dlsr = Math.min(0xFFFFFFFFL, (nowNanos - lastSrArrivalNanos) * 65_536L / 1_000_000_000L);
        }
        out.writeInt(ssrc);
        out.writeByte(fraction);
        out.writeMedium((int) lost);
        out.writeInt((int) extendedMax);
        out.writeInt((int) (jitterQ4 >> 4));
        out.writeInt((int) lastSrNtpMiddle);
        out.writeInt((int) dlsr);
    }
}
