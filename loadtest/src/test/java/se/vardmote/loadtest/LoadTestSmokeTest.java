package se.vardmote.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import se.vardmote.server.ServerConfig;
import se.vardmote.server.VardmoteServer;

/**
 * CI smoke of the load tester: a real server in this JVM (loopback, ephemeral ports), two visits of two
 * participants each over the real protocols for a few seconds. On loopback nothing may be lost.
 */
class LoadTestSmokeTest {

    @Test
    @Timeout(60)
    void twoRoomsOfTwoRunOverLoopbackWithoutLoss(@TempDir Path dataDir) throws Exception {
        try (VardmoteServer server = VardmoteServer.start(ServerConfig.forTests(dataDir))) {
            LoadSettings settings = new LoadSettings(URI.create("http://127.0.0.1:" + server.httpPort()),
                    server.apiKey(), 2, 2, false, 300, 1, 4, 50, false);
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            RunReport report = new LoadRun(settings, new PrintStream(console, true, StandardCharsets.UTF_8)).run();
            ReportTable.print(report, new PrintStream(console, true, StandardCharsets.UTF_8));
            String printed = console.toString(StandardCharsets.UTF_8);
            System.out.println(printed);

            assertEquals(4, report.participantsReady(), printed);
            assertTrue(report.failures().isEmpty(), "failures: " + report.failures());
            for (String kind : new String[] {"audio", "video"}) {
                KindReport k = report.kinds().get(kind);
                assertTrue(k.received() > 0, kind + " received nothing\n" + printed);
                assertEquals(k.expected(), k.received(), kind + " lost packets on loopback\n" + printed);
                assertEquals(0, k.duplicates(), printed);
            }
            assertTrue(printed.contains("egress at the server"), printed);
            assertTrue(report.serverMediaEvents().size() > 0, "no /metrics deltas\n" + printed);
        }
    }

    @Test
    @Timeout(120)
    void churnFromTheCommandLineEndsWithTheServerAtItsBaseline(@TempDir Path dataDir) throws Exception {
        try (VardmoteServer server = VardmoteServer.start(ServerConfig.forTests(dataDir))) {
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            int exit = new CommandLine(new LoadTest(new PrintStream(console, true, StandardCharsets.UTF_8))).execute(
                    "--server", "http://127.0.0.1:" + server.httpPort(), "--api-key", server.apiKey(),
                    "--rooms", "2", "--participants", "2", "--video-kbps", "300", "--churn-per-second", "1",
                    "--room-turnover", "4", "--duration", "9", "--warm-up", "5");
            String printed = console.toString(StandardCharsets.UTF_8);
            System.out.println(printed);

            assertEquals(0, exit, printed);
            assertTrue(printed.contains("joins 16 (connected 1"), printed);
            assertTrue(printed.contains("soak: the server is back at its baseline"), printed);
            assertTrue(printed.matches("(?s).*subscriptions\\s+0\\s+[1-9]\\d*\\s+0\\n.*"), printed);
        }
    }
}
