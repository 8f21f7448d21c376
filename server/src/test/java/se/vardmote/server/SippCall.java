package se.vardmote.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * One call of a sipp scenario from {@code src/test/resources/sip/}, as the telephony gateway, on
 * 127.0.0.1 only. When {@code CI=true} a missing sipp fails the test; elsewhere it skips.
 */
public final class SippCall {
    private static final Path SIPP = Path.of("/usr/bin/sipp");

    private final Path dir;
    private final Process process;

    private SippCall(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    public static void requireSipp() {
        if (Files.isExecutable(SIPP)) return;
        String message = "sipp is not installed (apt-get install -y sip-tester)";
        if ("true".equals(System.getenv("CI"))) fail(message);
        Assumptions.abort(message);
    }

    /**
     * Starts the call: Request-URI user {@code service} at {@code 127.0.0.1:sipPort}. {@code rtpPort} fills
     * the scenario's {@code [rtp_port]} (where the gateway's RTP goes), or -1 for sipp's own media port.
     */
    public static SippCall start(Path dir, String scenario, String service, int sipPort, int rtpPort) throws IOException {
        Path xml = dir.resolve(scenario);
        try (var in = SippCall.class.getResourceAsStream("/sip/" + scenario)) {
            if (in == null) throw new IOException("no scenario " + scenario);
            Files.copy(in, xml);
        }
        int localPort;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            localPort = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(SIPP.toString(), "-sf", xml.toString(), "-m", "1", "-l", "1",
                "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", Integer.toString(localPort), "-s", service, "-t", "u1",
                "-timeout", "60s", "-timeout_error", "-nostdin", "-trace_err",
                "-error_file", dir.resolve("sipp-errors.log").toString(), "127.0.0.1:" + sipPort));
        if (rtpPort > 0) cmd.addAll(List.of("-key", "rtp_port", Integer.toString(rtpPort)));
        Process process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.out").toFile()).start();
        return new SippCall(dir, process);
    }

    /** Waits (at most 40 s) for sipp to end and returns its exit status: 0 when the scenario went as written. */
    public int await() throws InterruptedException {
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("sipp did not finish: " + output());
        }
        return process.exitValue();
    }

    /** What sipp printed and logged as errors, for failure messages. */
    public String output() {
        return read("sipp.out") + read("sipp-errors.log");
    }

    private String read(String name) {
        try {
            Path f = dir.resolve(name);
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "(unreadable " + name + ")";
        }
    }
}
