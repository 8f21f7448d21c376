package se.vardmote.media.bwe;

/**
 * Groups acknowledged packets into send groups and reports the deltas between consecutive groups
 * (draft-ietf-rmcat-gcc-02 §5.2; libwebrtc's InterArrivalDelta): a group is the packets sent within 5 ms of its
 * first, since a pacer sends in bursts of that order, and the delay detector compares how much later a group
 * arrived than the one before with how much later it was sent. A packet that arrives within 5 ms of the group's
 * last and earlier than its send spacing says (a burst the network delivered together) joins the group too.
 *
 * <p>Owned by one estimator; not thread-safe. Times are nanoseconds; the arrival clock is the receiver's.
 */
final class InterArrival {

    /** libwebrtc kSendTimeGroupLength: packets sent within 5 ms form a group. */
    static final long GROUP_NANOS = 5_000_000L;
    /** libwebrtc kBurstDeltaThreshold (5 ms) and kMaxBurstDuration (100 ms). */
    private static final long BURST_DELTA_NANOS = 5_000_000L;
    private static final long MAX_BURST_NANOS = 100_000_000L;
    /** libwebrtc kArrivalTimeOffsetThreshold: arrival spacing this far past local time means the clock jumped. */
    private static final long ARRIVAL_OFFSET_NANOS = 3_000_000_000L;
    /** libwebrtc kReorderedResetThreshold. */
    private static final int REORDERED_RESET = 3;

    // The group being filled.
    private boolean hasCurrent;
    private long currentFirstSend;
    private long currentLastSend;
    private long currentFirstArrival;
    private long currentLastArrival;
    private long currentLocal;
    // The previous complete group.
    private boolean hasPrevious;
    private long previousLastSend;
    private long previousLastArrival;
    private long previousLocal;
    private int reordered;

    // The deltas of the last group pair, valid after add() returned true.
    long sendDeltaNanos;
    long arrivalDeltaNanos;

    void reset() {
        hasCurrent = false;
        hasPrevious = false;
        reordered = 0;
    }

    /**
     * Adds one acknowledged packet; true when it closed a group and {@link #sendDeltaNanos} and
     * {@link #arrivalDeltaNanos} hold the deltas between the two latest complete groups. Packets must come in
     * send order; one sent before the current group began is ignored (it was reordered in the feedback).
     */
    boolean add(long sendNanos, long arrivalNanos, long localNanos) {
        boolean calculated = false;
        if (!hasCurrent) {
            startGroup(sendNanos, arrivalNanos);
            hasCurrent = true;
        } else if (sendNanos < currentFirstSend) {
            return false;
        } else if (startsNewGroup(sendNanos, arrivalNanos)) {
            if (hasPrevious) {
                long sendDelta = currentLastSend - previousLastSend;
                long arrivalDelta = currentLastArrival - previousLastArrival;
                long localDelta = currentLocal - previousLocal;
                if (arrivalDelta - localDelta >= ARRIVAL_OFFSET_NANOS) {
                    // The receiver's clock jumped (or feedback stalled for seconds): start over.
                    reset();
                    startGroup(sendNanos, arrivalNanos);
                    hasCurrent = true;
                    currentLocal = localNanos;
                    return false;
                }
                if (arrivalDelta < 0) {
                    // The network reordered whole groups; a few in a row mean our view is stale.
                    if (++reordered >= REORDERED_RESET) {
                        reset();
                    }
                    return false;
                }
                reordered = 0;
                sendDeltaNanos = sendDelta;
                arrivalDeltaNanos = arrivalDelta;
                calculated = true;
            }
            previousLastSend = currentLastSend;
            previousLastArrival = currentLastArrival;
            previousLocal = currentLocal;
            hasPrevious = true;
            startGroup(sendNanos, arrivalNanos);
        } else {
            currentLastSend = Math.max(currentLastSend, sendNanos);
        }
        currentLastArrival = arrivalNanos;
        currentLocal = localNanos;
        return calculated;
    }

    private void startGroup(long sendNanos, long arrivalNanos) {
        currentFirstSend = sendNanos;
        currentLastSend = sendNanos;
        currentFirstArrival = arrivalNanos;
        currentLastArrival = arrivalNanos;
    }

    private boolean startsNewGroup(long sendNanos, long arrivalNanos) {
        if (belongsToBurst(sendNanos, arrivalNanos)) {
            return false;
        }
        return sendNanos - currentFirstSend > GROUP_NANOS;
    }

    private boolean belongsToBurst(long sendNanos, long arrivalNanos) {
        long arrivalDelta = arrivalNanos - currentLastArrival;
        long sendDelta = sendNanos - currentLastSend;
        if (sendDelta == 0) {
            return true;
        }
        long propagationDelta = arrivalDelta - sendDelta;
        return propagationDelta < 0 && arrivalDelta <= BURST_DELTA_NANOS
                && arrivalNanos - currentFirstArrival < MAX_BURST_NANOS;
    }
}
