package se.vardmote.loadtest;

/**
 * The figures of one media kind over a run's measurement window. Latency and jitter in milliseconds.
 * Immutable.
 *
 * @param sent      packets the publishers sent in the window (each once, before fan-out)
 * @param expected  packets the subscribers should have received (sent × subscribers of each stream)
 * @param received  unique packets the subscribers received
 */
record KindReport(long sent, long expected, long received, double lossPercent, long reordered, long duplicates,
                  double latencyP50Ms, double latencyP99Ms, double latencyP999Ms, double latencyMaxMs,
                  double jitterMeanMs, double jitterMaxMs, long receivedBytes) {
}
