package se.vardmote.signalling.sip;

import se.vardmote.signalling.meeting.ConferenceId;

/**
 * Decides from the Request-URI's user part where a call goes: an IVR number, a conference id, or the
 * video prefix followed by a conference id. Immutable; any thread.
 */
public final class DialPlan {

    /**
     * Where a call goes.
     *
     * @param route        how it reaches its meeting
     * @param conferenceId the dialled id for {@code DIRECT} and {@code VIDEO_SYSTEM}; null for {@code IVR}
     * @param language     the prompt language for this called number
     */
    public record Destination(DialRoute route, String conferenceId, PromptLanguage language) {
    }

    private final SipConfig config;

    public DialPlan(SipConfig config) {
        this.config = config;
    }

    /** The destination, or null when the user part is none of the three (the server answers 404). */
    public Destination route(String user) {
        if (user == null || user.length() > 64) return null;
        String u = user.strip();
        PromptLanguage language = config.languageFor(u);
        if (config.ivrNumbers().contains(u)) return new Destination(DialRoute.IVR, null, language);
        if (ConferenceId.isValid(u)) return new Destination(DialRoute.DIRECT, u, language);
        String prefix = config.videoPrefix();
        if (u.startsWith(prefix) && ConferenceId.isValid(u.substring(prefix.length()))) {
            return new Destination(DialRoute.VIDEO_SYSTEM, u.substring(prefix.length()), language);
        }
        return null;
    }
}
