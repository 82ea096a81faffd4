package io.lvs4j.schedulers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.core.model.RealServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MaglevTableTest {

    private static final int M = MaglevTable.DEFAULT_SIZE;

    static List<RealServer> servers(int n, int weight) {
        List<RealServer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(RealServer.of(Lab.ip("10.0." + (i / 250) + "." + (i % 250 + 1)), 80, weight));
        }
        return list;
    }

    /** The endpoint owning each slot, independent of the order the servers were given in. */
    static String[] owners(MaglevTable table, List<RealServer> servers) {
        String[] out = new String[table.size()];
        for (int i = 0; i < out.length; i++) {
            int o = table.owner(i);
            out[i] = o < 0 ? "-" : servers.get(o).endpoint();
        }
        return out;
    }

    @Test
    void shouldBalanceEqualServersWithinOnePercent() {
        int[] counts = MaglevTable.build(servers(100, 1), M).slotCounts();
        int max = 0;
        int sum = 0;
        for (int c : counts) {
            max = Math.max(max, c);
            sum += c;
        }
        assertEquals(M, sum);
        double ratio = max / (sum / 100.0);
        assertTrue(ratio <= 1.01, "max/mean " + ratio);
    }

    @Test
    void shouldMoveFewSlotsWhenOneOfAHundredServersIsRemoved() {
        List<RealServer> all = servers(100, 1);
        String[] before = owners(MaglevTable.build(all, M), all);
        double worst = 0;
        double total = 0;
        for (int removed = 0; removed < 100; removed += 11) {
            List<RealServer> rest = new ArrayList<>(all);
            rest.remove(removed);
            String[] after = owners(MaglevTable.build(rest, M), rest);
            int moved = 0;
            for (int i = 0; i < M; i++) {
                moved += before[i].equals(after[i]) ? 0 : 1;
            }
            double factor = moved / (M / 100.0);
            worst = Math.max(worst, factor);
            total += factor;
        }
        System.out.printf("Maglev disruption, 1 of 100 servers removed, M=%d: mean %.3fx, worst %.3fx the ideal 1/100%n",
                M, total / 10, worst);
        assertTrue(worst <= 1.7, "moved " + worst + "x the ideal");
    }

    @Test
    void shouldHonourWeightsWithinOnePercent() {
        List<RealServer> list = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < 20; i++) {
            int w = 1 + (i % 10);
            list.add(RealServer.of(Lab.ip("10.2.0." + (i + 1)), 8080, w * 10));
            total += w * 10;
        }
        int[] counts = MaglevTable.build(list, M).slotCounts();
        for (int i = 0; i < list.size(); i++) {
            double expected = (double) M * list.get(i).weight() / total;
            assertTrue(Math.abs(counts[i] - expected) <= 0.01 * expected,
                    list.get(i) + " got " + counts[i] + " slots, expected " + expected);
        }
    }

    @Test
    void shouldGiveNoSlotToAServerOfWeightZero() {
        List<RealServer> list = new ArrayList<>(servers(3, 5));
        list.set(1, list.get(1).withWeight(0));
        int[] counts = MaglevTable.build(list, 251).slotCounts();
        assertEquals(0, counts[1]);
        assertEquals(251, counts[0] + counts[2]);
        assertEquals(-1, MaglevTable.build(servers(2, 0), 251).owner(7));
    }

    @Test
    void shouldBuildTheSameTableOnEveryMachine() {
        // A fingerprint of the table for 10.0.0.1..10.0.0.5:80 weight 1 and M = 251, pinned so
        // that any change of hashing or population shows as a failure.
        List<RealServer> list = servers(5, 1);
        String[] owners = owners(MaglevTable.build(list, 251), list);
        long fingerprint = 17;
        for (String o : owners) {
            fingerprint = fingerprint * 31 + o.hashCode();
        }
        assertEquals(3567829462184016987L, fingerprint);
    }

    @Test
    void shouldRejectSizesThatAreNotPrimeAndDuplicateEndpoints() {
        assertThrows(IllegalArgumentException.class, () -> MaglevTable.build(servers(2, 1), 65536));
        List<RealServer> twice = List.of(RealServer.of(Lab.ip("10.0.0.1"), 80, 1),
                RealServer.of(Lab.ip("10.0.0.1"), 80, 2));
        assertThrows(IllegalArgumentException.class, () -> MaglevTable.build(twice, 251));
    }

    @Property(tries = 30, seed = "20261125")
    void shouldBuildTheSameTableWhateverTheOrderOfServers(@ForAll @IntRange(min = 1, max = 40) int n,
            @ForAll @IntRange(min = 0, max = 1000) int shuffleSeed) {
        List<RealServer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(RealServer.of(Lab.ip(i % 2 == 0 ? "10.3.0." + (i + 1) : "2001:db8::" + (i + 1)), 80 + i, 1 + i % 4));
        }
        List<RealServer> shuffled = new ArrayList<>(list);
        Collections.shuffle(shuffled, new Random(shuffleSeed));
        assertArrayEquals(owners(MaglevTable.build(list, 4093), list),
                owners(MaglevTable.build(shuffled, 4093), shuffled));
    }
}
