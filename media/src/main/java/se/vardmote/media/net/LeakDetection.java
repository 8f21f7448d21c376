package se.vardmote.media.net;

/**
 * Netty's buffer leak detector for a production process: off unless the operator asks for it.
 *
 * <p>Why: at its default level ({@code simple}) Netty tracks about one buffer allocation in 128 with a
 * captured stack trace; on the relay that was half of what the media loop allocated and a stack walk every
 * few hundred microseconds (docs/performance.md). The test suite runs with {@code paranoid}, which tracks
 * every buffer, so leaks are caught there; an operator can still run with
 * {@code -Dio.netty.leakDetection.level=simple} (or {@code advanced}) to look for one in the field.
 */
public final class LeakDetection {

    static final String PROPERTY = "io.netty.leakDetection.level";

    private LeakDetection() { }

    /**
     * Turns the detector off if no level was set on the command line. Call first thing in {@code main},
     * before any Netty class is loaded (Netty reads the level once). Returns the level in force.
     */
    public static String offUnlessRequested() {
        String level = System.getProperty(PROPERTY);
        if (level == null || level.isBlank()) {
            System.setProperty(PROPERTY, "disabled");
            return "disabled";
        }
        return level;
    }
}
