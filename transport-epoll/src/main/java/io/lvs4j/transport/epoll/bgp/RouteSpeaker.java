package io.lvs4j.transport.epoll.bgp;

import io.lvs4j.core.status.AnnouncementStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * A BGP daemon that lvs4j runs and tells what to announce. All calls come from the announcer's
 * one thread; an implementation need not be thread-safe.
 */
interface RouteSpeaker {

    /** @return the daemon's name for the status, such as {@code frr} */
    String name();

    /**
     * Starts the daemon (again, after it died) with nothing announced.
     *
     * @throws IOException if it cannot be started
     */
    void start() throws IOException;

    /** @return whether the daemon runs */
    boolean running();

    /**
     * Announces a VIP's host prefix.
     *
     * @param vip the VIP
     * @throws IOException if the daemon refused or could not be asked
     */
    void announce(InetAddress vip) throws IOException;

    /**
     * Withdraws a VIP's host prefix.
     *
     * @param vip the VIP
     * @throws IOException if the daemon refused or could not be asked
     */
    void withdraw(InetAddress vip) throws IOException;

    /**
     * Asks the daemon for its sessions.
     *
     * @return the sessions; empty if the daemon tells none
     */
    List<AnnouncementStatus.Peer> peers();

    /** Stops the daemon; its sessions close, so the routers withdraw every route it announced. */
    void stop();
}
