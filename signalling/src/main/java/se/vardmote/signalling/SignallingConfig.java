package se.vardmote.signalling;

import java.util.List;
import se.vardmote.signalling.echo.EchoLimits;

/**
 * Settings of the signalling layer.
 *
 * @param maxGroupParticipants the most participants a group room admits (default 8)
 * @param iceServers           STUN/TURN servers handed to clients in {@code joined} as they are (may be
 *                             empty: ICE-lite on a reachable address needs none)
 * @param turn                 TURN servers whose credentials are made per join from a shared secret
 * @param echo                 the limits on echo tests (the pre-call check's loop-back through the server)
 */
public record SignallingConfig(int maxGroupParticipants, List<IceServer> iceServers, TurnServers turn, EchoLimits echo) {

    public SignallingConfig {
        iceServers = List.copyOf(iceServers);
        if (turn == null) turn = TurnServers.NONE;
        if (echo == null) echo = EchoLimits.DEFAULTS;
        if (maxGroupParticipants < 2) throw new IllegalArgumentException("maxGroupParticipants must be at least 2");
    }

    public SignallingConfig(int maxGroupParticipants, List<IceServer> iceServers, TurnServers turn) {
        this(maxGroupParticipants, iceServers, turn, EchoLimits.DEFAULTS);
    }

    public SignallingConfig(int maxGroupParticipants, List<IceServer> iceServers) {
        this(maxGroupParticipants, iceServers, TurnServers.NONE);
    }

    public static SignallingConfig defaults() {
        return new SignallingConfig(8, List.of());
    }

    /** One entry of RTCPeerConnection's iceServers. {@link #toString()} never shows the credential. */
    public record IceServer(List<String> urls, String username, String credential) {
        public IceServer {
            urls = List.copyOf(urls);
        }

        @Override
        public String toString() {
            return "IceServer[urls=" + urls + ", credential=" + (credential == null ? "(none)" : "(set)") + "]";
        }
    }
}
