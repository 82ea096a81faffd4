package io.lvs4j.transport.epoll;

/**
 * What a director's control plane publishes to its loops: the service table and whether the
 * director serves its VIPs (a VRRP master does, a backup does not). Each loop reads both once
 * per frame (volatile reads); the control plane replaces them. Thread-safe.
 */
final class Publication {

    private volatile ServiceTable services;
    private volatile boolean active;

    Publication(ServiceTable services, boolean active) {
        this.services = services;
        this.active = active;
    }

    ServiceTable services() {
        return services;
    }

    void services(ServiceTable table) {
        this.services = table;
    }

    boolean active() {
        return active;
    }

    void active(boolean on) {
        this.active = on;
    }
}
