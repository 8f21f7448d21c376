package se.vardmote.loadtest;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;

/**
 * The JVM's live-object histogram (what {@code jcmd <pid> GC.class_histogram} prints; it collects first), by
 * class: taken before and after a soak, the classes whose bytes grew say what, if anything, the heap keeps.
 */
final class HeapHistogram {

    private final Map<String, long[]> byClass; // class name -> {instances, bytes}

    private HeapHistogram(Map<String, long[]> byClass) {
        this.byClass = byClass;
    }

    static HeapHistogram take() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> out = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":")) continue;
            try {
                out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            } catch (NumberFormatException notARow) {
                // the header or the total
            }
        }
        return new HeapHistogram(out);
    }

    /** The {@code limit} classes whose bytes grew most from {@code before} to this, one line each. */
    List<String> growthSince(HeapHistogram before, int limit) {
        return growthSince(before, limit, "");
    }

    /** As {@link #growthSince(HeapHistogram, int)}, among the classes whose names start with one of {@code prefixes}. */
    List<String> growthSince(HeapHistogram before, int limit, String... prefixes) {
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        for (Map.Entry<String, long[]> e : byClass.entrySet()) {
            boolean wanted = false;
            for (String prefix : prefixes) wanted |= e.getKey().startsWith(prefix);
            if (!wanted) continue;
            long[] then = before.byClass.getOrDefault(e.getKey(), new long[2]);
            long[] delta = {e.getValue()[0] - then[0], e.getValue()[1] - then[1]};
            if (delta[1] > 0) grown.add(Map.entry(e.getKey(), delta));
        }
        grown.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(limit, grown.size()))) {
            out.add(String.format(Locale.ROOT, "%+9d B %+7d  %s", e.getValue()[1], e.getValue()[0], e.getKey()));
        }
        return out;
    }
}
