package se.vardmote.media.router;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Which layer of each simulcast track one subscriber receives, chosen every {@link BitrateMeter#WINDOW_NANOS}
 * from the layers' measured bitrates and the subscriber's downlink estimate (the REMB its browser computes from
 * the server's abs-send-time). A new subscription starts on the highest layer the publisher sends, as a
 * single-layer stream would.
 *
 * <p>A receive-side estimate says little by its level: it stays within about 1.5 times what the subscriber
 * receives, so it lags behind every step up. What it says clearly is when it falls: the browser saw its queue
 * grow or packets lost. So a fall of the estimate below what the layers take steps the sharpest tracks down
 * until they fit, and so does an estimate that stays far below them. Only a fall that comes after every track
 * has been on its lowest layer for {@link #SETTLE_NANOS}, while the subscriber reports lost packets, pauses
 * one (audio-only: its audio flows on as a separate stream), and only one that cannot hold even half its lowest
 * layer. A step up (one track, one layer,
 * the lowest rates first, so every tile has a picture before any gets a sharp one) is taken when it fits the
 * estimate, or when the estimate has {@link #HEADROOM} over what is sent (it found no limit yet). A step up that
 * the estimate punishes within {@link #FAILED_NANOS} makes the next one wait: {@link #FIRST_BACKOFF_NANOS},
 * doubling to {@link #MAX_BACKOFF_NANOS}, back to {@link #STEP_NANOS} once a step up holds.
 *
 * <p>A choice only names the layer: the switch itself is made at that layer's next keyframe (see
 * {@link Router#chooseLayer}). Without a fresh estimate each track gets its highest layer. Owned by the router's
 * event loop; runs per window, not per packet; allocates only when a subscriber has more simulcast tracks than
 * ever before.
 */
final class LayerAllocation {

    /** An estimate this far below what the layers take, for {@link #OVERUSE_ROUNDS} windows, steps down too. */
    static final double FAR_BELOW = 1.3;
    static final int OVERUSE_ROUNDS = 8;
    static final double HEADROOM = 1.2;
    static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final long STEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long FIRST_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(8);
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(64);
    static final long FAILED_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** A layer fills a view it is shown in at most this much enlarged (each side). */
    static final double VIEW_SLACK = 1.1;
    /** A subscriber whose downlink lost packets this recently ({@link RouterTransport#lossReportedNanos}) is losing them now. */
    static final long LOSS_RECENT_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long UNLIMITED = Long.MAX_VALUE / 4;

    private final Router router;
    private int overuseRounds;
    private long lastUpgradeNanos;
    private long lastDowngradeNanos;
    private long handledFallNanos;
    private boolean upgradeOnProbation;
    private long backoffNanos = STEP_NANOS;
    /** Since when every track has been on its lowest layer (or paused); -1 while one is above it. */
    private long lowestSinceNanos = -1;
    private Subscription[] tracks = new Subscription[4];
    private PublishedStream[] planned = new PublishedStream[4];
    /** Per track, the most rate its view size calls for ({@link #viewCeiling}). */
    private long[] ceilings = new long[4];

    LayerAllocation(Router router, long nowNanos) {
        this.router = router;
        this.lastUpgradeNanos = nowNanos - MAX_BACKOFF_NANOS;
        this.lastDowngradeNanos = nowNanos - MAX_BACKOFF_NANOS;
        this.handledFallNanos = nowNanos;
    }

    /** The current wait between steps up (for tests). */
    long backoffNanos() {
        return backoffNanos;
    }

    void allocate(RouterTransport subscriber, long nowNanos) {
        int n = collect(subscriber);
        if (n == 0) {
            return;
        }
        boolean fresh = subscriber.hasDownlinkEstimate
                && nowNanos - subscriber.downlinkEstimateNanos <= ReceiverFeedback.ESTIMATE_FRESH_NANOS;
        long budget = fresh ? subscriber.downlinkEstimate - fixedRate(subscriber) : UNLIMITED;
        long total = 0;
        for (int i = 0; i < n; i++) {
            Subscription s = tracks[i];
            ceilings[i] = viewCeiling(s);
            PublishedStream p = s.target != null ? s.target : s.paused ? null : s.stream;
            planned[i] = p != null && rate(p) > 0 ? p : null;
            if (rate(planned[i]) > ceilings[i]) {
                planned[i] = bestFit(s.stream.layers, ceilings[i]); // the view shrank: no sharper than it shows
            }
            total += rate(planned[i]);
        }
        boolean losing = subscriber.lossReportedNanos != 0 && nowNanos - subscriber.lossReportedNanos <= LOSS_RECENT_NANOS;
        for (int i = 0; i < n; i++) {
            Subscription s = tracks[i];
            PublishedStream top = bestFit(s.stream.layers, ceilings[i]);
            if (top == null) {
                continue;
            }
            // A view that grew (a window enlarged, a phone turned) was held below its link by its size, not by
            // the estimate, which cannot show room it was never offered: like a new subscription it takes the
            // layer that fills it, unless the downlink is losing packets; a fall of the estimate steps it down.
            boolean grew = s.viewGrew && s.heldBySize && !losing && rate(top) > rate(planned[i]);
            s.viewGrew = false;
            if (!fresh || !s.allocated || grew) {
                total += rate(top) - rate(planned[i]);
                planned[i] = top;
                s.allocated = true;
                if (grew) {
                    // A fall the receiver reported before the view grew says nothing of the larger picture: only
                    // one after it steps the track down again (a busy browser's estimate dips now and then).
                    handledFallNanos = Math.max(handledFallNanos, subscriber.estimateFellNanos);
                    overuseRounds = 0;
                }
            } else if (planned[i] == null && !(s.paused && s.target == null)) {
                // The layer it had is no longer sent (the publisher's uplink shrank): one that is, at once.
                PublishedStream fit = bestFit(s.stream.layers, Math.min(ceilings[i], budget - total));
                planned[i] = fit != null ? fit : lowest(s.stream.layers);
                total += rate(planned[i]);
            }
        }
        if (fresh) {
            boolean fell = subscriber.estimateFellNanos > handledFallNanos;
            handledFallNanos = Math.max(handledFallNanos, subscriber.estimateFellNanos);
            overuseRounds = total > budget * FAR_BELOW ? overuseRounds + 1 : 0;
            boolean sustained = overuseRounds >= OVERUSE_ROUNDS;
            boolean lowest = atLowest(n);
            if (!lowest) {
                lowestSinceNanos = -1;
            } else if (lowestSinceNanos < 0) {
                lowestSinceNanos = nowNanos;
            }
            // Only a fall the receiver reports after SETTLE_NANOS on the lowest layers, while it also reports lost
            // packets, says the link cannot take them: a receive-side estimate stays low for many seconds while it
            // climbs back after any cut, and dips by a few per cent as it does, so neither a low level nor a dip
            // alone pauses a picture the link carries (both were seen when a line narrowed mid-visit).
            boolean mayPause = fell && losing && lowest && nowNanos - lowestSinceNanos >= SETTLE_NANOS;
            if ((fell && total > budget) || sustained) {
                overuseRounds = 0;
                stepDown(n, total, budget, mayPause);
                if (upgradeOnProbation && nowNanos - lastUpgradeNanos < FAILED_NANOS) {
                    backoffNanos = Math.min(MAX_BACKOFF_NANOS, Math.max(FIRST_BACKOFF_NANOS, backoffNanos * 2));
                }
                upgradeOnProbation = false;
                lastDowngradeNanos = nowNanos;
            } else {
                if (upgradeOnProbation && nowNanos - lastUpgradeNanos >= FAILED_NANOS) {
                    upgradeOnProbation = false;
                    backoffNanos = STEP_NANOS;
                }
                if (nowNanos - lastDowngradeNanos >= SETTLE_NANOS && nowNanos - lastUpgradeNanos >= backoffNanos) {
                    stepUp(subscriber, n, total, budget, nowNanos);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            tracks[i].heldBySize = ceilings[i] != UNLIMITED && planned[i] != null && rate(planned[i]) >= ceilings[i]
                    && above(tracks[i].stream.layers, rate(planned[i])) != null;
            apply(tracks[i], planned[i]);
            planned[i] = null;
            tracks[i] = null;
        }
    }

    /**
     * The sharpest track that has a lower layer steps down, until the total fits the budget. When every track
     * is at its lowest and {@code mayPause} (the estimate fell again, with packets lost, after the tracks had been on
     * their lowest layers for {@link #SETTLE_NANOS}: the link cannot take even those), the largest is paused, but only while
     * the budget cannot hold even half of it: a lower picture for everyone comes before no picture for one.
     */
    private void stepDown(int n, long total, long budget, boolean mayPause) {
        while (total > budget) {
            int k = -1;
            PublishedStream down = null;
            for (int i = 0; i < n; i++) {
                PublishedStream lower = planned[i] == null ? null : below(tracks[i].stream.layers, rate(planned[i]));
                if (lower != null && (k < 0 || rate(planned[i]) > rate(planned[k]))) {
                    k = i;
                    down = lower;
                }
            }
            if (k >= 0) {
                total -= rate(planned[k]) - rate(down);
                planned[k] = down;
                continue;
            }
            for (int i = 0; i < n; i++) {
                if (planned[i] != null && (k < 0 || rate(planned[i]) > rate(planned[k]))) {
                    k = i;
                }
            }
            long current = k < 0 ? 0 : rate(planned[k]);
            if (!mayPause || k < 0 || budget - (total - current) >= current / 2) {
                return;
            }
            total -= current;
            planned[k] = null;
        }
    }

    /** True when every track is planned on its lowest sent layer, or paused. */
    private boolean atLowest(int n) {
        for (int i = 0; i < n; i++) {
            if (planned[i] != null && below(tracks[i].stream.layers, rate(planned[i])) != null) {
                return false;
            }
        }
        return true;
    }

    /** The track with the lowest rate one layer up, when that fits the estimate or the estimate has headroom. */
    private void stepUp(RouterTransport subscriber, int n, long total, long budget, long nowNanos) {
        int k = -1;
        PublishedStream up = null;
        for (int i = 0; i < n; i++) {
            PublishedStream next = above(tracks[i].stream.layers, rate(planned[i]));
            if (next != null && rate(next) > ceilings[i]) {
                next = null;
            }
            if (next != null && (k < 0 || rate(planned[i]) < rate(planned[k]))) {
                k = i;
                up = next;
            }
        }
        if (k < 0) {
            return;
        }
        boolean fits = total + rate(up) - rate(planned[k]) <= budget;
        if (fits || subscriber.downlinkEstimate >= HEADROOM * subscriber.sent.bitsPerSecond()) {
            planned[k] = up;
            lastUpgradeNanos = nowNanos;
            upgradeOnProbation = true;
            if (!fits) {
                router.count(RouterCounter.SIMULCAST_LAYER_TRIAL);
            }
        }
    }

    private void apply(Subscription s, PublishedStream want) {
        long from = s.paused && s.target == null ? 0 : rate(s.target != null ? s.target : s.stream);
        if (want == null) {
            if (highest(s.stream.layers) == null) {
                return; // the publisher sends no layer at the moment: nothing to choose, nothing to pause
            }
            if (!s.paused || s.target != null) {
                s.pauseVideo();
                router.count(RouterCounter.SIMULCAST_VIDEO_PAUSED);
            }
            return;
        }
        PublishedStream wanted = s.target != null ? s.target : s.paused ? null : s.stream;
        if (want == wanted) {
            return;
        }
        router.count(rate(want) > from ? RouterCounter.SIMULCAST_LAYER_UP : RouterCounter.SIMULCAST_LAYER_DOWN);
        s.chooseLayer(want);
    }

    /** Collects the subscriber's simulcast video subscriptions into {@link #tracks}; returns how many. */
    private int collect(RouterTransport subscriber) {
        ArrayList<Subscription> all = subscriber.subscriptions;
        int n = 0;
        for (int i = 0; i < all.size(); i++) {
            Subscription s = all.get(i);
            if (s.closed || !s.stream.isLayer()) {
                continue;
            }
            if (n == tracks.length) {
                tracks = java.util.Arrays.copyOf(tracks, n * 2);
                planned = java.util.Arrays.copyOf(planned, n * 2);
                ceilings = java.util.Arrays.copyOf(ceilings, n * 2);
            }
            tracks[n++] = s;
        }
        return n;
    }

    /**
     * What the subscriber receives besides simulcast video, as measured: its audio streams (reckoned at
     * {@link ReceiverFeedback#AUDIO_SHARE} until measured) and single-layer video.
     */
    private static long fixedRate(RouterTransport subscriber) {
        long fixed = 0;
        ArrayList<Subscription> all = subscriber.subscriptions;
        for (int i = 0; i < all.size(); i++) {
            Subscription s = all.get(i);
            if (s.closed) {
                continue;
            }
            if (!s.stream.video) {
                long measured = s.stream.bitrate.bitsPerSecond();
                fixed += measured > 0 ? measured : ReceiverFeedback.AUDIO_SHARE;
            } else if (!s.stream.isLayer() && !s.paused) {
                fixed += s.stream.bitrate.bitsPerSecond();
            }
        }
        return fixed;
    }

    /**
     * What {@code subscriber} would receive with no limit on its downlink: audio and single-layer video as
     * they come, and each simulcast track at the layer that fills its view. Probing looks for no more room.
     */
    static long demand(RouterTransport subscriber) {
        long total = fixedRate(subscriber);
        ArrayList<Subscription> all = subscriber.subscriptions;
        for (int i = 0; i < all.size(); i++) {
            Subscription s = all.get(i);
            if (s.closed || !s.stream.video || !s.stream.isLayer()) {
                continue;
            }
            long top = 0;
            for (PublishedStream l : s.stream.layers) top = Math.max(top, rate(l));
            total += Math.min(top, viewCeiling(s));
        }
        return total;
    }

    /**
     * The rate of the smallest sent layer that fills the subscriber's view of the track ({@link #VIEW_SLACK}),
     * as the layers' last keyframes gave their sizes: a phone's small tile gets no 640 px picture it would
     * shrink. Unlimited while the subscriber has not said its view size or no layer of known size fills it.
     */
    static long viewCeiling(Subscription s) {
        if (s.viewWidth <= 0 || s.viewHeight <= 0) {
            return UNLIMITED;
        }
        PublishedStream fill = null;
        for (PublishedStream l : s.stream.layers) {
            if (rate(l) > 0 && l.frameWidth > 0 && l.frameWidth * VIEW_SLACK >= s.viewWidth
                    && l.frameHeight * VIEW_SLACK >= s.viewHeight && (fill == null || rate(l) < rate(fill))) {
                fill = l;
            }
        }
        return fill == null ? UNLIMITED : rate(fill);
    }

    /** What a layer brings in, 0 for none or one the publisher does not send. */
    static long rate(PublishedStream layer) {
        return layer == null || layer.closed || !layer.bound ? 0 : layer.bitrate.bitsPerSecond();
    }

    private static PublishedStream bestFit(PublishedStream[] layers, long budget) {
        PublishedStream best = null;
        for (PublishedStream l : layers) {
            long r = rate(l);
            if (r > 0 && r <= budget && (best == null || r > rate(best))) {
                best = l;
            }
        }
        return best;
    }

    private static PublishedStream lowest(PublishedStream[] layers) {
        return above(layers, 0);
    }

    private static PublishedStream highest(PublishedStream[] layers) {
        return bestFit(layers, UNLIMITED);
    }

    /** The sent layer with the least rate above {@code rate}, or null. */
    private static PublishedStream above(PublishedStream[] layers, long rate) {
        PublishedStream best = null;
        for (PublishedStream l : layers) {
            long r = rate(l);
            if (r > rate && (best == null || r < rate(best))) {
                best = l;
            }
        }
        return best;
    }

    /** The sent layer with the most rate below {@code rate}, or null. */
    private static PublishedStream below(PublishedStream[] layers, long rate) {
        PublishedStream best = null;
        for (PublishedStream l : layers) {
            long r = rate(l);
            if (r > 0 && r < rate && (best == null || r > rate(best))) {
                best = l;
            }
        }
        return best;
    }
}
