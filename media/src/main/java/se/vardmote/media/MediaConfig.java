package se.vardmote.media;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import se.vardmote.media.dtls.DtlsHandshakeLimits;

/**
 * Settings of the media plane. Immutable.
 *
 * @param bindAddress         where the UDP media sockets listen
 * @param firstPort           the first UDP port; worker i listens on firstPort + i
 * @param workers             media event loops, one UDP socket each (a room lives on exactly one)
 * @param advertisedAddresses the IPs put into ICE host candidates (never anything not routable for peers)
 * @param allowedNetworks     sources accepted for STUN and media; empty list means any
 * @param consentTimeout      RFC 7675: a transport that hears no valid STUN for this long is closed
 * @param dtlsHandshakeTimeout the DTLS handshake's deadline, from its first record (waiting for a handshake
 *                            thread included): past it the handshake is abandoned, its thread freed, and the
 *                            transport fails {@code dtls_timeout}
 * @param udpGso              coalesce runs of datagrams to one peer into UDP GSO sends where the kernel
 *                            supports it (off: one datagram per send; for A/B measurements and odd devices)
 * @param tcpFirstPort        ICE-TCP (RFC 6544): worker i also listens on TCP port tcpFirstPort + i and
 *                            offers it as a passive candidate below its UDP ones; 0 picks ephemeral ports,
 *                            {@link #TCP_OFF} offers no TCP candidates
 * @param dtlsHandshakes      threads for DTLS handshakes and how many may be in progress, in all and from
 *                            one address
 */
public record MediaConfig(
        InetAddress bindAddress,
        int firstPort,
        int workers,
        List<InetAddress> advertisedAddresses,
        List<Cidr> allowedNetworks,
        Duration consentTimeout,
        Duration dtlsHandshakeTimeout,
        boolean udpGso,
        int tcpFirstPort,
        DtlsHandshakeLimits dtlsHandshakes) {

    /** {@link #tcpFirstPort()} for no ICE-TCP. */
    public static final int TCP_OFF = -1;

    public MediaConfig {
        advertisedAddresses = List.copyOf(advertisedAddresses);
        allowedNetworks = List.copyOf(allowedNetworks);
        if (dtlsHandshakes == null) throw new IllegalArgumentException("DTLS handshake limits missing");
        if (dtlsHandshakeTimeout.isNegative() || dtlsHandshakeTimeout.isZero()) {
            throw new IllegalArgumentException("DTLS handshake timeout must be positive");
        }
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1");
        if (firstPort < 0 || firstPort + workers - 1 > 65535) throw new IllegalArgumentException("bad media port range");
        if (tcpFirstPort < TCP_OFF || tcpFirstPort + workers - 1 > 65535) {
            throw new IllegalArgumentException("bad media TCP port range");
        }
    }

    /** Whether ICE-TCP candidates are offered. */
    public boolean tcpEnabled() {
        return tcpFirstPort != TCP_OFF;
    }

    /** The settings with the default DTLS handshake limits ({@link DtlsHandshakeLimits#defaults()}). */
    public MediaConfig(InetAddress bindAddress, int firstPort, int workers, List<InetAddress> advertisedAddresses,
                       List<Cidr> allowedNetworks, Duration consentTimeout, Duration dtlsHandshakeTimeout,
                       boolean udpGso, int tcpFirstPort) {
        this(bindAddress, firstPort, workers, advertisedAddresses, allowedNetworks, consentTimeout,
                dtlsHandshakeTimeout, udpGso, tcpFirstPort, DtlsHandshakeLimits.defaults());
    }

    /** The same settings with other DTLS handshake limits. */
    public MediaConfig withDtlsHandshakes(DtlsHandshakeLimits limits, Duration deadline) {
        return new MediaConfig(bindAddress, firstPort, workers, advertisedAddresses, allowedNetworks, consentTimeout,
                deadline, udpGso, tcpFirstPort, limits);
    }

    /** The settings with UDP GSO on (where the kernel supports it) and no ICE-TCP. */
    public MediaConfig(InetAddress bindAddress, int firstPort, int workers, List<InetAddress> advertisedAddresses,
                       List<Cidr> allowedNetworks, Duration consentTimeout, Duration dtlsHandshakeTimeout) {
        this(bindAddress, firstPort, workers, advertisedAddresses, allowedNetworks, consentTimeout,
                dtlsHandshakeTimeout, true, TCP_OFF);
    }

    /**
     * Loopback-only settings for tests: binds 127.0.0.1 on ephemeral UDP and TCP ports, accepts only
     * loopback.
     */
    public static MediaConfig loopbackForTests() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return new MediaConfig(lo, 0, 1, List.of(lo),
                List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")),
                Duration.ofSeconds(30), Duration.ofSeconds(10), true, 0);
    }
}
