package io.lvs4j.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A keepalived {@code vrrp_script}: a command run periodically whose exit status changes the
 * priority (or state) of the VRRP instances that track it. An instance or sync group holds the
 * scripts it tracks with the weight its {@code track_script} line gives
 * ({@link #withWeight(int, boolean)}).
 *
 * @param name the script's name, as {@code track_script} refers to it
 * @param script {@code script}: the command and the user to run it as ({@code user})
 * @param interval {@code interval} between runs, default 1 s
 * @param timeout {@code timeout} after which a run counts as failed, default: the interval
 * @param weight {@code weight}, -253 to 253, default 0 (0: failure means FAULT)
 * @param reverse {@code weight N reverse}: adjust in the other direction (weight 0: FAULT while
 *     the script succeeds)
 * @param rise {@code rise}: successes needed to become OK, default 1
 * @param fall {@code fall}: failures needed to become KO, default 1
 * @param initFail {@code init_fail}: start in the failed state
 */
public record VrrpScriptConfig(String name, Script script, Duration interval, Duration timeout,
        int weight, boolean reverse, int rise, int fall, boolean initFail) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if a value is out of range
     * @throws NullPointerException if a component is null
     */
    public VrrpScriptConfig {
        Require.name("vrrp_script name", name);
        Objects.requireNonNull(script, "script");
        Require.positive("interval", interval);
        Require.positive("timeout", timeout);
        Require.range("weight", weight, -253, 253);
        Require.range("rise", rise, 1, Integer.MAX_VALUE);
        Require.range("fall", fall, 1, Integer.MAX_VALUE);
    }

    /**
     * Returns this script as a {@code track_script} line that gives its own weight tracks it.
     *
     * @param newWeight -253 to 253
     * @param newReverse true for {@code reverse}
     * @return a copy with that weight
     * @throws IllegalArgumentException if the weight is out of range
     */
    public VrrpScriptConfig withWeight(int newWeight, boolean newReverse) {
        return new VrrpScriptConfig(name, script, interval, timeout, newWeight, newReverse, rise, fall, initFail);
    }

    /**
     * Starts a builder with keepalived's defaults.
     *
     * @param name the script's name
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a {@link VrrpScriptConfig}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private Script script;
        private Duration interval = Duration.ofSeconds(1);
        private Duration timeout;
        private int weight;
        private boolean reverse;
        private int rise = 1;
        private int fall = 1;
        private boolean initFail;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Sets {@code script}.
         *
         * @param value the command
         * @return this builder
         */
        public Builder script(Script value) {
            script = value;
            return this;
        }

        /**
         * Sets {@code script} run as the default user.
         *
         * @param command the command line
         * @return this builder
         */
        public Builder script(String command) {
            return script(Script.of(command));
        }

        /**
         * Sets {@code interval}.
         *
         * @param value the interval between runs
         * @return this builder
         */
        public Builder interval(Duration value) {
            interval = value;
            return this;
        }

        /**
         * Sets {@code timeout} (default: the interval).
         *
         * @param value the timeout of one run
         * @return this builder
         */
        public Builder timeout(Duration value) {
            timeout = value;
            return this;
        }

        /**
         * Sets {@code weight}.
         *
         * @param value -253 to 253
         * @param reverseIt true for {@code reverse}
         * @return this builder
         */
        public Builder weight(int value, boolean reverseIt) {
            weight = value;
            reverse = reverseIt;
            return this;
        }

        /**
         * Sets {@code rise}.
         *
         * @param value successes needed
         * @return this builder
         */
        public Builder rise(int value) {
            rise = value;
            return this;
        }

        /**
         * Sets {@code fall}.
         *
         * @param value failures needed
         * @return this builder
         */
        public Builder fall(int value) {
            fall = value;
            return this;
        }

        /**
         * Sets {@code init_fail}.
         *
         * @param value true to start failed
         * @return this builder
         */
        public Builder initFail(boolean value) {
            initFail = value;
            return this;
        }

        /**
         * Builds the script configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if a value is out of range
         * @throws NullPointerException if no script was set
         */
        public VrrpScriptConfig build() {
            return new VrrpScriptConfig(name, script, interval, timeout == null ? interval : timeout,
                    weight, reverse, rise, fall, initFail);
        }
    }
}
