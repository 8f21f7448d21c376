package se.vardmote.media.router;

import se.vardmote.media.rtp.RtpPacket;

/**
 * Receives the decrypted RTP of every audio stream browsers publish into a {@link Router} (not of the streams
 * published with {@link Router#publishLocal}): the room's audio mixer listens here. Installed with
 * {@link Router#installAudioTap}.
 *
 * <p>Called on the router's event loop, on the packet path, after the payload-type check and before the
 * packet is forwarded: it must not block, allocate per packet or keep the packet.
 */
public interface AudioTap {

    /**
     * One audio packet of {@code stream}, its codec's frame at absolute index {@code payloadOffset} of
     * {@code rtp}'s buffer ({@code payloadLength} bytes; for redundant audio, RFC 2198, the primary block alone).
     * Borrows {@code rtp} (and its buffer) for the call only.
     */
    void onAudio(PublishedStream stream, RtpPacket rtp, int payloadOffset, int payloadLength);
}
