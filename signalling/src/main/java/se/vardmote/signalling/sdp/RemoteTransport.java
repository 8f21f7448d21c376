package se.vardmote.signalling.sdp;

/** The client side of one transport, as its SDP states it (BUNDLE: one set for all sections). */
public record RemoteTransport(String ufrag, String password, String fingerprintHash, String fingerprint) {
}
