package io.lvs4j.core.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAddressingIndexTest {

    final Arena arena = Arena.ofConfined();
    /** The hash each entry was inserted with (the index asks for it when it shifts entries back). */
    final Map<Integer, Integer> hashes = new HashMap<>();

    OpenAddressingIndex index(int slots) {
        return new OpenAddressingIndex(arena.allocate(4L * slots, 4), slots, hashes::get);
    }

    /** A hash whose home slot in an index of {@code slots} is {@code home} and whose tag is {@code tag}. */
    static int hash(int slots, int home, int tag) {
        long middle = ((2L * home + 1) << 32) / (2L * slots); // the middle of the hashes that scale to home
        return (int) ((middle & ~0x3FL) | tag);
    }

    void insert(OpenAddressingIndex index, int entry, int hash) {
        hashes.put(entry, hash);
        index.insert(hash, entry);
    }

    /** The entries whose tag matches, in probe order. */
    static List<Integer> candidates(OpenAddressingIndex index, int hash) {
        List<Integer> out = new ArrayList<>();
        for (int p = index.home(hash); index.slot(p) != 0; p = index.next(p)) {
            if (OpenAddressingIndex.tagMatches(index.slot(p), hash)) {
                out.add(OpenAddressingIndex.entry(index.slot(p)));
            }
        }
        return out;
    }

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void shouldOfferOnlyEntriesWhoseTagMatchesInProbeOrder() {
        OpenAddressingIndex index = index(10);
        insert(index, 0, hash(10, 3, 5));
        insert(index, 1, hash(10, 3, 6));
        insert(index, 2, hash(10, 3, 5));
        assertEquals(List.of(0, 2), candidates(index, hash(10, 3, 5)));
        assertEquals(List.of(1), candidates(index, hash(10, 3, 6)));
        assertEquals(List.of(), candidates(index, hash(10, 3, 7)));
        assertEquals(List.of(), candidates(index, hash(10, 7, 5)), "an empty home slot ends the probe");
        assertEquals(0, index.homeCandidate(hash(10, 3, 5)));
        assertEquals(-1, index.homeCandidate(hash(10, 3, 6)), "the home slot holds another tag");
    }

    @Test
    void shouldShiftEntriesBackOnRemovalAcrossTheEndOfTheIndex() {
        OpenAddressingIndex index = index(7);
        insert(index, 10, hash(7, 5, 1)); // slot 5
        insert(index, 11, hash(7, 5, 1)); // slot 6
        insert(index, 12, hash(7, 6, 1)); // wraps to slot 0
        insert(index, 13, hash(7, 5, 1)); // slot 1
        insert(index, 14, hash(7, 0, 1)); // slot 2
        assertEquals(List.of(10, 11, 12, 13, 14), candidates(index, hash(7, 5, 1)));
        index.remove(hash(7, 5, 1), 11);
        assertEquals(List.of(10, 12, 13, 14), candidates(index, hash(7, 5, 1)));
        assertEquals(List.of(12, 13, 14), candidates(index, hash(7, 6, 1)), "12 moved back to its home");
        assertEquals(List.of(13, 14), candidates(index, hash(7, 0, 1)));
        index.remove(hash(7, 5, 1), 10);
        assertEquals(List.of(13, 12, 14), candidates(index, hash(7, 5, 1)), "13 moved back to its home");
        assertEquals(List.of(14), candidates(index, hash(7, 0, 1)), "14 moved back to its home");
        index.remove(hash(7, 6, 1), 12);
        assertEquals(List.of(13), candidates(index, hash(7, 5, 1)));
        assertEquals(List.of(14), candidates(index, hash(7, 0, 1)), "14 stays: its home is not behind the hole");
        index.remove(hash(7, 5, 1), 99);
        assertEquals(List.of(13), candidates(index, hash(7, 5, 1)), "removing an absent entry changes nothing");
    }

    @Test
    void shouldFindWhatAReferenceMapHoldsThroughRandomInsertsAndRemovals() {
        int slots = 97;
        OpenAddressingIndex index = index(slots);
        Random random = new Random(9);
        Map<Integer, Integer> live = new HashMap<>();
        for (int round = 0; round < 20_000; round++) {
            int entry = random.nextInt(60);
            if (live.containsKey(entry)) {
                index.remove(live.remove(entry), entry);
            } else if (live.size() < 48) {
                int hash = random.nextInt(1 << 12) * 0x9E3779B1; // few distinct values: many collisions
                live.put(entry, hash);
                insert(index, entry, hash);
            }
            for (Map.Entry<Integer, Integer> e : live.entrySet()) {
                List<Integer> found = candidates(index, e.getValue());
                assertEquals(true, found.contains(e.getKey()), "round " + round + ": entry " + e.getKey());
                for (int other : found) {
                    assertEquals(e.getValue() & 0x3F, live.get(other) & 0x3F, "a candidate has the same tag");
                }
            }
        }
    }
}
