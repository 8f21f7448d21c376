package se.vardmote.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's UDP counters from {@code /proc/net/snmp} (Linux): {@code RcvbufErrors} and {@code
 * SndbufErrors} say whether loss happened in a socket buffer (a receiver that did not keep up) rather than
 * in the server. Machine-wide, so meaningful when client and server share the machine (loopback).
 * Empty where the file is missing. Immutable.
 */
record KernelUdpCounters(Map<String, Long> values) {

    private static final Path SNMP = Path.of("/proc/net/snmp");

    static KernelUdpCounters read() {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            if (!Files.isReadable(SNMP) || Files.size(SNMP) > 1 << 20) return new KernelUdpCounters(out);
            List<String> lines = Files.readAllLines(SNMP);
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (!lines.get(i).startsWith("Udp:") || !lines.get(i + 1).startsWith("Udp:")) continue;
                String[] names = lines.get(i).split("\\s+");
                String[] numbers = lines.get(i + 1).split("\\s+");
                for (int k = 1; k < Math.min(names.length, numbers.length); k++) {
                    try {
                        out.put(names[k], Long.parseLong(numbers[k]));
                    } catch (NumberFormatException ignored) {
                        // not a counter
                    }
                }
                break;
            }
        } catch (IOException | RuntimeException e) {
            // no counters on this system
        }
        return new KernelUdpCounters(out);
    }

    /** The counters that moved since {@code before}. */
    Map<String, Long> since(KernelUdpCounters before) {
        Map<String, Long> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            long d = v - before.values.getOrDefault(k, 0L);
            if (d != 0 && (k.contains("Errors") || k.equals("InDatagrams") || k.equals("OutDatagrams"))) out.put(k, d);
        });
        return out;
    }
}
