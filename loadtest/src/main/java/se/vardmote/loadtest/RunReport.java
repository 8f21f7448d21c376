package se.vardmote.loadtest;

import java.util.Map;

/**
 * The outcome of one load run (one step of a capacity search): what was asked, what connected, per-kind
 * figures, egress at the server (= what all subscribers received, per second of the window), the server's
 * own metric deltas and the CPU both sides used. Immutable; serialised to JSON as is.
 */
record RunReport(int rooms, int participantsPerRoom, boolean audioOnly, int videoKbps, int participantsPlanned,
                 int participantsReady, double windowSeconds, Map<String, KindReport> kinds,
                 double egressPacketsPerSecond, double egressMbps, Map<String, Double> serverMediaEvents,
                 Double serverCpuCores, Double serverProcessCpuUsage, double loadTesterCpuCores,
                 int availableProcessors, Map<String, Long> kernelUdpDeltas, Map<String, Long> failures) {

    /** Loss over all kinds, in percent. */
    double lossPercent() {
        long expected = 0;
        long received = 0;
        for (KindReport k : kinds.values()) {
            expected += k.expected();
            received += k.received();
        }
        return expected == 0 ? 0 : 100.0 * Math.max(0, expected - received) / expected;
    }

    /** The worst p99 latency of any kind, in ms. */
    double worstP99Ms() {
        double worst = 0;
        for (KindReport k : kinds.values()) worst = Math.max(worst, k.latencyP99Ms());
        return worst;
    }

    long totalReceived() {
        long r = 0;
        for (KindReport k : kinds.values()) r += k.received();
        return r;
    }
}
