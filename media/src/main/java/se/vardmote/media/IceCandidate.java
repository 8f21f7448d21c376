package se.vardmote.media;

/**
 * A host candidate the server advertises (ICE-lite has only host candidates): UDP, or TCP, which is always
 * passive (RFC 6544 §4.5: the server only accepts connections).
 * {@link #toSdpAttribute()} gives the value after {@code a=candidate:}.
 */
public record IceCandidate(String foundation, int component, String transport, long priority, String address, int port) {

    public String toSdpAttribute() {
        String line = foundation + " " + component + " " + transport + " " + priority + " " + address + " " + port + " typ host";
        return "tcp".equalsIgnoreCase(transport) ? line + " tcptype passive" : line;
    }
}
