package se.vardmote.loadtest;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** Prints a {@link RunReport} as the table operators read at the end of a run. Stateless. */
final class ReportTable {

    private ReportTable() {}

    static void print(RunReport r, PrintStream out) {
        out.printf(Locale.ROOT, "%nvardmote load test: %d rooms × %d participants, %s, %.1f s measured, %d/%d ready%n",
                r.rooms(), r.participantsPerRoom(), r.audioOnly() ? "audio only" : "audio + video " + r.videoKbps() + " kbps",
                r.windowSeconds(), r.participantsReady(), r.participantsPlanned());
        out.printf(Locale.ROOT, "%-6s %10s %10s %10s %8s %9s %6s %8s %8s %8s %8s %8s%n", "kind", "sent", "expected",
                "received", "loss %", "reordered", "dups", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "jitter ms");
        for (Map.Entry<String, KindReport> e : r.kinds().entrySet()) {
            KindReport k = e.getValue();
            out.printf(Locale.ROOT, "%-6s %10d %10d %10d %8.3f %9d %6d %8.2f %8.2f %8.2f %8.2f %8.3f%n", e.getKey(),
                    k.sent(), k.expected(), k.received(), k.lossPercent(), k.reordered(), k.duplicates(),
                    k.latencyP50Ms(), k.latencyP99Ms(), k.latencyP999Ms(), k.latencyMaxMs(), k.jitterMeanMs());
        }
        out.printf(Locale.ROOT, "egress at the server: %,.0f packets/s, %.1f Mbit/s%n", r.egressPacketsPerSecond(),
                r.egressMbps());
        out.printf(Locale.ROOT, "CPU (cores of %d): server %s, load tester %.2f%n", r.availableProcessors(),
                r.serverCpuCores() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", r.serverCpuCores()),
                r.loadTesterCpuCores());
        if (!r.kernelUdpDeltas().isEmpty()) {
            out.println("kernel UDP counters (whole machine, during the window): " + r.kernelUdpDeltas());
        }
        Double in = r.serverMediaEvents().get("{name=\"rtp.in.packets\"}");
        Double forwarded = r.serverMediaEvents().get("{name=\"rtp.out.packets\"}");
        if (in != null && forwarded != null) {
            out.printf(Locale.ROOT, "server counted %,.0f RTP packets in, %,.0f out%n", in, forwarded);
        }
        if (r.serverCpuCores() != null && r.serverCpuCores() > 0 && r.egressPacketsPerSecond() > 0) {
            double perCore = r.egressPacketsPerSecond() / r.serverCpuCores();
            out.printf(Locale.ROOT, "server CPU per egress packet: %.2f µs, i.e. %,.0f egress packets/s per server core%n",
                    1e6 / perCore, perCore);
        }
        Double allocated = r.serverMediaEvents().get("{name=\"media.loop.allocated.bytes\"}");
        Double datagramsIn = r.serverMediaEvents().get("{name=\"media.in.datagrams\"}");
        Double datagramsOut = r.serverMediaEvents().get("{name=\"media.out.datagrams\"}");
        Double loopCpu = r.serverMediaEvents().get("{name=\"media.loop.cpu.nanos\"}");
        if (loopCpu != null && loopCpu > 0 && r.egressPacketsPerSecond() > 0 && r.windowSeconds() > 0) {
            double cores = loopCpu / 1e9 / r.windowSeconds();
            double perCore = r.egressPacketsPerSecond() / cores;
            out.printf(Locale.ROOT, "server media loops: %.2f cores, %.2f µs per egress packet, i.e. %,.0f egress "
                    + "packets/s per core%n", cores, 1e6 / perCore, perCore);
        }
        if (allocated != null && datagramsIn != null && datagramsOut != null && datagramsIn + datagramsOut > 0) {
            out.printf(Locale.ROOT, "server media loops allocated %,.0f bytes: %.1f B per datagram (in + out)%n",
                    allocated, allocated / (datagramsIn + datagramsOut));
        }
        if (!r.failures().isEmpty()) {
            out.println("failures:");
            r.failures().forEach((k, v) -> out.printf(Locale.ROOT, "  %6d  %s%n", v, k));
        }
    }
}
