package se.vardmote.server.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import se.vardmote.signalling.TurnServers;

/**
 * A real coturn (Debian {@code coturn}'s {@code turnserver}) on 127.0.0.1 with the shared-secret
 * credentials our server hands out, relaying to loopback peers only. When CI=true a missing coturn fails
 * the test instead of skipping it.
 */
final class Coturn implements AutoCloseable {
    static final String BINARY = "/usr/bin/turnserver";
    private static final String SECRET = "vardmote-test-turn-secret-" + Long.toHexString(System.nanoTime());

    /**
     * The address coturn relays from: a loopback address of its own, so that a network rule can tell the
     * relay's datagrams from a browser's (whose ephemeral ports may fall anywhere).
     */
    static final String RELAY_ADDRESS = "127.0.0.2";

    private final Process process;
    final int port;

    private Coturn(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Coturn start(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            String message = BINARY + " not found: install coturn (apt-get install coturn)";
            if ("true".equals(System.getenv("CI"))) fail(message);
            Assumptions.abort(message);
        }
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path log = dir.resolve("coturn.log");
        Process p = new ProcessBuilder(BINARY, "-n", "--no-cli", "--no-tls", "--no-dtls",
                "--listening-ip=127.0.0.1", "--relay-ip=" + RELAY_ADDRESS, "--listening-port=" + port,
                "--min-port=40000", "--max-port=40999",
                "--use-auth-secret", "--static-auth-secret=" + SECRET, "--realm=vardmote.test",
                "--allow-loopback-peers", "--no-multicast-peers", "--simple-log", "--log-file=" + log,
                "--pidfile=" + dir.resolve("coturn.pid"), "--userdb=" + dir.resolve("coturn.db"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("coturn.out").toFile()).start();
        Coturn coturn = new Coturn(p, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!listening(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                coturn.close();
                throw new IllegalStateException("coturn did not start: " + Files.readString(dir.resolve("coturn.out")));
            }
            Thread.sleep(100);
        }
        return coturn;
    }

    /** What the server is configured with: this coturn over UDP and TCP, and the secret it shares. */
    TurnServers servers() {
        return new TurnServers(List.of("turn:127.0.0.1:" + port + "?transport=udp",
                "turn:127.0.0.1:" + port + "?transport=tcp"), SECRET);
    }

    /** coturn listens on TCP as well as UDP: a TCP connect tells us it is up. */
    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
