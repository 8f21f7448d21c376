package se.vardmote.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import se.vardmote.media.Cidr;

class ClientAddressTest {
    private static final InetSocketAddress PROXY = new InetSocketAddress("10.0.0.5", 40123);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("203.0.113.9", 50000);

    private final ClientAddress clients = new ClientAddress(List.of(Cidr.parse("10.0.0.0/24"), Cidr.parse("2001:db8:1::/64")));

    private static HttpHeaders headers(String... nameValue) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < nameValue.length; i += 2) h.add(nameValue[i], nameValue[i + 1]);
        return h;
    }

    private static String ip(SocketAddress a) {
        return ((InetSocketAddress) a).getAddress().getHostAddress();
    }

    @Test
    void aTrustedProxysForwardedForNamesTheClient() {
        assertEquals("198.51.100.7", ip(clients.of(PROXY, headers("X-Forwarded-For", "198.51.100.7"))));
        assertEquals(0, clients.missingCount() + clients.malformedCount());
    }

    @Test
    void anUntrustedPeerCannotChooseItsAddressByHeader() {
        HttpHeaders forged = headers("X-Forwarded-For", "198.51.100.7", "Forwarded", "for=203.0.113.1");
        assertSame(STRANGER, clients.of(STRANGER, forged));
        assertSame(PROXY, ClientAddress.PEER.of(PROXY, forged), "by default no proxy is trusted");
        assertEquals(0, clients.missingCount() + clients.malformedCount(), "an untrusted peer's headers are not read");
    }

    @Test
    void takesTheFirstUntrustedAddressFromTheRightNeverWhatTheClientWrote() {
        // The client wrote 1.2.3.4; the outer proxy (10.0.0.9) appended the client's real address, and the
        // inner proxy (the peer) appended the outer one's.
        assertEquals("198.51.100.7", ip(clients.of(PROXY,
                headers("X-Forwarded-For", "1.2.3.4, 198.51.100.7, 10.0.0.9"))));
        // Header lines of one name are one list, in order.
        assertEquals("198.51.100.7", ip(clients.of(PROXY,
                headers("X-Forwarded-For", "1.2.3.4", "X-Forwarded-For", "198.51.100.7"))));
        // What the client put left of its real address is never parsed, garbage or not.
        assertEquals("198.51.100.7", ip(clients.of(PROXY, headers("X-Forwarded-For", "nonsense,,198.51.100.7"))));
        assertEquals(0, clients.malformedCount());
    }

    @Test
    void whenEveryHopIsATrustedProxyTheLeftmostIsTheClient() {
        assertEquals("10.0.0.7", ip(clients.of(PROXY, headers("X-Forwarded-For", "10.0.0.7, 10.0.0.8"))));
        assertEquals(0, clients.missingCount() + clients.malformedCount(), "an internal client is no fault");
    }

    @Test
    void readsAddressesWithPortsIpv6AndIpv4Mapped() {
        assertEquals("203.0.113.1", ip(clients.of(PROXY, headers("X-Forwarded-For", "203.0.113.1:4711"))));
        assertEquals("2001:db8:0:0:0:0:0:2", ip(clients.of(PROXY, headers("X-Forwarded-For", "2001:db8::2"))));
        assertEquals("2001:db8:0:0:0:0:0:3", ip(clients.of(PROXY, headers("X-Forwarded-For", "[2001:db8::3]:4711"))));
        assertEquals("203.0.113.4", ip(clients.of(PROXY, headers("X-Forwarded-For", "::ffff:203.0.113.4"))));
        // A trusted IPv6 proxy.
        InetSocketAddress v6Proxy = new InetSocketAddress("2001:db8:1::10", 443);
        assertEquals("198.51.100.7", ip(clients.of(v6Proxy, headers("X-Forwarded-For", "198.51.100.7, 2001:db8:1::11"))));
    }

    @Test
    void readsRfc7239ForwardedWhenNoForwardedForIsSent() {
        assertEquals("2001:db8:cafe:0:0:0:0:17", ip(clients.of(PROXY, headers("Forwarded",
                "for=203.0.113.60;proto=http;by=203.0.113.43, For=\"[2001:db8:cafe::17]:4711\""))));
        assertEquals("198.51.100.7", ip(clients.of(PROXY, headers("Forwarded",
                "for=203.0.113.60, for=198.51.100.7;proto=https, for=10.0.0.9"))));
        // Proxies append to X-Forwarded-For and pass a client's Forwarded through: X-Forwarded-For wins.
        assertEquals("198.51.100.7", ip(clients.of(PROXY,
                headers("Forwarded", "for=203.0.113.1", "X-Forwarded-For", "198.51.100.7"))));
    }

    @Test
    void aMalformedEntryStopsTheWalkAtTheLastTrustedHopAndIsCounted() {
        assertSame(PROXY, clients.of(PROXY, headers("X-Forwarded-For", "198.51.100.7, garbage")));
        assertEquals("10.0.0.9", ip(clients.of(PROXY, headers("X-Forwarded-For", "198.51.100.7, unknown, 10.0.0.9"))));
        assertSame(PROXY, clients.of(PROXY, headers("X-Forwarded-For", "vard.example.se")), "a name, never looked up");
        assertSame(PROXY, clients.of(PROXY, headers("X-Forwarded-For", "203.0.113.256")));
        assertSame(PROXY, clients.of(PROXY, headers("X-Forwarded-For", "127.1")), "only dotted quads");
        assertSame(PROXY, clients.of(PROXY, headers("X-Forwarded-For", "fe80::1%eth0")));
        assertSame(PROXY, clients.of(PROXY, headers("X-Forwarded-For", "dead:beef")), "not an IPv6 literal");
        assertSame(PROXY, clients.of(PROXY, headers("Forwarded", "for=unknown")));
        assertSame(PROXY, clients.of(PROXY, headers("Forwarded", "for=_hidden")));
        assertSame(PROXY, clients.of(PROXY, headers("Forwarded", "proto=https")), "no for=");
        assertSame(PROXY, clients.of(PROXY, headers("Forwarded", "for=203.0.113.1;for=203.0.113.2")));
        assertEquals(11, clients.malformedCount());
    }

    @Test
    void aMissingHeaderFromATrustedProxyMeansTheProxyAndIsCounted() {
        assertSame(PROXY, clients.of(PROXY, headers()));
        assertSame(PROXY, clients.of(PROXY, headers("X-Forwarded-For", ",,")));
        assertEquals(2, clients.missingCount());
    }

    @Test
    void boundsTheWalkWhateverTheHeadersLength() {
        // Only the right end is parsed: a client's padding before its real address costs nothing.
        assertEquals("198.51.100.7", ip(clients.of(PROXY,
                headers("X-Forwarded-For", "1.1.1.1,".repeat(1500) + "198.51.100.7"))));
        // An entry longer than any address, or a header cut through without a comma, names nobody.
        assertSame(PROXY, clients.of(PROXY, headers("X-Forwarded-For", "1".repeat(ClientAddress.MAX_ENTRY_CHARS + 1))));
        assertSame(PROXY, clients.of(PROXY, headers("X-Forwarded-For", "x".repeat(10_000))));
        // More trusted hops than the walk takes: it stops at the last one it reached.
        String hops = "198.51.100.7" + ", 10.0.0.9".repeat(ClientAddress.MAX_HOPS);
        assertEquals("10.0.0.9", ip(clients.of(PROXY, headers("X-Forwarded-For", hops))));
        assertEquals(3, clients.malformedCount());
    }

    @Test
    void parsesOnlyIpLiterals() {
        assertEquals(InetAddress.getLoopbackAddress(), ClientAddress.node("127.0.0.1"));
        assertNull(ClientAddress.node("localhost"));
        assertNull(ClientAddress.node("[localhost]"));
        assertNull(ClientAddress.node("1.2.3.4:"));
        assertNull(ClientAddress.node("[::1]:99999x"));
        assertNull(ClientAddress.node("cafe"));
    }
}
