package se.vardmote.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The booking API's shared secret: from {@code VARDMOTE_API_KEY}, else {@code <dataDir>/api-key}, created at
 * first start (32 random bytes, base64url, mode 600). Immutable and thread-safe.
 *
 * <p>The key is a secret: {@link #toString()} does not show it and nothing here logs it.
 */
public final class ApiKey {
    private static final System.Logger LOG = System.getLogger(ApiKey.class.getName());
    static final String FILE_NAME = "api-key";
    private static final int MAX_FILE_BYTES = 1024;

    private final byte[] value;
    private final String text;
    private final String source;

    private ApiKey(String text, String source) {
        this.text = text;
        this.value = text.getBytes(StandardCharsets.UTF_8);
        this.source = source;
    }

    /** The configured key, or the one stored in (or newly created in) the data directory. */
    public static ApiKey resolve(String configured, Path dataDir) throws IOException {
        if (configured != null) return new ApiKey(configured, "the environment variable " + ServerConfig.API_KEY);
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            try {
                return create(file);
            } catch (FileAlreadyExistsException raced) {
                // another process created it between our check and our create: read theirs
            }
        }
        return read(file);
    }

    private static ApiKey create(Path file) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (supportsPosix(file)) {
            // Create with mode 600 directly, so the key is never readable by others, not even briefly.
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
        LOG.log(System.Logger.Level.INFO, "Created a new booking API key in {0} (mode 600)", file.toAbsolutePath());
        return new ApiKey(key, file.toAbsolutePath().toString());
    }

    private static ApiKey read(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes; it should hold one API key");
        }
        String key = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (key.length() < 16 || key.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IOException(file + " does not hold a usable API key (at least 16 printable characters on one line); "
                    + "delete it to have a new one created");
        }
        if (supportsPosix(file)) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                LOG.log(System.Logger.Level.WARNING, "{0} is readable by others; run chmod 600 on it", file.toAbsolutePath());
            }
        }
        return new ApiKey(key, file.toAbsolutePath().toString());
    }

    private static boolean supportsPosix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Constant-time comparison with a presented key, so timing does not reveal how much of it matched. */
    public boolean matches(String presented) {
        if (presented == null) return false;
        // Comparing digests keeps even the key's length out of the timing (RFC 6750 §5.3 asks for care here).
        return MessageDigest.isEqual(sha256(value), sha256(presented.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The key itself, for the operator's own tools and tests. Never log it. */
    public String value() {
        return text;
    }

    /** Where the key comes from: the file path, or the environment variable's name. Safe to log. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "ApiKey[from " + source + "]";
    }
}
