package se.vardmote.server.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The web client's files, read once from the class path folder {@code web/} at start. Only the files listed
 * here are ever served, so no request path can reach anything else (no traversal, no directory listing).
 * Immutable and thread-safe.
 */
public final class StaticFiles {

    /** The files and their content types; everything else is 404. */
    private static final Map<String, String> KNOWN = Map.ofEntries(
            Map.entry("join.html", ResponseWriter.HTML),
            Map.entry("index.html", ResponseWriter.HTML),
            Map.entry("check.html", ResponseWriter.HTML),
            Map.entry("client.js", "text/javascript; charset=utf-8"),
            Map.entry("precall.js", "text/javascript; charset=utf-8"),
            Map.entry("mediacheck.js", "text/javascript; charset=utf-8"),
            Map.entry("check.js", "text/javascript; charset=utf-8"),
            Map.entry("language.js", "text/javascript; charset=utf-8"),
            Map.entry("messages-sv.js", "text/javascript; charset=utf-8"),
            Map.entry("messages-en.js", "text/javascript; charset=utf-8"),
            Map.entry("style.css", "text/css; charset=utf-8"));

    private final Map<String, byte[]> contents;

    private StaticFiles(Map<String, byte[]> contents) {
        this.contents = contents;
    }

    /** Loads the known files from the class path; fails start-up if one is missing. */
    public static StaticFiles fromClassPath() {
        Map<String, byte[]> contents = new java.util.HashMap<>();
        for (String name : KNOWN.keySet()) {
            try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream("web/" + name)) {
                if (in == null) throw new IllegalStateException("web client file missing from the class path: web/" + name);
                contents.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new StaticFiles(Map.copyOf(contents));
    }

    /**
     * The response for one file, or empty when the name is not one of ours. The name is compared as is:
     * {@code ../x}, {@code %2e%2e}, sub-folders and the like simply are not in the list.
     */
    public Optional<FullHttpResponse> response(String name) {
        byte[] body = contents.get(name);
        if (body == null) return Optional.empty();
        FullHttpResponse response = ResponseWriter.bytes(HttpResponseStatus.OK, KNOWN.get(name), body);
        // The HTML pages are cheap and may change with every release: never cached. The scripts are
        // revalidated on each load, so a new release is never mixed with an old page.
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, name.endsWith(".html") ? "no-store" : "no-cache");
        return Optional.of(response);
    }
}
