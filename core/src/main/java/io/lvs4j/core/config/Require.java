package io.lvs4j.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Checks shared by the configuration records; failures are {@link IllegalArgumentException}s. */
final class Require {

    private Require() {
    }

    static int range(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " out of range " + min + "-" + max + ": " + value);
        }
        return value;
    }

    static int port(String what, int value) {
        return range(what, value, 0, 65535);
    }

    static Duration nonNegative(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative: " + value);
        }
        return value;
    }

    static Duration positive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + value);
        }
        return value;
    }

    static <T> List<T> list(String what, List<T> value) {
        return List.copyOf(Objects.requireNonNull(value, what));
    }

    static String name(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }
}
