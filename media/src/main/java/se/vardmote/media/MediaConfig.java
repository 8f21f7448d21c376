package se.vardmote.media;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the media plane. Immutable.
 *
 * @param bindAddress         where the UDP media sockets listen
 * @param firstPort           the first UDP port; worker i listens on firstPort + i
 * @param workers             media event loops, one UDP socket each (a room lives on exactly one)
 * @param advertisedAddresses the IPs put into ICE host candidates (never anything not routable for peers)
 * @param allowedNetworks     sources accepted for STUN and media; empty list means any
 * @param consentTimeout      RFC 7675: a transport that hears no valid STUN for this long is closed
 * @param dtlsHandshakeTimeout how long a DTLS handshake may take before the transport fails
 * @param udpGso              coalesce runs of datagrams to one peer into UDP GSO sends where the kernel
 *                            supports it (off: one datagram per send; for A/B measurements and odd devices)
 */
public record MediaConfig(
        InetAddress bindAddress,
        int firstPort,
        int workers,
        List<InetAddress> advertisedAddresses,
        List<Cidr> allowedNetworks,
        Duration consentTimeout,
        Duration dtlsHandshakeTimeout,
        boolean udpGso) {

    public MediaConfig {
        advertisedAddresses = List.copyOf(advertisedAddresses);
        allowedNetworks = List.copyOf(allowedNetworks);
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1");
        if (firstPort < 0 || firstPort + workers - 1 > 65535) throw new IllegalArgumentException("bad media port range");
    }

    /** The settings with UDP GSO on (where the kernel supports it). */
    public MediaConfig(InetAddress bindAddress, int firstPort, int workers, List<InetAddress> advertisedAddresses,
                       List<Cidr> allowedNetworks, Duration consentTimeout, Duration dtlsHandshakeTimeout) {
        this(bindAddress, firstPort, workers, advertisedAddresses, allowedNetworks, consentTimeout,
                dtlsHandshakeTimeout, true);
    }

    /** Loopback-only settings for tests: binds 127.0.0.1 on an ephemeral port, accepts only loopback. */
    public static MediaConfig loopbackForTests() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return new MediaConfig(lo, 0, 1, List.of(lo),
                List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")),
                Duration.ofSeconds(30), Duration.ofSeconds(10));
    }
}
