package se.vardmote.signalling.sdp;

import se.vardmote.media.MediaKind;

/**
 * One section of a subscribe offer: a remote participant's track as this subscriber receives it.
 *
 * @param streamId  the msid stream id: the publishing participant's id, so the client can tell whose it is
 * @param ssrc      the SSRC the subscriber sees
 * @param codecName {@code opus}, {@code VP8} or {@code H264}
 * @param active    false once the track is gone: the section stays (mids are never reused) as inactive
 */
public record OfferedTrack(String mid, MediaKind kind, String streamId, String trackId, long ssrc,
                           String codecName, boolean active) {
}
