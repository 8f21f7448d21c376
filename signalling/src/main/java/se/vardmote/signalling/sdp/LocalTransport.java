package se.vardmote.signalling.sdp;

import java.util.List;
import se.vardmote.media.IceCandidate;

/** The server side of one transport, as written into SDP. */
public record LocalTransport(String ufrag, String password, String fingerprint, List<IceCandidate> candidates) {
    public LocalTransport {
        candidates = List.copyOf(candidates);
    }
}
