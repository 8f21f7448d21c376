package se.vardmote.server.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One participant behind a narrow link, inside the test's private namespace: a network namespace of its own
 * joined to the test's by a veth pair ({@value #SERVER_ADDRESS} on the test's side, {@value #PEER_ADDRESS}
 * on the participant's), with a token-bucket cap on what flows towards the participant — a patient on a
 * weak 4G cell while the clinician has a good line. {@link #chromiumWrapper} starts Chromium in there.
 * {@link #close()} deletes the namespace and the veth pair, cap and all.
 */
final class NarrowDownlink implements AutoCloseable {
    static final String NAMESPACE = "vardmote-narrow";
    static final String SERVER_ADDRESS = "10.99.0.1";
    static final String PEER_ADDRESS = "10.99.0.2";
    private static final String OUTSIDE = "vmnarrow0";
    private static final String INSIDE = "vmnarrow1";

    private NarrowDownlink() {
    }

    /** Builds the namespace and caps the participant's downlink at {@code kbits} kbit/s. */
    static NarrowDownlink capped(int kbits) throws IOException, InterruptedException {
        Impairment.requirePrivateNamespace();
        NarrowDownlink link = new NarrowDownlink();
        link.close(); // left over from an aborted run
        run("ip", "netns", "add", NAMESPACE);
        run("ip", "link", "add", OUTSIDE, "type", "veth", "peer", "name", INSIDE);
        run("ip", "link", "set", INSIDE, "netns", NAMESPACE);
        run("ip", "addr", "add", SERVER_ADDRESS + "/24", "dev", OUTSIDE);
        run("ip", "link", "set", OUTSIDE, "up");
        run("ip", "netns", "exec", NAMESPACE, "ip", "addr", "add", PEER_ADDRESS + "/24", "dev", INSIDE);
        run("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", INSIDE, "up");
        run("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", "lo", "up");
        link.cap("add", kbits);
        return link;
    }

    /** Narrows (or widens) the participant's downlink to {@code kbits} kbit/s, as a cell does when it fills up. */
    void cap(int kbits) throws IOException, InterruptedException {
        cap("change", kbits);
    }

    /** What leaves the test's side towards the participant: its whole downlink. */
    private void cap(String how, int kbits) throws IOException, InterruptedException {
        run("tc", "qdisc", how, "dev", OUTSIDE, "root", "tbf", "rate", kbits + "kbit", "burst", "16kbit", "latency", "150ms");
    }

    /** A script that runs Chromium, with the arguments it is given, inside the participant's namespace. */
    static Path chromiumWrapper(Path dir) throws IOException {
        Path script = dir.resolve("chromium-in-" + NAMESPACE);
        Files.writeString(script, "#!/bin/sh\nexec ip netns exec " + NAMESPACE + " " + Chromium.executable() + " \"$@\"\n",
                StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    @Override
    public void close() {
        try {
            runQuietly("ip", "link", "del", OUTSIDE); // takes its peer and the cap with it
            runQuietly("ip", "netns", "del", NAMESPACE);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not remove the narrow link", e);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        String out = exec(command);
        if (out != null) throw new IOException(String.join(" ", command) + " failed: " + out);
    }

    private static void runQuietly(String... command) throws IOException, InterruptedException {
        exec(command);
    }

    /** Null when the command succeeded, else its output. */
    private static String exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : out;
    }
}
