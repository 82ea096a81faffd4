package io.lvs4j.transport.epoll;

import io.lvs4j.core.config.SyncDaemonConfig;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpState;

import java.io.IOException;
import java.net.InetAddress;

/**
 * A {@link Director}'s {@code lvs_sync_daemon}: starts the {@link SyncDaemon} on the data path
 * and makes its role follow the named VRRP instance, as keepalived does with the kernel's sync
 * daemons: master while the instance is MASTER (it sends the connections it forwards, and keeps
 * sending after a takeover, so that a returning node learns them), backup otherwise (it installs
 * its peer's). Thread-safe.
 */
final class DirectorSync implements VrrpListener {

    private final SyncDaemonConfig config;
    private SyncDaemon daemon;
    private boolean master;

    /** @param config {@code lvs_sync_daemon} */
    DirectorSync(SyncDaemonConfig config) {
        this.config = config;
    }

    /**
     * Starts syncing on a started data path, from a thread of its namespace.
     *
     * @param data the data path
     * @param own the director's address on the data path's interface
     * @param dataInterface the data path's interface
     * @param vrrpAddresses the VRRP instances' addresses, never a source (one may be left from a crash)
     * @throws IOException if a socket cannot be opened
     */
    synchronized void start(PacketDirector data, InetAddress own, String dataInterface,
            java.util.Set<InetAddress> vrrpAddresses) throws IOException {
        InetAddress source = config.interfaceName().equals(dataInterface) ? own
                : InterfaceAddresses.ipv4(config.interfaceName(), vrrpAddresses);
        daemon = SyncDaemon.start(data, config, source, SyncTuning.DEFAULTS);
        daemon.master(master);
    }

    @Override
    public synchronized void instanceStateChanged(String instance, VrrpState from, VrrpState to, int priority) {
        if (instance.equals(config.vrrpInstance())) {
            master = to == VrrpState.MASTER;
            if (daemon != null) {
                daemon.master(master);
            }
        }
    }

    /** @return the daemon, or null before {@link #start} */
    synchronized SyncDaemon daemon() {
        return daemon;
    }

    /** Stops syncing. */
    synchronized void close() {
        if (daemon != null) {
            daemon.close();
            daemon = null;
        }
    }
}
