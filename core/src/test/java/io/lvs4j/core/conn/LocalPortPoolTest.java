package io.lvs4j.core.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LocalPortPoolTest {

    @Test
    void shouldHandEveryPortOutOnceThenReportExhaustion() {
        LocalPortPool pool = LocalPortPool.builder().range(40000, 40003).build();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            ports.add(pool.allocate(0));
        }
        assertEquals(Set.of(40000, 40001, 40002, 40003), ports);
        assertEquals(0, pool.available(0));
        assertEquals(LocalPortPool.EXHAUSTED, pool.allocate(0));
        assertEquals(LocalPortPool.EXHAUSTED, pool.allocate(0));
        assertEquals(2, pool.exhaustions());
        assertEquals(4, pool.inUse());
    }

    @Test
    void shouldReuseReleasedPortsInTheOrderTheyCameBack() {
        LocalPortPool pool = LocalPortPool.builder().range(40000, 40003).build();
        for (int i = 0; i < 4; i++) {
            pool.allocate(0);
        }
        assertTrue(pool.release(0, 40002));
        assertTrue(pool.release(0, 40000));
        assertEquals(2, pool.available(0));
        assertEquals(40002, pool.allocate(0));
        assertTrue(pool.release(0, 40003));
        assertEquals(40000, pool.allocate(0));
        assertEquals(40003, pool.allocate(0));
        assertEquals(LocalPortPool.EXHAUSTED, pool.allocate(0));
        assertEquals(4, pool.inUse());
    }

    @Test
    void shouldPreferNeverUsedPortsToReleasedOnes() {
        LocalPortPool pool = LocalPortPool.builder().range(50000, 50009).build();
        int first = pool.allocate(0);
        assertTrue(pool.release(0, first));
        assertEquals(50001, pool.allocate(0));
        assertTrue(pool.inUse(0, 50001));
        assertFalse(pool.inUse(0, first));
    }

    @Test
    void shouldHandTheSamePortOutInDifferentPools() {
        LocalPortPool pool = LocalPortPool.builder().pools(3).range(2000, 2000).build();
        assertEquals(2000, pool.allocate(0));
        assertEquals(2000, pool.allocate(2));
        assertEquals(LocalPortPool.EXHAUSTED, pool.allocate(0));
        assertEquals(2000, pool.allocate(1));
        assertTrue(pool.release(2, 2000));
        assertFalse(pool.inUse(2, 2000));
        assertTrue(pool.inUse(0, 2000));
        assertEquals(2000, pool.allocate(2));
    }

    @Test
    void shouldHandOutOnlyPortsOfItsResidue() {
        LocalPortPool pool = LocalPortPool.builder().residue(2, 3).build();
        int expected = 0;
        for (int p = 1024; p <= 65535; p++) {
            if (p % 3 == 2) {
                expected++;
            }
        }
        assertEquals(expected, pool.portsPerPool());
        assertEquals(1025, pool.firstPort());
        Set<Integer> seen = new HashSet<>();
        int port;
        while ((port = pool.allocate(0)) != LocalPortPool.EXHAUSTED) {
            assertEquals(2, port % 3, "port " + port);
            assertTrue(port >= 1024 && port <= 65535);
            assertTrue(seen.add(port));
        }
        assertEquals(expected, seen.size());
    }

    @Test
    void shouldCoverTheDefaultRangeWithoutResidue() {
        LocalPortPool pool = LocalPortPool.builder().build();
        assertEquals(65535 - 1024 + 1, pool.portsPerPool());
        assertEquals(1024, pool.allocate(0));
    }

    @Test
    void shouldRefuseAndCountReleasesOfPortsNotInUse() {
        LocalPortPool pool = LocalPortPool.builder().range(3000, 3010).residue(0, 2).build();
        int p = pool.allocate(0);
        assertEquals(3000, p);
        assertFalse(pool.release(0, 3002), "never handed out");
        assertFalse(pool.release(0, 3001), "not of the residue");
        assertFalse(pool.release(0, 2998), "below the range");
        assertFalse(pool.release(0, 3012), "above the range");
        assertTrue(pool.release(0, p));
        assertFalse(pool.release(0, p), "released twice");
        assertEquals(5, pool.foreignReleases());
        assertEquals(0, pool.inUse());
        assertEquals(6, pool.available(0));
    }

    @Test
    void shouldRejectARangeWithoutAPortOfTheResidue() {
        assertThrows(IllegalArgumentException.class,
                () -> LocalPortPool.builder().range(5, 6).residue(3, 4).build());
        assertThrows(IllegalArgumentException.class, () -> LocalPortPool.builder().range(0, 10));
        assertThrows(IllegalArgumentException.class, () -> LocalPortPool.builder().range(10, 65536));
        assertThrows(IllegalArgumentException.class, () -> LocalPortPool.builder().residue(2, 2));
        assertThrows(IllegalArgumentException.class, () -> LocalPortPool.builder().pools(0));
    }

    /** A random walk of allocations and releases agrees with a model: a set of ports per pool. */
    @Property(tries = 200)
    void shouldAgreeWithAModelOfFreePorts(@ForAll @IntRange(min = 1, max = 4) int pools,
            @ForAll @IntRange(min = 1, max = 60) int width, @ForAll @IntRange(min = 1, max = 5) int modulus,
            @ForAll @IntRange(min = 0, max = 4) int index, @ForAll long seed) {
        int residue = index % modulus;
        int first = 20000;
        int last = first + width - 1;
        int capacity = 0;
        for (int p = first; p <= last; p++) {
            if (p % modulus == residue) {
                capacity++;
            }
        }
        if (capacity == 0) {
            assertThrows(IllegalArgumentException.class,
                    () -> LocalPortPool.builder().range(first, last).residue(residue, modulus).build());
            return;
        }
        LocalPortPool pool = LocalPortPool.builder().pools(pools).range(first, last).residue(residue, modulus)
                .build();
        assertEquals(capacity, pool.portsPerPool());
        List<Set<Integer>> model = new ArrayList<>();
        for (int i = 0; i < pools; i++) {
            model.add(new HashSet<>());
        }
        Random random = new Random(seed);
        long exhaustions = 0;
        long total = 0;
        for (int step = 0; step < 400; step++) {
            int k = random.nextInt(pools);
            Set<Integer> taken = model.get(k);
            if (random.nextInt(3) != 0) {
                int port = pool.allocate(k);
                if (taken.size() == capacity) {
                    assertEquals(LocalPortPool.EXHAUSTED, port);
                    exhaustions++;
                } else {
                    assertTrue(port >= first && port <= last && port % modulus == residue, "port " + port);
                    assertTrue(taken.add(port), "handed out twice: " + port);
                    total++;
                }
            } else {
                int port = first + random.nextInt(width + 2) - 1;
                assertEquals(taken.remove(port), pool.release(k, port));
                if (!taken.isEmpty() && random.nextBoolean()) {
                    int held = taken.iterator().next();
                    assertTrue(pool.release(k, held));
                    taken.remove(held);
                }
            }
            assertEquals(capacity - taken.size(), pool.available(k));
        }
        long inUse = model.stream().mapToInt(Set::size).sum();
        assertEquals(inUse, pool.inUse());
        assertEquals(exhaustions, pool.exhaustions());
        assertTrue(total >= inUse);
    }

    /** After every port was used once, ports come back in the order of their release. */
    @Property(tries = 100)
    void shouldReuseInReleaseOrder(@ForAll @IntRange(min = 1, max = 40) int width, @ForAll long seed) {
        LocalPortPool pool = LocalPortPool.builder().range(30000, 30000 + width - 1).build();
        List<Integer> held = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            held.add(pool.allocate(0));
        }
        Random random = new Random(seed);
        ArrayDeque<Integer> order = new ArrayDeque<>();
        for (int step = 0; step < 300; step++) {
            if (!held.isEmpty() && (order.isEmpty() || random.nextBoolean())) {
                int port = held.remove(random.nextInt(held.size()));
                assertTrue(pool.release(0, port));
                order.addLast(port);
            } else {
                int port = pool.allocate(0);
                assertEquals(order.removeFirst(), port);
                held.add(port);
            }
        }
    }
}
