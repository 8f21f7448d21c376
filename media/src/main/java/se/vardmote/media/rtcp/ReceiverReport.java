package se.vardmote.media.rtcp;

/**
 * View of a receiver report (RFC 3550 §6.4.2, PT 201): sender SSRC and report blocks, read in place.
 * Allocation-free and reusable. Borrows the buffer. Not thread-safe: owned by one event loop.
 */
public final class ReceiverReport extends ReportPacket {

    /** Header (4) + sender SSRC (4). */
    public static final int MIN_LENGTH = 8;

    public ReceiverReport() {
        super(RtcpCompound.RR, MIN_LENGTH);
    }
}
