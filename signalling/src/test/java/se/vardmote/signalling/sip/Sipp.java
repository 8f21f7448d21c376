package se.vardmote.signalling.sip;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Debian's {@code sipp} (package sip-tester) as the telephony gateway: one call of a scenario from
 * {@code src/test/resources/sip/}, against 127.0.0.1 only. When {@code CI=true} a missing sipp fails the
 * test; elsewhere it skips. Not thread-safe; one per test.
 */
final class Sipp {

    private static final Path BINARY = Path.of("/usr/bin/sipp");

    /** What a run left behind: sipp's exit status (0: the call succeeded) and its error log. */
    record Result(int exitCode, String errors) {
    }

    static void requireInstalled() {
        if (Files.isExecutable(BINARY)) return;
        String message = "sipp is not installed (apt-get install -y sip-tester)";
        if ("true".equals(System.getenv("CI"))) fail(message);
        Assumptions.assumeTrue(false, message);
    }

    private final Path workDir;
    private Process process;

    Sipp(Path workDir) {
        this.workDir = workDir;
    }

    /** Starts one call of {@code scenario} to {@code 127.0.0.1:port} with Request-URI user {@code service}. */
    void start(String scenario, int serverPort, String service, String transport, Map<String, String> keys) throws IOException {
        start(scenario, serverPort, service, transport, keys, List.of());
    }

    /** As above, with further sipp options (e.g. {@code -au user -ap password} for its MD5 digest). */
    void start(String scenario, int serverPort, String service, String transport, Map<String, String> keys,
               List<String> options) throws IOException {
        Path xml = workDir.resolve(scenario);
        try (var in = Sipp.class.getResourceAsStream("/sip/" + scenario)) {
            if (in == null) throw new IOException("no scenario " + scenario);
            Files.copy(in, xml);
        }
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-sf", xml.toString(), "-m", "1", "-l", "1",
                "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", Integer.toString(freePort()), "-s", service,
                "-t", transport, "-timeout", "20s", "-timeout_error", "-nostdin", "-trace_err",
                "-error_file", workDir.resolve("errors.log").toString(), "127.0.0.1:" + serverPort));
        cmd.addAll(options);
        keys.forEach((k, v) -> {
            cmd.add("-key");
            cmd.add(k);
            cmd.add(v);
        });
        process = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(workDir.resolve("sipp.out").toFile()).start();
    }

    /** Waits for sipp to end (at most 30 s) and returns its exit status and error log. */
    Result await() throws IOException, InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("sipp did not finish");
        }
        Path errors = workDir.resolve("errors.log");
        String text = Files.exists(errors) ? Files.readString(errors) : "";
        Path out = workDir.resolve("sipp.out");
        if (process.exitValue() != 0 && Files.exists(out)) text += "\n" + Files.readString(out);
        return new Result(process.exitValue(), text);
    }

    void kill() {
        if (process != null && process.isAlive()) process.destroyForcibly();
    }

    /** A port free for both UDP and TCP on 127.0.0.1 (sipp -t t1 binds TCP too). */
    static int freePort() throws IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        for (int i = 0; i < 20; i++) {
            int p;
            try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                p = s.getLocalPort();
            }
            try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(lo, p))) {
                return p;
            } catch (IOException taken) {
                // next
            }
        }
        throw new IOException("no free port");
    }
}
