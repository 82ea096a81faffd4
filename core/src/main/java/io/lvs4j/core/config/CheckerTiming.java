package io.lvs4j.core.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What every checker shares: where it connects from and to, and when it runs. Keepalived's
 * generic checker options, plus lvs4j's {@code rise} and {@code fall} hysteresis.
 *
 * <p>A checker runs every {@code delayLoop}; a failed attempt on a server that is up is
 * repeated {@code retry} times, {@code delayBeforeRetry} apart, before it counts as one
 * failure. {@code fall} consecutive failures take the server down and {@code rise}
 * consecutive successes bring it up (keepalived behaves as rise = fall = 1).
 *
 * @param connectIp {@code connect_ip}; empty: the real server's address
 * @param connectPort {@code connect_port}; 0: the real server's port
 * @param bindTo {@code bindto}: the source address; empty: chosen by the kernel
 * @param bindPort {@code bind_port}: the source port; 0: chosen by the kernel
 * @param connectTimeout {@code connect_timeout}, default 5 s
 * @param retry {@code retry} (formerly {@code nb_get_retry}), default per {@link CheckerType#defaultRetry()}
 * @param delayBeforeRetry {@code delay_before_retry}, default per
 *     {@link CheckerType#defaultDelayBeforeRetry(Duration)}
 * @param delayLoop {@code delay_loop}: the interval between checks, default 60 s
 * @param warmup {@code warmup}: the first check starts after a random delay up to this,
 *     default the delay loop, 0 to start at once
 * @param alpha {@code alpha}: the server starts down until a check succeeds
 * @param rise consecutive successes that bring a down server up (lvs4j), default 1
 * @param fall consecutive failures that take an up server down (lvs4j), default 1
 */
public record CheckerTiming(Optional<InetAddress> connectIp, int connectPort, Optional<InetAddress> bindTo,
        int bindPort, Duration connectTimeout, int retry, Duration delayBeforeRetry, Duration delayLoop,
        Duration warmup, boolean alpha, int rise, int fall) {

    /** Keepalived's default {@code delay_loop}. */
    public static final Duration DEFAULT_DELAY_LOOP = Duration.ofSeconds(60);

    /** Keepalived's default {@code connect_timeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a value is out of range
     * @throws NullPointerException if a component is null
     */
    public CheckerTiming {
        Objects.requireNonNull(connectIp, "connectIp");
        Require.port("connect_port", connectPort);
        Objects.requireNonNull(bindTo, "bindTo");
        Require.port("bind_port", bindPort);
        Require.positive("connect_timeout", connectTimeout);
        Require.range("retry", retry, 0, Integer.MAX_VALUE);
        Require.nonNegative("delay_before_retry", delayBeforeRetry);
        Require.positive("delay_loop", delayLoop);
        Require.nonNegative("warmup", warmup);
        Require.range("rise", rise, 1, Integer.MAX_VALUE);
        Require.range("fall", fall, 1, Integer.MAX_VALUE);
    }

    /**
     * Returns where the checker connects for a real server.
     *
     * @param serverAddress the real server's address
     * @param serverPort the real server's port
     * @return {@code connect_ip:connect_port}, each defaulting to the server's
     */
    public InetSocketAddress target(InetAddress serverAddress, int serverPort) {
        return new InetSocketAddress(connectIp.orElse(serverAddress), connectPort != 0 ? connectPort : serverPort);
    }

    /**
     * Returns keepalived's defaults for a checker type.
     *
     * @param type the checker type
     * @return the default timing
     */
    public static CheckerTiming defaults(CheckerType type) {
        return builder(type).build();
    }

    /**
     * Starts a builder with keepalived's defaults for a checker type.
     *
     * @param type the checker type, which decides the default retry and delay before retry
     * @return a builder
     */
    public static Builder builder(CheckerType type) {
        return new Builder(type);
    }

    /** Builds a {@link CheckerTiming}; not thread-safe. */
    public static final class Builder {
        private final CheckerType type;
        private Optional<InetAddress> connectIp = Optional.empty();
        private int connectPort;
        private Optional<InetAddress> bindTo = Optional.empty();
        private int bindPort;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Integer retry;
        private Duration delayBeforeRetry;
        private Duration delayLoop = DEFAULT_DELAY_LOOP;
        private Duration warmup;
        private boolean alpha;
        private int rise = 1;
        private int fall = 1;

        private Builder(CheckerType type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        /**
         * Sets {@code connect_ip}.
         *
         * @param value the address to check
         * @return this builder
         */
        public Builder connectIp(InetAddress value) {
            connectIp = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code connect_port}.
         *
         * @param value the port to check
         * @return this builder
         */
        public Builder connectPort(int value) {
            connectPort = value;
            return this;
        }

        /**
         * Sets {@code bindto}.
         *
         * @param value the source address
         * @return this builder
         */
        public Builder bindTo(InetAddress value) {
            bindTo = Optional.of(value);
            return this;
        }

        /**
         * Sets {@code bind_port}.
         *
         * @param value the source port
         * @return this builder
         */
        public Builder bindPort(int value) {
            bindPort = value;
            return this;
        }

        /**
         * Sets {@code connect_timeout}.
         *
         * @param value the timeout
         * @return this builder
         */
        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        /**
         * Sets {@code retry}.
         *
         * @param value the retry count
         * @return this builder
         */
        public Builder retry(int value) {
            retry = value;
            return this;
        }

        /**
         * Sets {@code delay_before_retry}.
         *
         * @param value the delay
         * @return this builder
         */
        public Builder delayBeforeRetry(Duration value) {
            delayBeforeRetry = value;
            return this;
        }

        /**
         * Sets {@code delay_loop}.
         *
         * @param value the interval between checks
         * @return this builder
         */
        public Builder delayLoop(Duration value) {
            delayLoop = value;
            return this;
        }

        /**
         * Sets {@code warmup}.
         *
         * @param value the largest random delay of the first check
         * @return this builder
         */
        public Builder warmup(Duration value) {
            warmup = value;
            return this;
        }

        /**
         * Sets {@code alpha}.
         *
         * @param value true to start down
         * @return this builder
         */
        public Builder alpha(boolean value) {
            alpha = value;
            return this;
        }

        /**
         * Sets the successes needed to come up.
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder rise(int value) {
            rise = value;
            return this;
        }

        /**
         * Sets the failures needed to go down.
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder fall(int value) {
            fall = value;
            return this;
        }

        /**
         * Builds the timing, filling unset values with the type's defaults.
         *
         * @return the timing
         * @throws IllegalArgumentException if a value is out of range
         */
        public CheckerTiming build() {
            return new CheckerTiming(connectIp, connectPort, bindTo, bindPort, connectTimeout,
                    retry != null ? retry : type.defaultRetry(),
                    delayBeforeRetry != null ? delayBeforeRetry : type.defaultDelayBeforeRetry(delayLoop),
                    delayLoop, warmup != null ? warmup : delayLoop, alpha, rise, fall);
        }
    }
}
