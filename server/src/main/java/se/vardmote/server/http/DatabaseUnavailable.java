package se.vardmote.server.http;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import se.vardmote.signalling.store.StoreException;

/**
 * Tells a database that cannot be reached (stopped, restarting, network gone) from other failures, so that
 * the booking API answers 503 {@code database_unavailable} with {@code Retry-After} — try again — rather than
 * 500. Stateless.
 *
 * <p>Only a {@link StoreException} qualifies, and only when its causes show a lost or refused connection:
 * a connection exception class ({@code SQLRecoverableException}, {@code SQL*ConnectionException},
 * {@link java.net.ConnectException}), SQLSTATE class 08 (connection exception) or 57P (PostgreSQL operator
 * intervention: {@code 57P01} admin shutdown, {@code 57P02} crash shutdown, {@code 57P03} cannot connect now),
 * or H2's "database is closed" (90098, 90121).
 */
public final class DatabaseUnavailable {

    /** What {@code Retry-After} says: two database probes ({@code /ready} is probed every 5 s). */
    public static final int RETRY_AFTER_SECONDS = 10;

    private static final int MAX_CAUSES = 16;

    private DatabaseUnavailable() {
    }

    /** Whether {@code e} is a store failure because the database could not be reached. */
    public static boolean is(Throwable e) {
        if (!(e instanceof StoreException)) return false;
        int depth = 0;
        for (Throwable t = e; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
            if (t instanceof SQLRecoverableException || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException || t instanceof java.net.ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && (connectionState(sql.getSQLState()) || h2Closed(sql.getErrorCode()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The SQLSTATE of the first SQL exception among the causes, for the log: a code, never a message (JDBC
     * drivers' messages may quote parameters, i.e. names). "none" when there is none.
     */
    public static String sqlState(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) return sql.getSQLState();
        }
        return "none";
    }

    private static boolean connectionState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    private static boolean h2Closed(int errorCode) {
        return errorCode == 90098 || errorCode == 90121;
    }
}
