package se.vardmote.media.router;

/**
 * What a {@link Router} counts, one slot each in a {@code long[]} (Jitsi Videobridge habit: every drop is
 * counted by reason, never logged). The names are the keys of {@link Router#counters()}.
 */
enum RouterCounter {
    RTP_FORWARDED("rtp.forwarded"),
    RTP_DROPPED_MALFORMED("rtp.dropped.malformed"),
    RTP_DROPPED_UNKNOWN_SSRC("rtp.dropped.unknown_ssrc"),
    RTP_DROPPED_PAYLOAD_TYPE("rtp.dropped.payload_type"),
    /** Redundant audio (RFC 2198) whose block headers do not fit the payload or whose primary is another codec. */
    RTP_DROPPED_RED_MALFORMED("rtp.dropped.red_malformed"),
    /** Redundant audio forwarded as it came, to a subscriber that decodes RED. */
    RED_FORWARDED("red.forwarded"),
    /** Redundant audio reduced to its primary block, for a subscriber that does not decode RED. */
    RED_PRIMARY_ONLY("red.primary_only"),
    RTP_DROPPED_NOT_CONNECTED("rtp.dropped.not_connected"),
    RTP_EXTENSIONS_DROPPED("rtp.extensions.dropped"),
    /** A subscriber's video held back: its downlink cannot take the lowest simulcast layer. */
    RTP_DROPPED_PAUSED("rtp.dropped.paused"),
    /** Older than the first packet after a layer switch or re-publish. */
    RTP_DROPPED_BEFORE_SWITCH("rtp.dropped.before_switch"),
    RTP_SSRC_BOUND_BY_MID("rtp.ssrc.bound_by_mid"),
    RTP_SSRC_BOUND_BY_RID("rtp.ssrc.bound_by_rid"),
    /** A subscriber's simulcast layer chosen higher or lower (the switch follows at a keyframe). */
    SIMULCAST_LAYER_UP("simulcast.layer.up"),
    SIMULCAST_LAYER_DOWN("simulcast.layer.down"),
    /** Of {@link #SIMULCAST_LAYER_UP}, those beyond the estimate (it had headroom), to find out whether the downlink grew. */
    SIMULCAST_LAYER_TRIAL("simulcast.layer.trial"),
    SIMULCAST_VIDEO_PAUSED("simulcast.video.paused"),
    /** A switch made, at a keyframe of the layer chosen. */
    SIMULCAST_SWITCHED("simulcast.switched"),
    RTP_RESENT("rtp.resent"),
    RTP_GAP_TOO_LARGE("rtp.gap.too_large"),
    RTX_SENT("rtx.sent"),
    RTX_RECOVERED("rtx.recovered"),
    RTX_REDUNDANT("rtx.redundant"),
    RTX_PADDING("rtx.padding"),
    RTCP_DROPPED_MALFORMED("rtcp.dropped.malformed"),
    RTCP_DROPPED_UNKNOWN_SSRC("rtcp.dropped.unknown_ssrc"),
    RTCP_DROPPED_NOT_CONNECTED("rtcp.dropped.not_connected"),
    RTCP_SR_FORWARDED("rtcp.sr.forwarded"),
    RTCP_PLI_FORWARDED("rtcp.pli.forwarded"),
    RTCP_PLI_SENT("rtcp.pli.sent"),
    RTCP_PLI_SUPPRESSED("rtcp.pli.suppressed"),
    RTCP_FIR_FORWARDED("rtcp.fir.forwarded"),
    RTCP_NACK_RECEIVED("rtcp.nack.received"),
    RTCP_NACK_ANSWERED_FROM_CACHE("rtcp.nack.answered_from_cache"),
    RTCP_NACK_NOT_IN_CACHE("rtcp.nack.not_in_cache"),
    RTCP_NACK_TOO_OLD("rtcp.nack.too_old"),
    /** A NACK for a packet resent to that subscriber less than an RTT ago: the repair is still on its way. */
    RTCP_NACK_RESENT_LATELY("rtcp.nack.resent_lately"),
    /** A NACK beyond the subscriber's repair budget (half its downlink estimate): its link is full. */
    RTCP_NACK_OVER_BUDGET("rtcp.nack.over_budget"),
    RTCP_NACK_FORWARDED("rtcp.nack.forwarded"),
    RTCP_NACK_SENT("rtcp.nack.sent"),
    RTCP_TRANSPORT_CC_SENT("rtcp.transport_cc.sent"),
    RTCP_RR_SENT("rtcp.rr.sent"),
    /** REMB to a publisher: the most its subscribers' downlinks take (see ReceiverFeedback). */
    RTCP_REMB_SENT("rtcp.remb.sent"),
    RTCP_NACK_DROPPED("rtcp.nack.dropped"),
    RTCP_KEYFRAME_AUDIO_IGNORED("rtcp.keyframe.audio_ignored"),
    RTCP_CONSUMED_SR("rtcp.consumed.sr"),
    RTCP_CONSUMED_RR("rtcp.consumed.rr"),
    RTCP_CONSUMED_SDES("rtcp.consumed.sdes"),
    RTCP_CONSUMED_BYE("rtcp.consumed.bye"),
    RTCP_CONSUMED_REMB("rtcp.consumed.remb"),
    /** Transport-cc feedback from a subscriber, taken by the server's estimate of its downlink. */
    RTCP_CONSUMED_TRANSPORT_CC("rtcp.consumed.transport_cc"),
    /** Probe clusters sent to subscribers, and the padding packets they took. */
    PROBES_SENT("rtp.probes.sent"),
    PROBE_PADDING_SENT("rtp.probe_padding.sent"),
    RTCP_CONSUMED_OTHER("rtcp.consumed.other");

    final String key;

    RouterCounter(String key) {
        this.key = key;
    }

    static final RouterCounter[] ALL = values();
}
