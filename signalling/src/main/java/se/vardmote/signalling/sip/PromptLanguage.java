package se.vardmote.signalling.sip;

import java.util.Locale;

/**
 * The language the IVR speaks to a caller: the shipped prompts exist in Swedish and English
 * ({@code prompts/sv/*.wav}, {@code prompts/en/*.wav}). Immutable.
 */
public enum PromptLanguage {
    SV, EN;

    /** The folder under {@code prompts/} and the config value: {@code sv} or {@code en}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code sv}/{@code en} (any case); throws IllegalArgumentException naming the value otherwise. */
    public static PromptLanguage parse(String code) {
        String c = code == null ? "" : code.strip().toLowerCase(Locale.ROOT);
        for (PromptLanguage l : values()) if (l.code().equals(c)) return l;
        throw new IllegalArgumentException("unknown prompt language '" + code + "': use sv or en");
    }

    /** The resource name of a prompt in this language, as {@link CallMedia#play} takes it. */
    public String prompt(String name) {
        return code() + "/" + name;
    }
}
