package se.vardmote.server.http;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import se.vardmote.media.Cidr;

/**
 * Who an HTTP request or WebSocket comes from, for the per-address limits: the TCP peer, unless the peer is
 * one of the operator's trusted reverse proxies ({@code VARDMOTE_TRUSTED_PROXIES}); then the client that the
 * proxies name in {@code X-Forwarded-For}, or where that header is absent in RFC 7239 {@code Forwarded: for=}.
 *
 * <p>A peer that is not a trusted proxy never has its headers read, so no client chooses its own address.
 * The header is walked from the right: each proxy appends the address it received the request from, so the
 * rightmost entry was written by the peer, and every entry written by a trusted proxy is trustworthy; the
 * first untrusted address is the client as the outermost trusted proxy saw it. Everything to its left came
 * from that client and is never read.
 *
 * <p>Where the walk finds no untrusted address — the header is missing, an entry is not an IP address
 * ({@code unknown}, an obfuscated identifier, garbage), the walk passed {@value #MAX_HOPS} hops or
 * {@value #MAX_SCAN_CHARS} characters, or every hop is a trusted proxy — the answer is the last address the
 * walk reached: the peer, or the leftmost address a trusted proxy wrote. That is an address no client chose;
 * its cost is that such requests share the proxy's limit, which is why the unusable ones are counted
 * ({@link #missingCount()}, {@link #malformedCount()}): a steady count means the proxy does not send the header
 * the way it should. (When every hop is trusted the leftmost is the real origin, a host on a trusted network,
 * and not counted.)
 *
 * <p>Which header: {@code X-Forwarded-For} wins when present, because the proxies people run append to it
 * (nginx {@code $proxy_add_x_forwarded_for}, HAProxy {@code option forwardfor}, Traefik, Caddy) and pass a
 * client's {@code Forwarded} through untouched. A proxy that writes only {@code Forwarded} must drop a
 * client's {@code X-Forwarded-For}, or that client can choose its address.
 *
 * <p>Parsing is bounded whatever the header's length: at most {@value #MAX_SCAN_CHARS} characters are read
 * from its right end, an entry over {@value #MAX_ENTRY_CHARS} characters is malformed, and only IP literals
 * are accepted (never a name: no DNS look-up). Immutable configuration, atomic counters; thread-safe.
 */
public final class ClientAddress {
    /** Trusts no proxy: every request is its TCP peer's (the default, and tests). */
    public static final ClientAddress PEER = new ClientAddress(List.of());

