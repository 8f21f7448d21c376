package se.vardmote.media.bwe;

/** What the delay detector makes of the path (draft-ietf-rmcat-gcc-02 §5.4: the over-use detector's signal). */
public enum BandwidthUsage {
    /** Queuing delay neither grows nor shrinks beyond the threshold. */
    NORMAL,
    /** Queuing delay grows: the path's queue is filling, the sender is above capacity. */
    OVERUSING,
    /** Queuing delay shrinks: a queue is draining. */
    UNDERUSING
}
