package se.vardmote.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The throw-away PostgreSQL 15 cluster of {@code .ci/start-postgres}, named by {@code VARDMOTE_TEST_POSTGRES_URL}
 * and {@code VARDMOTE_TEST_POSTGRES_DIR}, for tests that stop and start it under a running server.
 *
 * <p>Without those variables a test is skipped, except under {@code CI=true}, where it fails: CI must prove
 * PostgreSQL, not skip it (as {@code MeetingServicePostgresTest}). The cluster is stopped with
 * {@code pg_ctl -m immediate} (as a crash: no shutdown checkpoint, clients cut off) and started again on the
 * same port with the options the script started it with. As root, {@code pg_ctl} runs as the postgres user.
 */
final class TestPostgres {
    static final String URL_VARIABLE = "VARDMOTE_TEST_POSTGRES_URL";
    static final String DIR_VARIABLE = "VARDMOTE_TEST_POSTGRES_DIR";
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final Pattern PORT = Pattern.compile("jdbc:postgresql://127\\.0\\.0\\.1:(\\d+)/.*");

    final String url;
    final Path dir;
    final int port;

    private TestPostgres(String url, Path dir, int port) {
        this.url = url;
        this.dir = dir;
        this.port = port;
    }

    /** The cluster, or the test is skipped (failed under {@code CI=true}) when there is none. */
    static TestPostgres fromEnvironment() {
        String url = System.getenv(URL_VARIABLE);
        String dir = System.getenv(DIR_VARIABLE);
        if (url == null || url.isBlank() || dir == null || dir.isBlank()) {
            String why = URL_VARIABLE + " and " + DIR_VARIABLE + " are not set";
            if ("true".equals(System.getenv("CI"))) {
                fail(why + " under CI=true: run eval \"$(.ci/start-postgres)\" before the tests");
            }
            Assumptions.abort(why + "; eval \"$(.ci/start-postgres)\" to run the PostgreSQL fault tests");
        }
        Matcher m = PORT.matcher(url);
        if (!m.matches()) fail(URL_VARIABLE + " must name a PostgreSQL server on 127.0.0.1 with its port");
        if (!dir.startsWith("/tmp/vardmote-pg.")) fail(DIR_VARIABLE + " must be a cluster of .ci/start-postgres");
        if (!Files.isDirectory(Path.of(dir, "data"))) fail(DIR_VARIABLE + " names no cluster: " + dir);
        return new TestPostgres(url, Path.of(dir), Integer.parseInt(m.group(1)));
    }

    /** {@code pg_ctl -m immediate stop}: the database vanishes as in a crash; returns when it has. */
    void stopImmediately() throws IOException, InterruptedException {
        pgCtl("-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    }

    /** {@code pg_ctl start} on the same port and socket directory; returns when it accepts connections. */
    void start() throws IOException, InterruptedException {
        pgCtl("-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "30",
                "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -c unix_socket_directories=" + dir + " -c fsync=off",
                "start");
    }

    private static void pgCtl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) command.addAll(List.of("runuser", "-u", "postgres", "--"));
        command.add(BIN.resolve("pg_ctl").toString());
        command.addAll(List.of(args));
        // The postmaster outlives pg_ctl: it must not hold this JVM's pipes.
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("pg_ctl " + String.join(" ", args) + " did not finish within 40 s");
        }
        if (p.exitValue() != 0) fail("pg_ctl " + args[args.length - 1] + " exited " + p.exitValue());
    }
}
