package io.lvs4j.core.status;

import io.lvs4j.core.model.Protocol;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One virtual service with its real servers: a block of {@code ipvsadm -Ln}.
 *
 * @param protocol the protocol
 * @param address the virtual address (the family's any-address for a fwmark service)
 * @param port the virtual port (0 for a fwmark service)
 * @param scheduler the scheduler's IPVS name, such as {@code rr}
 * @param persistenceTimeout the persistence timeout in seconds, 0 if not persistent
 * @param persistenceNetmask the persistence granularity as a prefix length (32 or 128: per client)
 * @param stats cumulative traffic counters of the whole service
 * @param rates estimated rates of the whole service
 * @param servers the real servers, in any order
 * @param fwmark the firewall mark of a fwmark service, else 0
 */
public record ServiceStatus(Protocol protocol, InetAddress address, int port, String scheduler,
        int persistenceTimeout, int persistenceNetmask, TrafficStats stats, TrafficRates rates,
        List<ServerStatus> servers, int fwmark) {

    /**
     * A service of an address and port (no firewall mark).
     *
     * @param protocol the protocol
     * @param address the virtual address
     * @param port the virtual port
     * @param scheduler the scheduler's IPVS name
     * @param persistenceTimeout the persistence timeout in seconds, 0 if not persistent
     * @param persistenceNetmask the persistence granularity as a prefix length
     * @param stats cumulative traffic counters of the whole service
     * @param rates estimated rates of the whole service
     * @param servers the real servers, in any order
     */
    public ServiceStatus(Protocol protocol, InetAddress address, int port, String scheduler,
            int persistenceTimeout, int persistenceNetmask, TrafficStats stats, TrafficRates rates,
            List<ServerStatus> servers) {
        this(protocol, address, port, scheduler, persistenceTimeout, persistenceNetmask, stats, rates, servers, 0);
    }

    /**
     * Checks the fields and copies the list.
     *
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if the netmask is not a prefix length of the address family
     */
    public ServiceStatus {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(rates, "rates");
        servers = List.copyOf(servers);
        int bits = address.getAddress().length * 8;
        if (persistenceNetmask < 0 || persistenceNetmask > bits) {
            throw new IllegalArgumentException("netmask /" + persistenceNetmask + " for " + address);
        }
    }

    /**
     * Returns a copy with other rates and servers.
     *
     * @param newRates the service's rates
     * @param newServers the servers
     * @return the copy
     */
    public ServiceStatus with(TrafficRates newRates, List<ServerStatus> newServers) {
        return new ServiceStatus(protocol, address, port, scheduler, persistenceTimeout,
                persistenceNetmask, stats, newRates, newServers, fwmark);
    }
}
