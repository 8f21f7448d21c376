package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Network impairment inside the private namespace the test JVM runs in (server/src/test/netns/bin/java):
 * random UDP loss, or no UDP at all, with nftables (the kernel here has no netem, see ../shared/guide/testing.md). Only that
 * namespace's loopback is touched; {@link #close()} removes what was added. Outside such a namespace the
 * tests abort, and under CI=true they fail.
 */
final class Impairment implements AutoCloseable {
    private static final String TABLE = "vardmote_impairment";

    private Impairment() {
    }

    /** Fails (CI) or aborts the test unless this JVM has a network namespace of its own. */
    static void requirePrivateNamespace() {
        if ("1".equals(System.getenv("VARDMOTE_PRIVATE_NETNS"))) {
            return;
        }
        String message = "impaired-network tests need a private network namespace (run as root, with unshare and nft; "
                + "surefire's 'impaired' execution starts the JVM through server/src/test/netns/bin/java)";
        if ("true".equals(System.getenv("CI"))) fail(message);
        Assumptions.abort(message);
    }

    /** Drops {@code percent} % of UDP datagrams sent in this namespace (each hop over loopback). */
    static Impairment udpLoss(int percent) throws IOException, InterruptedException {
        requirePrivateNamespace();
        Impairment impairment = new Impairment();
        impairment.clear();
        nft("add", "table", "inet", TABLE);
        nft("add", "chain", "inet", TABLE, "out", "{ type filter hook output priority 0; }");
        nft("add", "rule", "inet", TABLE, "out", "meta", "l4proto", "udp", "numgen", "random", "mod", "100", "<",
                Integer.toString(percent), "counter", "drop");
        return impairment;
    }

    /** Drops every UDP datagram sent in this namespace, as a network that lets only TCP through does. */
    static Impairment blockUdp() throws IOException, InterruptedException {
        requirePrivateNamespace();
        Impairment impairment = new Impairment();
        impairment.clear();
        nft("add", "table", "inet", TABLE);
        nft("add", "chain", "inet", TABLE, "out", "{ type filter hook output priority 0; }");
        nft("add", "rule", "inet", TABLE, "out", "meta", "l4proto", "udp", "counter", "drop");
        return impairment;
    }

    /** Drops every UDP datagram and every TCP segment to {@code tcpPorts}: all media, signalling untouched. */
    static Impairment blockMedia(List<Integer> tcpPorts) throws IOException, InterruptedException {
        Impairment impairment = blockUdp();
        for (int port : tcpPorts) {
            nft("add", "rule", "inet", TABLE, "out", "tcp", "dport", Integer.toString(port), "counter", "drop");
        }
        return impairment;
    }

    /**
     * Drops every datagram to the server's media UDP ports and every segment to its ICE-TCP ports, and nothing
     * else: the signalling port (HTTP, WebSocket) stays open, as on a network that blocks video calls.
     */
    static Impairment blockMediaPorts(List<Integer> udpPorts, List<Integer> tcpPorts) throws IOException, InterruptedException {
        requirePrivateNamespace();
        Impairment impairment = new Impairment();
        impairment.clear();
        nft("add", "table", "inet", TABLE);
        nft("add", "chain", "inet", TABLE, "out", "{ type filter hook output priority 0; }");
        for (int port : udpPorts) nft("add", "rule", "inet", TABLE, "out", "udp", "dport", Integer.toString(port), "counter", "drop");
        for (int port : tcpPorts) nft("add", "rule", "inet", TABLE, "out", "tcp", "dport", Integer.toString(port), "counter", "drop");
        return impairment;
    }

    /** Whether this namespace has the impairment table now (false once {@link #close()} removed it). */
    static boolean present() throws IOException, InterruptedException {
        return nft("list", "tables").contains(TABLE);
    }

    /**
     * A network that lets out nothing but TCP to a TURN server: every UDP datagram is dropped except those
     * to and from the TURN server's relay address ({@code relayAddress}, the relay's own path to the media
     * server), and TCP to the media server's ICE-TCP ports too.
     */
    static Impairment onlyTurnOverTcp(String relayAddress, List<Integer> mediaTcpPorts) throws IOException, InterruptedException {
        requirePrivateNamespace();
        Impairment impairment = new Impairment();
        impairment.clear();
        nft("add", "table", "inet", TABLE);
        nft("add", "chain", "inet", TABLE, "out", "{ type filter hook output priority 0; }");
        nft("add", "rule", "inet", TABLE, "out", "meta", "nfproto", "ipv4", "meta", "l4proto", "udp",
                "ip", "saddr", "!=", relayAddress, "ip", "daddr", "!=", relayAddress, "counter", "drop");
        nft("add", "rule", "inet", TABLE, "out", "meta", "nfproto", "ipv6", "meta", "l4proto", "udp", "counter", "drop");
        for (int port : mediaTcpPorts) {
            nft("add", "rule", "inet", TABLE, "out", "tcp", "dport", Integer.toString(port), "counter", "drop");
        }
        return impairment;
    }

    /** The datagrams dropped so far (the rule's counter). */
    long dropped() throws IOException, InterruptedException {
        String listing = nft("list", "table", "inet", TABLE);
        int at = listing.indexOf("packets ");
        if (at < 0) return 0;
        int end = listing.indexOf(' ', at + 8);
        return Long.parseLong(listing.substring(at + 8, end));
    }

    private void clear() throws IOException, InterruptedException {
        try {
            nft("delete", "table", "inet", TABLE);
        } catch (IOException notThere) {
            // nothing to remove
        }
    }

    @Override
    public void close() {
        try {
            clear();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not remove the impairment", e);
        }
    }

    private static String nft(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("nft");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("nft " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
