package se.vardmote.media.transport;

import java.lang.management.ManagementFactory;

/**
 * Heap bytes allocated by one thread so far, from HotSpot's per-thread allocation counter
 * ({@code com.sun.management.ThreadMXBean}): how an operator sees, under real load, whether the media loops
 * allocate per packet. Any thread; 0 where the JVM does not offer the counter.
 */
final class LoopAllocation {

    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private LoopAllocation() { }

    private static com.sun.management.ThreadMXBean threads() {
        try {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                    && t.isThreadAllocatedMemorySupported()) {
                if (!t.isThreadAllocatedMemoryEnabled()) t.setThreadAllocatedMemoryEnabled(true);
                return t;
            }
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot, or management not available: report 0
        }
        return null;
    }

    /** Bytes allocated by the live thread {@code threadId}, or 0 if unknown. */
    static long bytes(long threadId) {
        if (THREADS == null || threadId < 0) return 0;
        long b = THREADS.getThreadAllocatedBytes(threadId);
        return Math.max(0, b);
    }
}
