package io.lvs4j.core.sched;

import java.net.InetAddress;
import java.util.List;

/**
 * An immutable snapshot of a virtual service's real servers, in IPVS's list order: a server
 * added later comes first (IPVS adds at the head of {@code svc->destinations}). The control
 * plane publishes a new set on every change; schedulers read it without locks.
 */
public final class DestinationSet {

    /** The set with no destination. */
    public static final DestinationSet EMPTY = new DestinationSet(List.of(), 0);

    private final Destination[] destinations;
    private final long generation;

    /**
     * Creates a set.
     *
     * @param destinations the destinations, first = most recently added
     * @param generation a number that grows with every change of the virtual service
     */
    public DestinationSet(List<Destination> destinations, long generation) {
        this.destinations = destinations.toArray(new Destination[0]);
        this.generation = generation;
    }

    /** @return how many destinations the set holds */
    public int size() {
        return destinations.length;
    }

    /** @return true if the set holds no destination */
    public boolean isEmpty() {
        return destinations.length == 0;
    }

    /**
     * Returns a destination by position.
     *
     * @param index 0 (most recently added) to {@code size() - 1}
     * @return the destination
     */
    public Destination get(int index) {
        return destinations[index];
    }

    /** @return the change number of the virtual service this set was taken at */
    public long generation() {
        return generation;
    }

    /**
     * Finds a destination by endpoint.
     *
     * @param address the server's address
     * @param port the server's port
     * @return its position, or -1 if it is not in the set
     */
    public int indexOf(InetAddress address, int port) {
        for (int i = 0; i < destinations.length; i++) {
            if (destinations[i].server().port() == port && destinations[i].server().address().equals(address)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Finds a destination by identity.
     *
     * @param destination a destination, possibly of an older set
     * @return the position of the destination with the same endpoint, or -1
     */
    public int indexOf(Destination destination) {
        return indexOf(destination.server().address(), destination.server().port());
    }

    /** @return the destinations as an unmodifiable list, first = most recently added */
    public List<Destination> asList() {
        return List.of(destinations);
    }
}
