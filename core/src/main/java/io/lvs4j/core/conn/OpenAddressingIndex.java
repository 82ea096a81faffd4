package io.lvs4j.core.conn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An open-addressing hash index from keys to entry numbers: linear probing, deletion by
 * backward shift (Knuth, TAOCP vol. 3, 6.4, algorithm R), no tombstones. The index holds no
 * keys: it gives the caller candidates whose tag matches, and the caller compares the key in
 * the entry's record. The connection table keeps two: client to virtual (and templates), and
 * real server to client or local address (NAT replies).
 *
 * <p>A slot is 4 bytes (native order): the entry number plus 1 in the low
 * {@link #ENTRY_BITS} bits (0 is an empty slot) and the low 6 bits of the key's hash as a
 * tag, so that a probe reads a record only when the tag matches. The home slot of a hash is
 * its 32 bits scaled to the index size by a multiplication, so the size need not be a power of
 * two; the high bits choose the slot, the low bits are the tag.
 *
 * <p>A lookup probes from {@link #home} on with {@link #next}, reads each {@link #slot}, stops
 * at an empty one (0), and compares the key of the {@link #entry} of each slot whose tag
 * matches ({@link #tagMatches}): one loop in the caller, so that the hot lookup stays small
 * enough for the JIT to inline.
 *
 * <p>Not thread-safe: the owner's thread only. Allocates nothing.
 */
final class OpenAddressingIndex {

    /** Bits of a slot that hold the entry number plus 1. */
    static final int ENTRY_BITS = 26;
    /** The largest entry number a slot holds. */
    static final int MAX_ENTRY = (1 << ENTRY_BITS) - 3;
    private static final int ENTRY_MASK = (1 << ENTRY_BITS) - 1;
    private static final int TAG_MASK = (1 << (32 - ENTRY_BITS)) - 1;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    /** Gives the hash of the key of an entry in the index (for moving it on deletion). */
    @FunctionalInterface
    interface Rehash {
        /**
         * Returns an entry's hash.
         *
         * @param entry an entry in the index
         * @return the hash it was inserted with
         */
        int hash(int entry);
    }

    private final MemorySegment slots;
    private final int size;
    private final Rehash rehash;

    /**
     * Creates an index over zeroed memory.
     *
     * @param slots the memory, 4 bytes per slot, all zero
     * @param size the number of slots, more than the entries it will hold
     * @param rehash gives the hash of an indexed entry
     */
    OpenAddressingIndex(MemorySegment slots, int size, Rehash rehash) {
        this.slots = slots;
        this.size = size;
        this.rehash = rehash;
    }

    /**
     * Returns the home slot of a hash: its high bits scaled to the index size (multiply and
     * shift, as the size is not a power of two); the low bits are the tag kept in the slot.
     *
     * @param hash the key's hash
     * @return the position where its probe starts
     */
    int home(int hash) {
        return (int) (((hash & 0xFFFF_FFFFL) * size) >>> 32);
    }

    /**
     * Returns the position after one, wrapping round at the end.
     *
     * @param pos a position
     * @return the next one to probe
     */
    int next(int pos) {
        int next = pos + 1;
        return next == size ? 0 : next;
    }

    /**
     * Reads a slot.
     *
     * @param pos a position
     * @return the slot: 0 if empty, else see {@link #tagMatches} and {@link #entry}
     */
    int slot(int pos) {
        return slots.getAtIndex(INT, pos);
    }

    /**
     * Tells whether a slot's tag is that of a hash: only then can its entry have the key.
     *
     * @param slot a slot that is not empty
     * @param hash the key's hash
     * @return true if the tags are equal
     */
    static boolean tagMatches(int slot, int hash) {
        return (slot >>> ENTRY_BITS) == (hash & TAG_MASK);
    }

    /**
     * Returns the entry a slot holds.
     *
     * @param slot a slot that is not empty
     * @return the entry number
     */
    static int entry(int slot) {
        return (slot & ENTRY_MASK) - 1;
    }

    /**
     * Reads the home slot of a hash and returns its entry if its tag matches: a first memory
     * access that lookups of a batch issue before comparing any key.
     *
     * @param hash the key's hash
     * @return the entry, or -1
     */
    int homeCandidate(int hash) {
        int slot = slots.getAtIndex(INT, home(hash));
        return slot != 0 && tagMatches(slot, hash) ? entry(slot) : -1;
    }

    /**
     * Adds an entry; the caller ensures its key is not in the index yet and that a slot is free.
     *
     * @param hash the key's hash
     * @param entry the entry number, at most {@link #MAX_ENTRY}
     */
    void insert(int hash, int entry) {
        int pos = home(hash);
        while (slots.getAtIndex(INT, pos) != 0) {
            pos = next(pos);
        }
        slots.setAtIndex(INT, pos, (hash & TAG_MASK) << ENTRY_BITS | (entry + 1));
    }

    /**
     * Removes an entry and shifts back the entries that probed past it; nothing happens if
     * the entry is not in the index.
     *
     * @param hash the hash the entry was inserted with
     * @param entry the entry number
     */
    void remove(int hash, int entry) {
        int hole = home(hash);
        while (true) {
            int slot = slots.getAtIndex(INT, hole);
            if (slot == 0) {
                return;
            }
            if ((slot & ENTRY_MASK) == entry + 1) {
                break;
            }
            hole = next(hole);
        }
        int j = hole;
        while (true) {
            j = next(j);
            int slot = slots.getAtIndex(INT, j);
            if (slot == 0) {
                break;
            }
            int home = home(rehash.hash((slot & ENTRY_MASK) - 1));
            boolean movable = j > hole ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                slots.setAtIndex(INT, hole, slot);
                hole = j;
            }
        }
        slots.setAtIndex(INT, hole, 0);
    }
}
