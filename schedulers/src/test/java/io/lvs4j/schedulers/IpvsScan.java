package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;

/**
 * The reference: IPVS's linear scans of {@code lc}, {@code wlc}, {@code sed} and {@code nq}, as
 * the kernel modules write them (and as these schedulers picked before they kept an index).
 */
final class IpvsScan {

    private IpvsScan() {
    }

    static Destination pick(String scheduler, Destination[] d) {
        return switch (scheduler) {
            case "lc" -> lc(d);
            case "wlc" -> wlc(d);
            case "sed" -> sed(d);
            case "nq" -> nq(d);
            default -> throw new IllegalArgumentException(scheduler);
        };
    }

    static Destination lc(Destination[] d) {
        Destination least = null;
        int loh = 0;
        for (Destination x : d) {
            if (x.overloaded() || x.weight() == 0) {
                continue;
            }
            int doh = x.overhead();
            if (least == null || doh < loh) {
                least = x;
                loh = doh;
            }
        }
        return least;
    }

    static Destination wlc(Destination[] d) {
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

    static Destination sed(Destination[] d) {
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
        long loh = least.activeConnections() + 1L;
        for (i = i + 1; i < n; i++) {
            Destination x = d[i];
            if (x.overloaded()) {
                continue;
            }
            long doh = x.activeConnections() + 1L;
            if (loh * x.weight() > doh * least.weight()) {
                least = x;
                loh = doh;
            }
        }
        return least;
    }

    static Destination nq(Destination[] d) {
        Destination least = null;
        long loh = 0;
        for (Destination x : d) {
            if (x.overloaded() || x.weight() == 0) {
                continue;
            }
            int active = x.activeConnections();
            long doh = active + 1L;
            if (active == 0) {
                return x;
            }
            if (least == null || loh * x.weight() > doh * least.weight()) {
                least = x;
                loh = doh;
            }
        }
        return least;
    }
}
