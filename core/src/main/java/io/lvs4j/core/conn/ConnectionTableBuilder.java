package io.lvs4j.core.conn;

import io.lvs4j.core.time.NanoClock;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Describes a {@link ConnectionTable} ({@link ConnectionTable#builder()}): IPv4, a capacity of
 * 65536, IPVS's default timeouts, a 100 ms wheel tick over 4096 slots,
 * {@code expire_quiescent_template} off, a random hash seed, unless told otherwise. Not
 * thread-safe.
 */
public final class ConnectionTableBuilder {

    boolean ipv6;
    int capacity = 1 << 16;
    NanoClock clock = NanoClock.SYSTEM;
    DestinationRegistry registry;
    ConnectionTimeouts timeouts = ConnectionTimeouts.DEFAULTS;
    long tickNanos = 100_000_000L;
    int wheelSize = 4096;
    boolean expireQuiescentTemplate;
    long seed = new SplittableRandom().nextLong();
    Boolean hugePages;
    ConnectionTable.FullNatListener fullNatListener;
    java.nio.file.Path file;
    long fileOwner;
    DestinationResolver resolver;
    boolean deferRecovery;
    FloodDefense floodDefense = FloodDefense.OFF;
    RestartClock restartClock = RestartClock.SYSTEM;

    ConnectionTableBuilder() {
    }

    /**
     * Keys the table by IPv6 addresses.
     *
     * @return this
     */
    public ConnectionTableBuilder ipv6() {
        this.ipv6 = true;
        return this;
    }

    /**
     * Sets the hard capacity (connections plus templates).
     *
     * @param entries 1 to {@link ConnectionTable#MAX_CAPACITY}
     * @return this
     */
    public ConnectionTableBuilder capacity(int entries) {
        if (entries < 1 || entries > ConnectionTable.MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity out of range 1-" + ConnectionTable.MAX_CAPACITY + ": "
                    + entries);
        }
        this.capacity = entries;
        return this;
    }

    /**
     * Sets the clock.
     *
     * @param value the clock
     * @return this
     */
    public ConnectionTableBuilder clock(NanoClock value) {
        this.clock = Objects.requireNonNull(value, "clock");
        return this;
    }

    /**
     * Sets the registry that resolves destination ids to counters (required).
     *
     * @param value the registry
     * @return this
     */
    public ConnectionTableBuilder registry(DestinationRegistry value) {
        this.registry = Objects.requireNonNull(value, "registry");
        return this;
    }

    /**
     * Sets the timeouts.
     *
     * @param value the timeouts
     * @return this
     */
    public ConnectionTableBuilder timeouts(ConnectionTimeouts value) {
        this.timeouts = Objects.requireNonNull(value, "timeouts");
        return this;
    }

    /**
     * Sets the timer wheel: its tick (expiry precision) and number of slots (a power of two).
     *
     * @param tick the tick
     * @param slots the number of slots
     * @return this
     */
    public ConnectionTableBuilder wheel(Duration tick, int slots) {
        if (tick.isNegative() || tick.isZero() || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("tick must be positive and slots a power of two");
        }
        this.tickNanos = tick.toNanos();
        this.wheelSize = slots;
        return this;
    }

    /**
     * Sets IPVS's {@code expire_quiescent_template}: templates to a weight-0 server stop
     * matching.
     *
     * @param value true to expire them
     * @return this
     */
    public ConnectionTableBuilder expireQuiescentTemplate(boolean value) {
        this.expireQuiescentTemplate = value;
        return this;
    }

    /**
     * Decides whether to ask Linux for transparent huge pages ({@code madvise}) over the
     * table's memory, which makes random lookups in large tables much cheaper. By default a
     * table whose records take 64 MiB or more (1.4 million IPv4 entries) asks when the
     * {@code io.lvs4j.core} module has native access ({@code --enable-native-access}), and
     * silently keeps normal pages otherwise. {@code true} asks even without native access (the
     * JVM then warns once); {@code false} never asks. Best effort either way:
     * {@link ConnectionTable#hugePages()} tells whether the kernel took the advice.
     *
     * @param value true to ask, false not to
     * @return this
     */
    public ConnectionTableBuilder hugePages(boolean value) {
        this.hugePages = value;
        return this;
    }

    /**
     * Lets the table hold full-NAT connections ({@link ConnectionTable#insertFullNat}): records
     * grow by a local address (IPv4 records to 64 bytes, IPv6 to 104), so only tables that need
     * it should ask.
     *
     * @param listener receives every local port back as its entry is freed
     * @return this
     */
    public ConnectionTableBuilder fullNat(ConnectionTable.FullNatListener listener) {
        this.fullNatListener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Keeps the table's records in a file, mapped shared (a file in {@code /dev/shm} is
     * memory), so that a process started again after a stop, a crash or a {@code kill -9}
     * finds its connections: at build, a file written by a table of the same capacity, family
     * and owner is checked record by record and the table rebuilt from it, with the time each
     * entry had left; any other file (foreign, truncated, corrupt header, another capacity,
     * owner or boot) is refused with one log line and started afresh; a file another live
     * process holds (a lock) leaves this table in memory. Delete the file to start empty. Not
     * for full-NAT tables (their local ports belong to a pool of the process).
     *
     * @param path the file (its directory must exist)
     * @param owner who the table is for: a number that must be equal for the file to be kept
     *     (a loop's index and the number of loops, for example, so that flows find their loop)
     * @return this
     */
    public ConnectionTableBuilder file(java.nio.file.Path path, long owner) {
        this.file = Objects.requireNonNull(path, "path");
        this.fileOwner = owner;
        return this;
    }

    /**
     * Sets how entries kept in a {@link #file} find their real server's id in this run. By
     * default an entry keeps its id if the registry has it.
     *
     * @param value the resolver
     * @return this
     */
    public ConnectionTableBuilder resolver(DestinationResolver value) {
        this.resolver = Objects.requireNonNull(value, "resolver");
        return this;
    }

    /**
     * Defers taking over the entries kept in the {@link #file} until
     * {@link ConnectionTable#recoverKept()}, for a director whose real servers get their ids
     * after the table is built: their records are set aside meanwhile, and new entries are
     * inserted beside them.
     *
     * @return this
     */
    public ConnectionTableBuilder deferRecovery() {
        this.deferRecovery = true;
        return this;
    }

    /** Sets the clock that counts across restarts (tests). */
    ConnectionTableBuilder restartClock(RestartClock value) {
        this.restartClock = Objects.requireNonNull(value, "restartClock");
        return this;
    }

    /**
     * Sets the SYN-flood defence: IPVS's {@code drop_entry} and {@code secure_tcp}
     * ({@link FloodDefense}); both off by default, as in IPVS.
     *
     * @param value the defence
     * @return this
     */
    public ConnectionTableBuilder floodDefense(FloodDefense value) {
        this.floodDefense = Objects.requireNonNull(value, "value");
        return this;
    }

    /**
     * Sets the hash seed (random by default, against crafted collisions).
     *
     * @param value the seed
     * @return this
     */
    public ConnectionTableBuilder seed(long value) {
        this.seed = value;
        return this;
    }

    /**
     * Allocates the table.
     *
     * @return the table
     * @throws IllegalStateException without a {@link #registry}, or with both a {@link #file}
     *     and {@link #fullNat}
     */
    public ConnectionTable build() {
        if (registry == null) {
            throw new IllegalStateException("a DestinationRegistry is required");
        }
        if (file != null && fullNatListener != null) {
            throw new IllegalStateException("a full-NAT table cannot be kept in a file");
        }
        return new ConnectionTable(this);
    }
}
