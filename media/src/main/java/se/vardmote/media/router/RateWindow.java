package se.vardmote.media.router;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * The end of each rate window ({@link BitrateMeter#WINDOW_NANOS}, on the feedback timer): every layer's and
 * every subscriber's {@link BitrateMeter} rolls over, each subscriber's {@link LayerAllocation} chooses its
 * layers from the new rates, and the subscribers' fresh downlink estimates are published for readers on any
 * thread (the metrics). {@link #end} runs on the router's event loop; {@link #estimates} from any thread.
 */
final class RateWindow {

    /**
     * The fresh downlink estimates of the router's subscribers (bits per second, no identity), refreshed every
     * window; {@link #estimateCount} of them are valid. Written on the loop, read anywhere (may lag).
     */
    private volatile long[] estimates = new long[0];
    private volatile int estimateCount;

    /** The window ends: rates roll over, then each subscriber's layers are chosen. Event loop. */
    void end(ArrayList<RouterTransport> transports, long nowNanos) {
        for (int i = 0; i < transports.size(); i++) {
            RouterTransport state = transports.get(i);
            state.sent.roll();
            for (int j = 0; j < state.published.size(); j++) {
                state.published.get(j).bitrate.roll();
            }
        }
        int count = 0;
        long[] out = estimates;
        for (int i = 0; i < transports.size(); i++) {
            RouterTransport state = transports.get(i);
            if (state.layers != null) {
                state.layers.allocate(state, nowNanos);
            }
            if (!state.subscriptions.isEmpty() && state.hasDownlinkEstimate
                    && nowNanos - state.downlinkEstimateNanos <= ReceiverFeedback.ESTIMATE_FRESH_NANOS) {
                if (count == out.length) {
                    out = Arrays.copyOf(out, Math.max(4, count * 2));
                    estimates = out;
                }
                out[count++] = state.downlinkEstimate;
            }
        }
        estimateCount = count;
    }

    /** Adds each subscriber's downlink estimate of the last window to {@code sink}. Any thread; may lag. */
    void estimates(LongConsumer sink) {
        long[] values = estimates;
        int n = Math.min(estimateCount, values.length);
        for (int i = 0; i < n; i++) {
            sink.accept(values[i]);
        }
    }
}
