package se.vardmote.media.transport;

import io.netty.buffer.ByteBuf;

/**
 * What a {@link WebRtcTransport} delivers to its router. Every call happens on the transport's event loop.
 */
public interface RtpReceiver {

    /** A decrypted RTP packet. Borrows {@code packet}: read or modify it, but do not retain it past the call. */
    void onRtp(WebRtcTransport from, ByteBuf packet);

    /** A decrypted RTCP packet, possibly compound. Borrows {@code packet}, as for RTP. */
    void onRtcp(WebRtcTransport from, ByteBuf packet);

    /** ICE and DTLS are done and SRTP keys are in place: the transport can send. */
    void onConnected(WebRtcTransport transport);

    /** The transport closed (consent expired, DTLS failed, fingerprint mismatch, or close() was called). */
    void onClosed(WebRtcTransport transport, String reason);
}
