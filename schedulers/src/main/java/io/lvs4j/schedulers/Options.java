package io.lvs4j.schedulers;

import io.lvs4j.core.sched.Destination;
import io.lvs4j.core.sched.DestinationSet;
import io.lvs4j.core.sched.SchedulerOptions;
import java.util.Objects;
import java.util.Set;

/** Checks of scheduler options and small helpers shared by the schedulers. Stateless. */
final class Options {

    private Options() {
    }

    /**
     * Checks that the options carry only flags this scheduler knows and no table size unless
     * it has a table.
     *
     * @throws IllegalArgumentException naming the first option that does not apply
     */
    static SchedulerOptions check(String scheduler, SchedulerOptions options, boolean tableSize,
            String... knownFlags) {
        Objects.requireNonNull(options, "options");
        Set<String> known = Set.of(knownFlags);
        for (String flag : options.flags()) {
            if (!known.contains(flag)) {
                throw new IllegalArgumentException("flag '" + flag + "' does not apply to scheduler " + scheduler
                        + (known.isEmpty() ? "" : "; it knows " + String.join(", ", new java.util.TreeSet<>(known))));
            }
        }
        if (!tableSize && options.tableSize() != 0) {
            throw new IllegalArgumentException("scheduler " + scheduler + " has no table size to set");
        }
        return options;
    }

    /** Copies a set into an array, first = most recently added. */
    static Destination[] toArray(DestinationSet set) {
        Destination[] out = new Destination[set.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = set.get(i);
        }
        return out;
    }

    /** Tells whether a number is prime. */
    static boolean isPrime(int n) {
        if (n < 2) {
            return false;
        }
        if (n % 2 == 0) {
            return n == 2;
        }
        for (int d = 3; (long) d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
