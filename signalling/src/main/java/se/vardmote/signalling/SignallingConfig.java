package se.vardmote.signalling;

import java.util.List;

/**
 * Settings of the signalling layer.
 *
 * @param maxGroupParticipants the most participants a group room admits (default 8)
 * @param iceServers           STUN/TURN servers handed to clients in {@code joined} (may be empty: ICE-lite
 *                             on a reachable address needs none)
 */
public record SignallingConfig(int maxGroupParticipants, List<IceServer> iceServers) {

    public SignallingConfig {
        iceServers = List.copyOf(iceServers);
        if (maxGroupParticipants < 2) throw new IllegalArgumentException("maxGroupParticipants must be at least 2");
    }

    public static SignallingConfig defaults() {
        return new SignallingConfig(8, List.of());
    }

    /** One entry of RTCPeerConnection's iceServers. */
    public record IceServer(List<String> urls, String username, String credential) {
        public IceServer {
            urls = List.copyOf(urls);
        }
    }
}
