package se.vardmote.signalling.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The meeting database: H2 in a file by default, PostgreSQL when the JDBC URL names one.
 * Runs Flyway migrations on open. Thread-safe.
 */
public final class Database implements AutoCloseable {

    public static Database open(String jdbcUrl, String user, String password) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The default embedded database: {@code jdbc:h2:file:<dataDir>/vardmote}. */
    public static String defaultUrl(java.nio.file.Path dataDir) {
        throw new UnsupportedOperationException("TODO");
    }

    public Connection connection() throws SQLException {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }
}
