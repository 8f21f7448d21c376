package se.vardmote.media.router;

/**
 * A codec as negotiated on one transport.
 *
 * @param name        encoding name as in SDP ({@code opus}, {@code VP8}, {@code H264})
 * @param clockRate   RTP clock rate
 * @param channels    audio channels (1 for video)
 * @param payloadType payload type on that transport
 */
public record RtpCodec(String name, int clockRate, int channels, int payloadType) {
}
