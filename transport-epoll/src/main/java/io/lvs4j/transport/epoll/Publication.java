package io.lvs4j.transport.epoll;

import java.util.Arrays;

/**
 * What a director's control plane publishes to its loops: the service table and which of its
 * virtual addresses the director serves now (a VRRP master of an instance serves that
 * instance's VIPs, a backup does not). Each loop reads both with volatile reads per frame; the
 * control plane replaces them. Thread-safe.
 */
final class Publication {

    private volatile ServiceTable services;
    /** By index of {@link ServiceTable#virtualAddresses()}: whether that VIP is served; replaced whole. */
    private volatile boolean[] serving;
    private volatile boolean any;

    Publication(ServiceTable services, boolean active) {
        this.services = services;
        boolean[] all = new boolean[services.virtualAddresses().size()];
        Arrays.fill(all, active);
        serve(all);
    }

    ServiceTable services() {
        return services;
    }

    void services(ServiceTable table) {
        this.services = table;
    }

    /** @return whether the VIP of an index of {@link ServiceTable#virtualAddresses()} is served */
    boolean serving(int vip) {
        boolean[] now = serving;
        return vip >= 0 && vip < now.length && now[vip];
    }

    /** @return whether any VIP is served (and so the full-NAT local addresses, and NAT replies) */
    boolean any() {
        return any;
    }

    /** @return which VIPs are served, by index */
    boolean[] serving() {
        return serving.clone();
    }

    /** Replaces which VIPs are served (control plane; one writer at a time). */
    synchronized void serve(boolean[] next) {
        boolean some = false;
        for (boolean b : next) {
            some |= b;
        }
        serving = next.clone();
        any = some;
    }

    /** Starts or stops serving one VIP (control plane). */
    synchronized void serve(int vip, boolean on) {
        boolean[] next = serving.clone();
        next[vip] = on;
        serve(next);
    }
}
