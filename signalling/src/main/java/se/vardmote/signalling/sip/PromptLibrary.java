package se.vardmote.signalling.sip;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import se.vardmote.media.phone.Prompt;

/**
 * The shipped IVR prompts ({@code prompts/<lang>/<name>.wav} and {@code prompts/wait-tone.wav} on the
 * class path, made offline by {@code signalling/src/main/prompts/make-prompts.sh}), decoded once each and
 * shared by every call. Thread-safe.
 */
public final class PromptLibrary {

    /** Longest prompt name accepted; names come from code, this only keeps a typo from reading odd paths. */
    private static final int MAX_NAME = 64;

    private final Map<String, Prompt> cache = new ConcurrentHashMap<>();

    /** The prompt, decoded; a missing or unreadable one is a packaging bug, so this throws. */
    public Prompt get(String name) {
        if (name.length() > MAX_NAME || !name.matches("[a-z]{2}/[a-z-]+|[a-z-]+")) {
            throw new IllegalArgumentException("bad prompt name: " + name);
        }
        return cache.computeIfAbsent(name, PromptLibrary::load);
    }

    private static Prompt load(String name) {
        String path = "/prompts/" + name + ".wav";
        try (InputStream in = PromptLibrary.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("prompt missing from the class path: " + path);
            return Prompt.fromWav(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read prompt " + path + ": " + e.getMessage(), e);
        }
    }
}
