package se.vardmote.signalling.store;

import java.sql.Connection;
import java.sql.Statement;

/**
 * Run in a child JVM by {@link DatabaseTest}: commits one row and halts at once, skipping shutdown hooks and
 * every close, as a SIGKILL would.
 */
final class KilledWriter {
    public static void main(String[] args) throws Exception {
        Database db = Database.open(args[0], "sa", "");
        Connection c = db.connection();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO audit_events (occurred_at, event_type) VALUES (CURRENT_TIMESTAMP, 'killed')");
        }
        c.commit();
        Runtime.getRuntime().halt(137);
    }
}
