package se.vardmote.signalling.sdp;

import se.vardmote.media.MediaKind;

/**
 * One section of a subscribe offer: a remote participant's track as this subscriber receives it.
 *
 * @param streamId  the msid stream id: the publishing participant's id, so the client can tell whose it is
 * @param ssrc      the SSRC the subscriber sees
 * @param codecName {@code opus}, {@code VP8} or {@code H264}
 * @param active    false once the track is gone: the section stays (mids are never reused) as inactive
 * @param rtxSsrc   the SSRC of the track's RTX stream (RFC 4588, a=ssrc-group:FID); 0 for a track without RTX
 */
public record OfferedTrack(String mid, MediaKind kind, String streamId, String trackId, long ssrc,
                           String codecName, boolean active, long rtxSsrc) {

    /** A track without RTX. */
    public OfferedTrack(String mid, MediaKind kind, String streamId, String trackId, long ssrc, String codecName,
                        boolean active) {
        this(mid, kind, streamId, trackId, ssrc, codecName, active, 0);
    }

    /** The same section, no longer sending. */
    public OfferedTrack inactive() {
        return new OfferedTrack(mid, kind, streamId, trackId, ssrc, codecName, false, rtxSsrc);
    }
}
