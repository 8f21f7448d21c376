package se.vardmote.media;

/**
 * A host candidate the server advertises (ICE-lite has only host candidates).
 * {@link #toSdpAttribute()} gives the value after {@code a=candidate:}.
 */
public record IceCandidate(String foundation, int component, String transport, long priority, String address, int port) {

    public String toSdpAttribute() {
        return foundation + " " + component + " " + transport + " " + priority + " " + address + " " + port + " typ host";
    }
}
