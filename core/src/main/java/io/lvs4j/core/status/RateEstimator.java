package io.lvs4j.core.status;

/**
 * IPVS's rate estimator for one service or server ({@code net/netfilter/ipvs/ip_vs_est.c}).
 *
 * <p>Every two seconds ({@link #sample(TrafficStats)}) the growth of each counter since the
 * previous sample becomes a rate, and an exponentially weighted moving average with weight
 * 1/4 follows it: {@code avg += (rate - avg) / 4}. As in the kernel, averages are kept in fixed
 * point, connections and packets per second scaled by 2^10 and bytes per second by 2^5, the
 * division by 4 is an arithmetic shift, and reading adds one less than half a unit before
 * shifting (so 7.5 reads as 7, 7.51 as 8). A constant
 * rate is therefore reached after about eight seconds, and a burst decays over the same time.
 *
 * <p>Not thread-safe: one control-plane thread samples and reads it (see {@link RateEstimation}).
 */
public final class RateEstimator {

    /** The sampling period of IPVS: two seconds. */
    public static final long PERIOD_NANOS = 2_000_000_000L;

    private TrafficStats last;
    private long cps;
    private long inPps;
    private long outPps;
    private long inBps;
    private long outBps;

    /**
     * Creates an estimator whose first sample only records the counters.
     */
    public RateEstimator() {
    }

    /**
     * Takes one two-second sample. The first sample sets the starting point and leaves the
     * rates at zero, as a new IPVS estimator does.
     *
     * @param now the cumulative counters now
     */
    public void sample(TrafficStats now) {
        if (last != null) {
            cps = average(cps, (now.connections() - last.connections()) << 9);
            inPps = average(inPps, (now.inPackets() - last.inPackets()) << 9);
            outPps = average(outPps, (now.outPackets() - last.outPackets()) << 9);
            inBps = average(inBps, (now.inBytes() - last.inBytes()) << 4);
            outBps = average(outBps, (now.outBytes() - last.outBytes()) << 4);
        }
        last = now;
    }

    private static long average(long average, long rate) {
        return average + ((rate - average) >> 2);
    }

    /**
     * Returns the current estimates per second, rounded as IPVS reads them.
     *
     * @return the rates
     */
    public TrafficRates rates() {
        return new TrafficRates((cps + 0x1FF) >> 10, (inPps + 0x1FF) >> 10, (outPps + 0x1FF) >> 10,
                (inBps + 0xF) >> 5, (outBps + 0xF) >> 5);
    }
}
