package io.lvs4j.vrrp;

import io.lvs4j.core.time.NanoClock;

/** A clock the test moves by hand. */
final class VirtualClock implements NanoClock {
    private long now = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return now;
    }

    void set(long value) {
        if (value < now) {
            throw new IllegalStateException("time runs backwards");
        }
        now = value;
    }

    void advanceMillis(long ms) {
        now += ms * 1_000_000L;
    }
}
