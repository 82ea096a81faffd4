package io.lvs4j.core.conn;

import io.lvs4j.core.model.ConnectionCounters;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Maps the destination ids stored in connection entries to the real servers' live
 * {@link ConnectionCounters}, weight and availability: an array indexed by id that the
 * control plane fills and event loops read.
 *
 * <p>Thread-safe: the control plane writes (a published immutable slot per id, allocated only
 * when it changes), event loops read with one volatile load. An id stays resolvable after its
 * server is made unavailable, so that its live connections are still counted down when they
 * end, as IPVS keeps removed servers in its trash.
 */
public final class DestinationRegistry {

    private record Slot(ConnectionCounters counters, int weight, boolean available) {
    }

    private final AtomicReferenceArray<Slot> slots;

    /**
     * Creates an empty registry.
     *
     * @param capacity the number of ids, 0 to {@code capacity - 1}
     */
    public DestinationRegistry(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    /** @return the number of ids */
    public int capacity() {
        return slots.length();
    }

    /**
     * Registers (or re-registers) a destination as available.
     *
     * @param id the id stored in connection entries
     * @param counters the server's counters
     * @param weight the server's weight; 0 means quiesced
     */
    public void register(int id, ConnectionCounters counters, int weight) {
        slots.set(id, new Slot(Objects.requireNonNull(counters, "counters"), weight, true));
    }

    /**
     * Changes a registered destination's weight.
     *
     * @param id the id
     * @param weight the new weight
     */
    public void weight(int id, int weight) {
        Slot slot = slots.get(id);
        if (slot == null) {
            throw new IllegalArgumentException("destination id not registered: " + id);
        }
        slots.set(id, new Slot(slot.counters(), weight, slot.available()));
    }

    /**
     * Marks a destination unavailable (removed or down); its counters stay resolvable.
     *
     * @param id the id
     */
    public void unavailable(int id) {
        Slot slot = slots.get(id);
        if (slot != null) {
            slots.set(id, new Slot(slot.counters(), slot.weight(), false));
        }
    }

    /**
     * Returns a destination's counters.
     *
     * @param id the id
     * @return the counters, or null if the id was never registered or is out of range
     */
    public ConnectionCounters counters(int id) {
        Slot slot = id >= 0 && id < slots.length() ? slots.get(id) : null;
        return slot == null ? null : slot.counters();
    }

    /**
     * Returns a destination's weight.
     *
     * @param id the id
     * @return the weight, 0 if unknown
     */
    public int weight(int id) {
        Slot slot = id >= 0 && id < slots.length() ? slots.get(id) : null;
        return slot == null ? 0 : slot.weight();
    }

    /**
     * Tells whether a destination is available (IPVS's {@code IP_VS_DEST_F_AVAILABLE}).
     *
     * @param id the id
     * @return false if unknown or unavailable
     */
    public boolean available(int id) {
        Slot slot = id >= 0 && id < slots.length() ? slots.get(id) : null;
        return slot != null && slot.available();
    }
}
