package se.vardmote.signalling.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    @Test
    void recognisesADatabaseFileLockedByAnotherProcess() {
        java.sql.SQLException locked = new java.sql.SQLException("Database may be already in use", "HY000", 90020);
        assertTrue(Database.isLockedByAnotherProcess(new RuntimeException("migration failed", locked)));
        assertTrue(Database.isLockedByAnotherProcess(new IllegalStateException(
                "General error: \"org.h2.mvstore.MVStoreException: The file is locked: /x/vardmote.mv.db\"")));
        assertFalse(Database.isLockedByAnotherProcess(new RuntimeException("table not found",
                new java.sql.SQLException("no such table", "42S02", 42102))));
    }

    @Test
    void defaultUrlIsAnAbsoluteH2FileInTheDataDirectory(@TempDir Path dir) {
        String url = Database.defaultUrl(dir.resolve("data"));
        assertTrue(url.startsWith("jdbc:h2:file:" + dir.toAbsolutePath() + "/data/vardmote"), url);
        assertFalse(url.contains("DB_CLOSE_DELAY"), url);
        assertTrue(url.contains("WRITE_DELAY=0"), url);
        assertTrue(Database.defaultUrl(Path.of("relative")).startsWith("jdbc:h2:file:/"));
    }

    @Test
    void migrationsCreateMeetingsParticipantsAndAuditTables(@TempDir Path dir) throws Exception {
        try (Database db = Database.open(Database.defaultUrl(dir), "sa", "");
             Connection c = db.connection();
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT table_name FROM information_schema.tables")) {
            Set<String> tables = new HashSet<>();
            while (r.next()) tables.add(r.getString(1).toLowerCase(Locale.ROOT));
            assertTrue(tables.containsAll(Set.of("meetings", "participants", "audit_events",
                    "flyway_schema_history")), tables.toString());
        }
        assertTrue(Files.exists(dir.resolve("vardmote.mv.db")));
    }

    @Test
    void reopeningAMigratedDatabaseKeepsItsRowsAndAppliesNothingTwice(@TempDir Path dir) throws Exception {
        String url = Database.defaultUrl(dir);
        try (Database db = Database.open(url, "sa", ""); Connection c = db.connection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO audit_events (occurred_at, event_type) VALUES (CURRENT_TIMESTAMP, 'test')");
        }
        try (Database db = Database.open(url, "sa", ""); Connection c = db.connection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM audit_events")) {
            r.next();
            assertEquals(1, r.getInt(1));
        }
    }

    @Test
    void committedRowSurvivesTheProcessBeingKilled(@TempDir Path dir) throws Exception {
        String url = Database.defaultUrl(dir);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KilledWriter.class.getName(), url)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "child did not finish");
        assertEquals(137, child.exitValue(), "child failed before it halted");
        try (Database db = Database.open(url, "sa", ""); Connection c = db.connection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM audit_events WHERE event_type = 'killed'")) {
            r.next();
            assertEquals(1, r.getInt(1));
        }
    }

    @Test
    void refusesConnectionsAfterClose(@TempDir Path dir) {
        Database db = Database.open(Database.defaultUrl(dir), "sa", "");
        db.close();
        db.close(); // idempotent
        assertThrows(SQLException.class, db::connection);
    }

    @Test
    void refusesUnsupportedUrlWithoutEchoingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Database.open("jdbc:mysql://db/vard?password=hemligt", "u", "p"));
        assertFalse(e.getMessage().contains("hemligt"), e.getMessage());
    }
}
