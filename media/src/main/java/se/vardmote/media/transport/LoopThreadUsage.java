package se.vardmote.media.transport;

import java.lang.management.ManagementFactory;

/**
 * What one event-loop thread has used so far — heap bytes allocated and CPU time — from HotSpot's per-thread
 * counters ({@code com.sun.management.ThreadMXBean}): how an operator sees, under real load, whether the
 * media loops allocate per packet and how much of a core each packet costs. Any thread; 0 where the JVM does
 * not offer a counter.
 */
final class LoopThreadUsage {

    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private LoopThreadUsage() { }

    private static com.sun.management.ThreadMXBean threads() {
        try {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t) {
                if (t.isThreadAllocatedMemorySupported() && !t.isThreadAllocatedMemoryEnabled()) {
                    t.setThreadAllocatedMemoryEnabled(true);
                }
                if (t.isThreadCpuTimeSupported() && !t.isThreadCpuTimeEnabled()) t.setThreadCpuTimeEnabled(true);
                return t;
            }
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot, or management not available: report 0
        }
        return null;
    }

    /** Heap bytes allocated by the live thread {@code threadId}, or 0 if unknown. */
    static long allocatedBytes(long threadId) {
        if (THREADS == null || threadId < 0 || !THREADS.isThreadAllocatedMemorySupported()) return 0;
        return Math.max(0, THREADS.getThreadAllocatedBytes(threadId));
    }

    /** CPU time (user + system) of the live thread {@code threadId} in nanoseconds, or 0 if unknown. */
    static long cpuNanos(long threadId) {
        if (THREADS == null || threadId < 0 || !THREADS.isThreadCpuTimeSupported()) return 0;
        return Math.max(0, THREADS.getThreadCpuTime(threadId));
    }
}