    /** Most proxy hops walked from the right before giving up. */
    static final int MAX_HOPS = 16;
    /** Most characters of the header (its lines together) read from the right. */
    static final int MAX_SCAN_CHARS = 2048;
    /** Longest list entry: an X-Forwarded-For address, or a Forwarded element with its other parameters. */
    static final int MAX_ENTRY_CHARS = 256;

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    /** RFC 7239 §6: node-port is a port number or an obfuscated one. */
    private static final Pattern PORT = Pattern.compile("\\d{1,5}|_[A-Za-z0-9._-]{1,32}");
    private static final Pattern V4_WITH_PORT = Pattern.compile("([0-9.]{7,15}):(" + PORT.pattern() + ")");
    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9a-fA-F:.]{2,45})](?::(" + PORT.pattern() + "))?");

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    /** RFC 7239. */
    static final AsciiString FORWARDED = AsciiString.cached("forwarded");

    private final List<Cidr> trustedProxies;
    private final AtomicLong missing = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();

    /** @param trustedProxies the networks of the reverse proxies in front of the server; empty trusts none */
    public ClientAddress(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /**
     * The client's address: {@code peer} itself, or an {@link InetSocketAddress} with port 0 for the client a
     * trusted proxy named. Reads {@code headers} only when {@code peer} is a trusted proxy.
     */
    public SocketAddress of(SocketAddress peer, HttpHeaders headers) {
        if (trustedProxies.isEmpty() || !(peer instanceof InetSocketAddress inet) || inet.getAddress() == null
                || !trusted(inet.getAddress())) {
            return peer;
        }
        boolean xff = headers.contains(X_FORWARDED_FOR);
        List<String> lines = headers.getAll(xff ? X_FORWARDED_FOR : FORWARDED);
        if (lines.isEmpty()) {
            missing.incrementAndGet();
            return peer;
        }
        InetAddress reached = walk(lines, xff);
        return reached == null ? peer : new InetSocketAddress(reached, 0);
    }

    /** Requests from a trusted proxy without either header (or with an empty one): limited as the proxy's own. */
    public long missingCount() {
        return missing.get();
    }

    /** Requests from a trusted proxy whose header named no usable client address: limited as a proxy's. */
    public long malformedCount() {
        return malformed.get();
    }

    /**
     * Walks the list from the right and returns the first untrusted address, or the last (trusted) address
     * reached when it stops without one; null when it reached none (the peer then).
     */
    private InetAddress walk(List<String> lines, boolean xff) {
        // Header lines of one name are one comma list (RFC 9110 §5.3). Joining costs at most the 16 KiB the
        // HTTP decoder lets through; only the rightmost MAX_SCAN_CHARS of it are parsed.
        String joined = lines.size() == 1 ? lines.get(0) : String.join(",", lines);
        boolean cut = joined.length() > MAX_SCAN_CHARS;
        String[] entries = (cut ? joined.substring(joined.length() - MAX_SCAN_CHARS) : joined).split(",", -1);
        InetAddress reached = null;
        int hops = 0;
        for (int i = entries.length - 1; i >= 0; i--) {
            if (i == 0 && cut) return unusable(reached); // cut through, not a whole entry
            String entry = entries[i].trim();
            if (entry.isEmpty()) continue; // RFC 9110 §5.6.1: empty list elements mean nothing
            if (entry.length() > MAX_ENTRY_CHARS || ++hops > MAX_HOPS) return unusable(reached);
            InetAddress hop = xff ? node(entry) : forwardedFor(entry);
            if (hop == null) return unusable(reached);
            if (!trusted(hop)) return hop;
            reached = hop;
        }
        // Every hop was a trusted proxy: the leftmost is the origin itself, on a trusted network. A header of
        // empty entries named nobody, like a missing one.
        if (hops == 0) missing.incrementAndGet();
        return reached;
    }

    private InetAddress unusable(InetAddress reached) {
        malformed.incrementAndGet();
        return reached;
    }

    private boolean trusted(InetAddress address) {
        for (Cidr network : trustedProxies) if (network.contains(address)) return true;
        return false;
    }

    /** The {@code for} parameter of one RFC 7239 forwarded-element, as an address; null if none or not one. */
    private static InetAddress forwardedFor(String element) {
        String value = null;
        for (String pair : element.split(";", -1)) {
            int eq = pair.indexOf('=');
            if (eq < 0) return null;
            if (!pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) continue;
            if (value != null) return null; // RFC 7239 §4: each parameter at most once per element
            value = pair.substring(eq + 1).trim();
        }
        if (value == null) return null;
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        // "unknown" and obfuscated identifiers (RFC 7239 §6) name nobody.
        return value.indexOf('"') >= 0 || value.indexOf('\\') >= 0 ? null : node(value);
    }

    /**
     * An IP literal, optionally with a port ({@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code 2001:db8::1},
     * {@code [2001:db8::1]:4711}); null for anything else. Never a DNS look-up.
     */
    static InetAddress node(String text) {
        Matcher bracketed = BRACKETED.matcher(text);
        if (bracketed.matches()) return ipv6(bracketed.group(1));
        Matcher withPort = V4_WITH_PORT.matcher(text);
        if (withPort.matches()) return ipv4(withPort.group(1));
        if (text.indexOf(':') >= 0) return ipv6(text);
        return ipv4(text);
    }

    private static InetAddress ipv4(String text) {
        Matcher m = IPV4.matcher(text);
        if (!m.matches()) return null;
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int part = Integer.parseInt(m.group(i + 1));
            if (part > 255) return null;
            bytes[i] = (byte) part;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null; // cannot happen: four bytes
        }
    }

    private static InetAddress ipv6(String text) {
        if (!IPV6.matcher(text).matches() || text.indexOf(':') < 0) return null;
        try {
            // In brackets the JDK parses a literal or throws; it never asks DNS. IPv4-mapped addresses
            // (::ffff:192.0.2.1, as dual-stack proxies write them) come back as IPv4.
            return InetAddress.getByName("[" + text + "]");
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
