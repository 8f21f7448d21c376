package se.vardmote.media.transport;

/**
 * What a {@link MediaWorker} counts, by name. Every packet dropped is counted by reason instead of logged
 * (as Jitsi Videobridge does). The values live in a plain {@code long[]} per worker, written only by its
 * event loop.
 */
public enum WorkerCounter {
    /** Every datagram read from the socket, and its bytes (before any filter). */
    IN_DATAGRAMS("media.in.datagrams"),
    IN_BYTES("media.in.bytes"),
    /** Every datagram the loop wrote (SRTP, SRTCP, STUN answers; DTLS records leave from the DTLS thread). */
    OUT_DATAGRAMS("media.out.datagrams"),
    OUT_BYTES("media.out.bytes"),
    DROPPED_NOT_ALLOWED_NETWORK("media.dropped.not_allowed_network"),
    DROPPED_UNKNOWN_KIND("media.dropped.unknown_kind"),
    DROPPED_UNKNOWN_ADDRESS("media.dropped.unknown_address"),
    DROPPED_OVERSIZED("media.dropped.oversized"),
    STUN_DROPPED_MALFORMED("stun.dropped.malformed"),
    STUN_DROPPED_NOT_REQUEST("stun.dropped.not_request"),
    STUN_DROPPED_UNKNOWN_UFRAG("stun.dropped.unknown_ufrag"),
    STUN_DROPPED_BAD_USERNAME("stun.dropped.bad_username"),
    STUN_DROPPED_BAD_INTEGRITY("stun.dropped.bad_integrity"),
    STUN_DROPPED_TOO_MANY_ADDRESSES("stun.dropped.too_many_addresses"),
    STUN_ANSWERED("stun.requests.answered"),
    ICE_SELECTED_CHANGED("ice.selected.changed"),
    ICE_CONSENT_EXPIRED("ice.consent.expired"),
    DTLS_IN_PACKETS("dtls.in.packets"),
    DTLS_DROPPED("dtls.dropped.queue_full"),
    DTLS_HANDSHAKES_COMPLETED("dtls.handshakes.completed"),
    DTLS_HANDSHAKES_FAILED("dtls.handshakes.failed"),
    RTP_IN_PACKETS("rtp.in.packets"),
    RTCP_IN_PACKETS("rtcp.in.packets"),
    SRTP_UNPROTECT_FAILED("srtp.unprotect.failed"),
    SRTP_EARLY_QUEUED("srtp.early.queued"),
    SRTP_EARLY_DROPPED("srtp.early.dropped"),
    RTP_OUT_PACKETS("rtp.out.packets"),
    RTCP_OUT_PACKETS("rtcp.out.packets"),
    /** Sends that carried two or more datagrams to one address with UDP GSO, and the datagrams they carried. */
    OUT_GSO_SENDS("media.out.gso.sends"),
    OUT_GSO_DATAGRAMS("media.out.gso.datagrams"),
    /** GSO turned off after a failed send (a device without UDP checksum offload). */
    OUT_GSO_DISABLED("media.out.gso.disabled"),
    /**
     * Video packets the pacer held back (to spread a burst over time), those sent when they had waited its
     * limit, and those sent unpaced because its queue was full (see Pacer).
     */
    OUT_PACED("media.out.paced"),
    OUT_PACED_OVERDUE("media.out.paced.overdue"),
    OUT_PACED_OVERFLOW("media.out.paced.overflow"),
    OUT_DROPPED_NOT_CONNECTED("media.out.dropped.not_connected"),
    SRTP_PROTECT_FAILED("srtp.protect.failed"),
    RECEIVER_ERRORS("media.receiver.errors"),
    /** ICE-TCP (RFC 6544): connections accepted, refused (source not allowed, too many), closed for a bad frame or for idling unbound. */
    TCP_ACCEPTED("tcp.connections.accepted"),
    TCP_REFUSED_NOT_ALLOWED("tcp.connections.refused.not_allowed_network"),
    TCP_REFUSED_TOO_MANY("tcp.connections.refused.too_many"),
    TCP_CLOSED_BAD_FRAME("tcp.connections.closed.bad_frame"),
    TCP_CLOSED_UNBOUND("tcp.connections.closed.unbound"),
    /** Frames read from ICE-TCP connections (they also count as in.datagrams) and STUN naming another transport than the connection's. */
    TCP_IN_FRAMES("tcp.in.frames"),
    STUN_DROPPED_OTHER_TRANSPORT("stun.dropped.other_transport"),
    /** Packets not written to a congested ICE-TCP connection: video first, everything past the hard limit. */
    TCP_OUT_DROPPED_VIDEO("tcp.out.dropped.video_backpressure"),
    TCP_OUT_DROPPED_FULL("tcp.out.dropped.full"),
    TRANSPORTS_CREATED("transports.created"),
    TRANSPORTS_CLOSED("transports.closed"),
    /**
     * Heap bytes the worker's event-loop thread has allocated since it started (everything on the loop:
     * receive, relay, send, timers, control tasks). Its rate over the datagram rate is the hot path's
     * allocation per datagram; 0 where the JVM cannot measure it. Read at snapshot time, not counted.
     */
    LOOP_ALLOCATED_BYTES("media.loop.allocated.bytes"),
    /**
     * CPU time (user + system, in nanoseconds) of the worker's event-loop thread since it started; its rate
     * is the share of a core the worker uses, and over the datagram rate the CPU per datagram. Read at
     * snapshot time, not counted.
     */
    LOOP_CPU_NANOS("media.loop.cpu.nanos");

    /** The name in {@code MediaEngine.counters()}. */
    public final String counterName;

    WorkerCounter(String counterName) {
        this.counterName = counterName;
    }
}
