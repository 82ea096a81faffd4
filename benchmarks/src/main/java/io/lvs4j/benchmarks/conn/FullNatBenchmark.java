package io.lvs4j.benchmarks.conn;

import io.lvs4j.benchmarks.AbstractBenchmark;
import io.lvs4j.benchmarks.HotPath;
import io.lvs4j.core.conn.ConnectionTable;
import io.lvs4j.core.conn.DestinationRegistry;
import io.lvs4j.core.conn.FlowTuple;
import io.lvs4j.core.conn.LocalPortPool;
import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.model.ForwardingMethod;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Full-NAT's own per-connection and per-packet work: a local port allocated and another
 * released ({@link LocalPortPool}, a loop's pool of 2 local addresses times 16 servers, the
 * default range, residue 0 of 2, half of each pool held), and the reply lookup of a full table
 * of full-NAT entries (real server, local address and port), beside the NAT reply lookup
 * (real server, client) of a NAT table of the same size, visited in the same random order.
 */
public class FullNatBenchmark extends AbstractBenchmark {

    private static final int VIP = 0xC6120064;
    private static final int SERVERS = 16;
    private static final int LOCALS = 4;
    private static final int LOCAL_BASE = 0xC61201F0;
    private static final int SERVER_BASE = 0xC6120100;

    private LocalPortPool pool;
    private int[] held;
    private int[] heldPool;
    private int heldCursor;
    private int nextPool;

    /** Two full tables, one of full-NAT and one of NAT connections, and their keys in random order. */
    @State(Scope.Thread)
    public static class Tables {

        /** Entries in each table. */
        @Param({"1000", "1000000"})
        public int entries;

        private final FlowTuple tuple = new FlowTuple();
        private ConnectionTable fullNat;
        private ConnectionTable nat;
        private int[] servers;
        private int[] locals;
        private int[] localPorts;
        private int[] clients;
        private int[] clientPorts;
        private int cursor;

        /** Fills both tables. */
        @Setup(Level.Trial)
        public void fill() {
            DestinationRegistry registry = new DestinationRegistry(SERVERS);
            for (int d = 0; d < SERVERS; d++) {
                registry.register(d, new ConnectionCounters(), 1);
            }
            fullNat = ConnectionTable.builder().capacity(entries).registry(registry).seed(1)
                    .fullNat((memory, address, port, id) -> { }).build();
            nat = ConnectionTable.builder().capacity(entries).registry(registry).seed(1).build();
            servers = new int[entries];
            locals = new int[entries];
            localPorts = new int[entries];
            clients = new int[entries];
            clientPorts = new int[entries];
            for (int i = 0; i < entries; i++) {
                int d = i % SERVERS;
                servers[i] = SERVER_BASE + d;
                locals[i] = LOCAL_BASE + (i / SERVERS) % LOCALS;
                localPorts[i] = 1024 + i / (SERVERS * LOCALS);
                clients[i] = 0x0A000000 + i;
                clientPorts[i] = 1024 + i % 50000;
                fullNat.insertFullNat(tuple.ipv4(6, clients[i], clientPorts[i], VIP, 80).server(servers[i], 80)
                        .local(locals[i], localPorts[i]), d, ConnectionTable.MISS);
                nat.insert(tuple.ipv4(6, clients[i], clientPorts[i], VIP, 80).server(servers[i], 80), d,
                        ForwardingMethod.MASQUERADE, ConnectionTable.MISS);
            }
            SplittableRandom random = new SplittableRandom(1);
            for (int i = entries - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                swap(servers, i, j);
                swap(locals, i, j);
                swap(localPorts, i, j);
                swap(clients, i, j);
                swap(clientPorts, i, j);
            }
        }

        private static void swap(int[] a, int i, int j) {
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }

        /** Frees the tables. */
        @TearDown(Level.Trial)
        public void close() {
            fullNat.close();
            nat.close();
        }

        private int next() {
            int i = cursor;
            cursor = i + 1 == entries ? 0 : i + 1;
            return i;
        }
    }

    /** Fills half of every port pool. */
    @Setup(Level.Trial)
    public void fillPool() {
        int pools = 2 * SERVERS;
        pool = LocalPortPool.builder().pools(pools).residue(0, 2).build();
        int half = pool.portsPerPool() / 2;
        held = new int[pools * half];
        heldPool = new int[pools * half];
        for (int i = 0; i < held.length; i++) {
            heldPool[i] = i % pools;
            held[i] = pool.allocate(heldPool[i]);
        }
    }

    /**
     * Finds a full-NAT connection from its reply: (server, local address and port).
     *
     * @param t the tables
     * @return the entry
     */
    @Benchmark
    @HotPath
    public int fullNatReply(Tables t) {
        int i = t.next();
        return t.fullNat.lookupReply(t.tuple.protocol(6).server(t.servers[i], 80).client(t.locals[i],
                t.localPorts[i]));
    }

    /**
     * Finds a NAT connection from its reply: (server, client address and port), for comparison.
     *
     * @param t the tables
     * @return the entry
     */
    @Benchmark
    @HotPath
    public int natReply(Tables t) {
        int i = t.next();
        return t.nat.lookupReply(t.tuple.protocol(6).server(t.servers[i], 80).client(t.clients[i],
                t.clientPorts[i]));
    }

    /**
     * Releases the port held longest and allocates one in the next pool, as a connection ends
     * and another starts.
     *
     * @return the new port
     */
    @Benchmark
    @HotPath
    public int allocateRelease() {
        int h = heldCursor;
        heldCursor = h + 1 == held.length ? 0 : h + 1;
        pool.release(heldPool[h], held[h]);
        int p = nextPool;
        nextPool = p + 1 == pool.pools() ? 0 : p + 1;
        heldPool[h] = p;
        held[h] = pool.allocate(p);
        return held[h];
    }
}
