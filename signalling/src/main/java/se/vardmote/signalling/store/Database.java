package se.vardmote.signalling.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.h2.jdbcx.JdbcConnectionPool;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The meeting database: H2 in a file by default, PostgreSQL when the JDBC URL names one.
 * Runs Flyway migrations on open. Thread-safe.
 *
 * <p>Owns the connection source: an H2 {@link JdbcConnectionPool} for {@code jdbc:h2:} URLs, a
 * {@link PGSimpleDataSource} (one physical connection per {@link #connection()}) for {@code jdbc:postgresql:}.
 * Any thread may call {@link #connection()}; the caller closes what it gets.
 *
 * <p>The schema lives in {@code classpath:db/migration} ({@code V1__meetings.sql}, ...), written in SQL that
 * both H2 2.x and PostgreSQL accept. Flyway 13 supports H2 from {@code flyway-core} itself; PostgreSQL needs
 * {@code flyway-database-postgresql}, which the module declares. Flyway finds its database plugins through
 * {@code META-INF/services}: a shaded jar must merge service files.
 */
public final class Database implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    /** Enough for the booking API and the signalling threads; H2 embedded connections are cheap. */
    private static final int MAX_POOLED_CONNECTIONS = 16;

    private final DataSource dataSource;
    private final JdbcConnectionPool pool; // null for PostgreSQL
    private volatile boolean closed;

    private Database(DataSource dataSource, JdbcConnectionPool pool) {
        this.dataSource = dataSource;
        this.pool = pool;
    }

    /**
     * Opens the database and brings its schema up to date.
     *
     * @throws IllegalArgumentException when the URL is neither {@code jdbc:h2:} nor {@code jdbc:postgresql:}
     * @throws IllegalStateException when the database cannot be reached or a migration fails
     */
    public static Database open(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null) throw new IllegalArgumentException("database URL is missing");
        Database database;
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, nullToEmpty(user), nullToEmpty(password));
            pool.setMaxConnections(MAX_POOLED_CONNECTIONS);
            database = new Database(pool, pool);
        } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            PGSimpleDataSource pg = new PGSimpleDataSource();
            pg.setURL(jdbcUrl);
            if (user != null && !user.isEmpty()) pg.setUser(user);
            if (password != null && !password.isEmpty()) pg.setPassword(password);
            database = new Database(pg, null);
        } else {
            // The URL may carry a password: name only its scheme.
            throw new IllegalArgumentException("unsupported database URL (scheme "
                    + scheme(jdbcUrl) + "): use jdbc:h2:file:... or jdbc:postgresql://...");
        }
        try {
            database.migrate();
        } catch (RuntimeException e) {
            database.close();
            if (isLockedByAnotherProcess(e)) {
                // H2 in a file admits one process; say so instead of a page of stack trace.
                throw new IllegalStateException("the meeting database is in use by another process (another vardmote "
                        + "on the same data directory?): stop it, or give this one its own VARDMOTE_DATA_DIR", e);
            }
            throw new IllegalStateException("cannot open the meeting database: " + e.getMessage(), e);
        }
        return database;
    }

    /** H2's "file is locked" (error 90020, or an MVStore lock message) anywhere in the cause chain. */
    static boolean isLockedByAnotherProcess(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getErrorCode() == 90020) return true;
            String m = t.getMessage();
            if (m != null && m.contains("The file is locked")) return true;
        }
        return false;
    }

    /**
     * The default embedded database: {@code jdbc:h2:file:<dataDir>/vardmote}.
     *
     * <p>{@code WRITE_DELAY=0} makes H2's MVStore write each commit to the file before the commit returns. With
     * H2's default (a background writer, 500 ms) a booking acknowledged to the caller was lost on SIGKILL in a
     * test here: even the schema was gone. MVStore files are append-only with checksummed chunks, so a kill
     * mid-write falls back to the last complete chunk. No {@code DB_CLOSE_DELAY=-1}: the database closes when
     * {@link #close()} has closed the pool's last connection.
     */
    public static String defaultUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("vardmote") + ";WRITE_DELAY=0";
    }

    /** A connection in auto-commit mode; the caller closes it. */
    /**
     * Whether a connection can be had and answers within {@code timeoutSeconds} (JDBC {@code isValid}).
     * Blocking: never on an event loop.
     */
    public boolean isReachable(int timeoutSeconds) {
        if (closed) return false;
        try (Connection c = connection()) {
            return c.isValid(timeoutSeconds);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    public Connection connection() throws SQLException {
        if (closed) throw new SQLException("the meeting database is closed");
        return dataSource.getConnection();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (pool != null) pool.dispose();
    }

    private void migrate() {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                // A misnamed file under db/migration fails the start instead of being skipped silently.
                .validateMigrationNaming(true)
                .load()
                .migrate();
        LOG.log(System.Logger.Level.INFO, "Meeting database ({0}) at schema version {1}, {2} migration(s) applied",
                pool != null ? "H2" : "PostgreSQL",
                result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                result.migrationsExecuted);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String scheme(String url) {
        int second = url.indexOf(':', url.indexOf(':') + 1);
        return second > 0 ? url.substring(0, Math.min(second, 40)) : "unknown";
    }
}
