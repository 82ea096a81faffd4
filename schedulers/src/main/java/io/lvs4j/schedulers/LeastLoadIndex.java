package io.lvs4j.schedulers;

import io.lvs4j.core.model.ConnectionCounters;
import io.lvs4j.core.sched.Destination;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A tournament tree over one destination list that keeps, at its root, the server IPVS's linear
 * scan of {@code lc}, {@code wlc}, {@code sed} or {@code nq} would pick: the first server in list
 * order among the least loaded that are usable (weight above 0, not overloaded). A pick reads
 * the root; the work moves to the counters' changes, which refresh the path from the changed
 * server's leaf towards the root ({@code O(log n)}, usually fewer levels).
 *
 * <p>Each internal node holds the winner of its subtree: the left child's winner unless the
 * right child's is strictly less loaded, the load read live from the counters. Because every
 * rule compares loads exactly (cross-multiplied in 64 bits, as IPVS does) the comparison is a
 * total preorder, so the winner of the whole tree is the first minimum in list order, which is
 * what the scan returns.
 *
 * <p>Threading: the counters change on any event loop with no lock; the thread that changed
 * them refreshes the tree ({@link ConnectionCounters.Observer}). A node is a {@code long}
 * holding a version and the winner, updated by compare-and-set; a refresh reads the node,
 * computes the winner from its children and the live counters, and swaps it in if the node
 * did not change meanwhile; if that fails, it refreshes once more, which suffices (Jayanti's
 * f-arrays): the refresh that beat it, or the one that beat the second try, read the children
 * after this thread's change. A thread goes on to the parent unless its server was the node's
 * winner neither before nor after and its own swap did not change the winner (any thread whose
 * swap changed a winner carries that change up). Hence, once the counters stop changing, every
 * node holds the exact winner; while they change, a pick sees the result of a scan over counter
 * values each of which was current at some moment of the recent past, as IPVS's own lock-free
 * scan does; and on one loop, a pick that follows the loop's own change sees it.
 *
 * <p>Exact as long as a server's overhead fits IPVS's {@code int} ({@code active << 8} below
 * 2^31); versions wrap after 2^32 swaps of one node.
 */
final class LeastLoadIndex {

    /** {@code lc}: least {@code (active << 8) + inactive}. */
    static final int LC = 0;
    /** {@code wlc}: least overhead per weight. */
    static final int WLC = 1;
    /** {@code sed}: least {@code (active + 1) / weight}. */
    static final int SED = 2;
    /** {@code nq}: the first with no active connection, else as {@code sed}. */
    static final int NQ = 3;

    private static final VarHandle NODES = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long WINNER_MASK = 0xFFFF_FFFFL;

    private final int rule;
    private final Destination[] destinations;
    private final ConnectionCounters[] counters;
    private final int[] weights;
    private final int size;
    /** Nodes 1 to {@code size - 1}: version in the high 32 bits, winner + 1 in the low 32 (0: none). */
    private final long[] nodes;
    private final Leaf[] leaves;

