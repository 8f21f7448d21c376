package se.vardmote.signalling.sip;

/**
 * The single thread that owns all dial-in call state (the SIP calls and their IVRs), with its timers.
 * Confinement to one thread means {@link DialInIvr} and the server's call table take no locks; calls are
 * few (a handful of interpreters at once), so one thread is plenty. Tests drive a manual fake.
 */
public interface CallThread {

    /** A scheduled task that can be cancelled. */
    interface Timer {
        void cancel();
    }

    /** Milliseconds on a monotonic clock. */
    long nowMillis();

    /** Runs {@code task} on the call thread after {@code delayMillis}. */
    Timer schedule(long delayMillis, Runnable task);

    /** Runs {@code task} on the call thread soon (from any thread). */
    void execute(Runnable task);
}
