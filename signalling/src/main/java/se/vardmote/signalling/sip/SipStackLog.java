package se.vardmote.signalling.sip;

import gov.nist.core.ServerLogger;
import gov.nist.core.StackLogger;
import gov.nist.javax.sip.message.SIPMessage;
import java.lang.System.Logger.Level;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;
import javax.sip.SipStack;

/**
 * The JAIN-SIP stack's logger and message logger, installed by {@link SipServer} through the
 * {@code gov.nist.javax.sip.STACK_LOGGER} / {@code SERVER_LOGGER} properties. Why its own: the default
 * writes every message, with numbers in From/To and DTMF in INFO bodies, to files or log4j; this one
 * never logs a message, only counts, and passes the stack's own errors (without message text, which may
 * quote a header) to {@code System.Logger} at DEBUG. Thread-safe; the stack calls it from its threads.
 */
public final class SipStackLog implements StackLogger, ServerLogger {

    private static final System.Logger LOG = System.getLogger(SipStackLog.class.getName());

    /** Errors and exceptions the stack reported: malformed messages, I/O failures. */
    static final LongAdder ERRORS = new LongAdder();
    /** Messages the stack sent or received. */
    static final LongAdder MESSAGES = new LongAdder();

    public SipStackLog() {
    }

    // --- StackLogger ---
    @Override public void logStackTrace() { }
    @Override public void logStackTrace(int traceLevel) { }
    @Override public int getLineCount() { return 0; }
    @Override public void logException(Throwable ex) { count(ex); }
    @Override public void logDebug(String message) { }
    @Override public void logDebug(String message, Exception ex) { }
    @Override public void logTrace(String message) { }
    @Override public void logFatalError(String message) { ERRORS.increment(); }
    @Override public void logError(String message) { ERRORS.increment(); }
    @Override public boolean isLoggingEnabled() { return false; }
    @Override public boolean isLoggingEnabled(int logLevel) { return logLevel <= TRACE_ERROR; }
    @Override public void logError(String message, Exception ex) { count(ex); }
    @Override public void logWarning(String message) { }
    @Override public void logInfo(String message) { }
    @Override public void disableLogging() { }
    @Override public void enableLogging() { }
    @Override public void setBuildTimeStamp(String buildTimeStamp) { }
    @Override public void setStackProperties(Properties stackProperties) { }
    @Override public String getLoggerName() { return "vardmote-sip"; }

    // --- ServerLogger (message log) ---
    @Override public void closeLogFile() { }
    @Override public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) { MESSAGES.increment(); }
    @Override public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) { MESSAGES.increment(); }
    @Override public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) { MESSAGES.increment(); }
    @Override public void logException(Exception ex) { count(ex); }
    @Override public void setSipStack(SipStack sipStack) { }

    private static void count(Throwable ex) {
        ERRORS.increment();
        if (ex != null) LOG.log(Level.DEBUG, () -> "SIP stack: " + ex.getClass().getSimpleName());
    }
}