    /**
     * Builds an index not yet attached: call {@link #attach()} before reading it.
     *
     * @param rule {@link #LC}, {@link #WLC}, {@link #SED} or {@link #NQ}
     * @param destinations the destinations in IPVS list order
     */
    LeastLoadIndex(int rule, Destination[] destinations) {
        this.rule = rule;
        this.destinations = destinations.clone();
        int n = destinations.length;
        this.size = Math.max(2, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
        this.counters = new ConnectionCounters[n];
        this.weights = new int[n];
        this.leaves = new Leaf[n];
        for (int i = 0; i < n; i++) {
            counters[i] = destinations[i].counters();
            weights[i] = destinations[i].weight();
            leaves[i] = new Leaf(i);
        }
        this.nodes = new long[size];
    }

    /**
     * Starts following the counters, then computes every node: a change made meanwhile either
     * precedes the computation's reads or refreshes the tree itself. Control plane only.
     */
    void attach() {
        for (int i = 0; i < leaves.length; i++) {
            counters[i].observe(leaves[i]);
        }
        for (int node = size - 1; node >= 1; node--) {
            if (!refresh(node)) {
                refresh(node);
            }
        }
    }

    /** Stops following the counters. Control plane only. */
    void detach() {
        for (int i = 0; i < leaves.length; i++) {
            counters[i].unobserve(leaves[i]);
        }
    }

    /** @return the destination IPVS's scan would pick now, or {@code null} if none is usable */
    Destination pick() {
        int winner = winner((long) NODES.getVolatile(nodes, 1));
        return winner < 0 ? null : destinations[winner];
    }

    /** @return the number of destinations */
    int size() {
        return destinations.length;
    }

    /**
     * Recomputes every node from its children and tells whether each holds the winner it should
     * (for tests, while no counter changes).
     *
     * @return {@code true} if no node is stale
     */
    boolean consistent() {
        for (int node = size - 1; node >= 1; node--) {
            if (winner((long) NODES.getVolatile(nodes, node)) != compute(node)) {
                return false;
            }
        }
        return true;
    }

    /** Carries a change of server {@code leaf}'s counters towards the root. */
    private void changed(int leaf) {
        for (int node = (leaf + size) >>> 1; node >= 1; node >>>= 1) {
            long before = (long) NODES.getVolatile(nodes, node);
            long seen = before;
            int computed = compute(node);
            boolean moved;
            if (NODES.compareAndSet(nodes, node, seen, next(seen, computed))) {
                moved = computed != winner(seen);
            } else {
                seen = (long) NODES.getVolatile(nodes, node);
                computed = compute(node);
                moved = NODES.compareAndSet(nodes, node, seen, next(seen, computed)) && computed != winner(seen);
            }
            if (!moved && winner(before) != leaf && winner((long) NODES.getVolatile(nodes, node)) != leaf) {
                return;
            }
        }
    }

    /** One refresh of a node; @return whether its swap succeeded */
    private boolean refresh(int node) {
        long seen = (long) NODES.getVolatile(nodes, node);
        return NODES.compareAndSet(nodes, node, seen, next(seen, compute(node)));
    }

    private static long next(long seen, int winner) {
        return ((seen >>> 32) + 1) << 32 | ((winner + 1) & WINNER_MASK);
    }

    private static int winner(long node) {
        return (int) (node & WINNER_MASK) - 1;
    }

    /** The winner of a node from its children as they are now. */
    private int compute(int node) {
        int a = candidate(node << 1);
        int b = candidate((node << 1) | 1);
        if (a < 0) {
            return b;
        }
        if (b < 0) {
            return a;
        }
        return beats(b, a) ? b : a;
    }

    /** A child's winner if it is usable now, else -1. */
    private int candidate(int child) {
        int i = child >= size ? child - size : winner((long) NODES.getVolatile(nodes, child));
        return i >= 0 && i < weights.length && weights[i] > 0 && !counters[i].overloaded() ? i : -1;
    }

    /** Whether server {@code b} (later in list order) is strictly less loaded than {@code a}. */
    private boolean beats(int b, int a) {
        ConnectionCounters ca = counters[a];
        ConnectionCounters cb = counters[b];
        switch (rule) {
            case LC -> {
                return overhead(cb) < overhead(ca);
            }
            case WLC -> {
                return (long) overhead(ca) * weights[b] > (long) overhead(cb) * weights[a];
            }
            case SED -> {
                return (ca.activeConnections() + 1L) * weights[b] > (cb.activeConnections() + 1L) * weights[a];
            }
            default -> {
                int activeA = ca.activeConnections();
                int activeB = cb.activeConnections();
                if (activeA == 0 || activeB == 0) {
                    return activeA != 0;
                }
                return (activeA + 1L) * weights[b] > (activeB + 1L) * weights[a];
            }
        }
    }

    private static int overhead(ConnectionCounters c) {
        return (c.activeConnections() << 8) + c.inactiveConnections();
    }

    /** One server's place in the tree, told of its counters' changes. */
    private final class Leaf implements ConnectionCounters.Observer {
        private final int index;

        Leaf(int index) {
            this.index = index;
        }

        @Override
        public void countersChanged() {
            changed(index);
        }
    }
}
