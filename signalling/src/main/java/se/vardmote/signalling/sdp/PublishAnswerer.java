package se.vardmote.signalling.sdp;

/**
 * Answers a client's publish offer (client sends, server receives): BUNDLE and rtcp-mux required,
 * DTLS-SRTP only, one codec per section (Opus for audio; VP8 preferred for video, else H.264
 * packetization-mode 1), a=setup:passive, a=ice-lite, the server's candidates; sections the server
 * cannot take (m=application, unknown media, no usable codec) are rejected with port 0.
 */
public final class PublishAnswerer {
    private PublishAnswerer() {
    }

    public static PublishAnswer answer(String offerSdp, LocalTransport local) throws SdpException {
        throw new UnsupportedOperationException("TODO");
    }
}
