package se.vardmote.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyTest {

    @Test
    void createsKeyFileWithMode600OnFirstStart(@TempDir Path dir) throws Exception {
        ApiKey key = ApiKey.resolve(null, dir);
        Path file = dir.resolve("api-key");
        assertTrue(Files.exists(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(32, Base64.getUrlDecoder().decode(key.value()).length);
        assertEquals(key.value(), Files.readString(file).trim());
        assertEquals(file.toAbsolutePath().toString(), key.source());
    }

    @Test
    void reusesTheStoredKey(@TempDir Path dir) throws Exception {
        ApiKey first = ApiKey.resolve(null, dir);
        ApiKey second = ApiKey.resolve(null, dir);
        assertEquals(first.value(), second.value());
    }

    @Test
    void prefersTheConfiguredKeyAndWritesNoFile(@TempDir Path dir) throws Exception {
        ApiKey key = ApiKey.resolve("configured-key-123456", dir);
        assertEquals("configured-key-123456", key.value());
        assertFalse(Files.exists(dir.resolve("api-key")));
        assertTrue(key.source().contains("VARDMOTE_API_KEY"));
    }

    @Test
    void matchesOnlyTheExactKey(@TempDir Path dir) throws Exception {
        ApiKey key = ApiKey.resolve("configured-key-123456", dir);
        assertTrue(key.matches("configured-key-123456"));
        assertFalse(key.matches("configured-key-12345"));
        assertFalse(key.matches("configured-key-1234567"));
        assertFalse(key.matches(""));
        assertFalse(key.matches(null));
    }

    @Test
    void neverShowsTheKeyInToString(@TempDir Path dir) throws Exception {
        ApiKey key = ApiKey.resolve(null, dir);
        assertFalse(key.toString().contains(key.value()));
    }

    @Test
    void refusesAnUnusableKeyFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("api-key"), "short\n");
        assertThrows(IOException.class, () -> ApiKey.resolve(null, dir));
    }
}
