package io.lvs4j.benchmarks.sched;

import io.lvs4j.core.sched.Destination;

/**
 * The reference for the indexed {@code wlc}: IPVS's linear scan ({@code ip_vs_wlc_schedule}),
 * as lvs4j's {@code wlc} ran it before it kept an index; every pick reads every server.
 */
final class IpvsWlcScan {

    private IpvsWlcScan() {
    }

    static Destination pick(Destination[] d) {
        int n = d.length;
        int i = 0;
        Destination least = null;
        for (; i < n; i++) {
            Destination x = d[i];
            if (!x.overloaded() && x.weight() > 0) {
                least = x;
                break;
            }
        }
        if (least == null) {
            return null;
        }
        long loh = least.overhead();
        for (i = i + 1; i < n; i++) {
            Destination x = d[i];
            if (x.overloaded()) {
                continue;
            }
            long doh = x.overhead();
            if (loh * x.weight() > doh * least.weight()) {
                least = x;
                loh = doh;
            }
        }
        return least;
    }
}
