package io.lvs4j.schedulers.internal;

import io.lvs4j.core.sched.Scheduler;
import io.lvs4j.core.sched.SchedulerOptions;
import io.lvs4j.core.sched.SchedulerProvider;
import io.lvs4j.schedulers.RoundRobinScheduler;
import io.lvs4j.schedulers.WeightedRoundRobinScheduler;
import io.lvs4j.schedulers.LeastConnectionScheduler;
import io.lvs4j.schedulers.WeightedLeastConnectionScheduler;
import io.lvs4j.schedulers.ShortestExpectedDelayScheduler;
import io.lvs4j.schedulers.NeverQueueScheduler;
import io.lvs4j.schedulers.WeightedFailoverScheduler;
import io.lvs4j.schedulers.WeightedOverflowScheduler;
import io.lvs4j.schedulers.TwoChoicesScheduler;
import io.lvs4j.schedulers.SourceHashingScheduler;
import io.lvs4j.schedulers.DestinationHashingScheduler;
import io.lvs4j.schedulers.MaglevHashingScheduler;
import io.lvs4j.schedulers.LocalityBasedLeastConnectionScheduler;
import io.lvs4j.schedulers.LocalityBasedLeastConnectionReplicationScheduler;
import io.lvs4j.schedulers.MaglevScheduler;

/**
 * The {@link SchedulerProvider}s of this module, one per scheduler name, found through
 * {@link java.util.ServiceLoader} on the module path ({@code provides}) and the class path
 * ({@code META-INF/services}).
 */
public final class Providers {

    private Providers() {
    }

    /** Makes {@code rr} schedulers: {@link RoundRobinScheduler}. */
    public static final class Rr implements SchedulerProvider {

        /** Creates the provider. */
        public Rr() {
        }

        @Override
        public String name() {
            return RoundRobinScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new RoundRobinScheduler(options);
        }
    }

    /** Makes {@code wrr} schedulers: {@link WeightedRoundRobinScheduler}. */
    public static final class Wrr implements SchedulerProvider {

        /** Creates the provider. */
        public Wrr() {
        }

        @Override
        public String name() {
            return WeightedRoundRobinScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new WeightedRoundRobinScheduler(options);
        }
    }

    /** Makes {@code lc} schedulers: {@link LeastConnectionScheduler}. */
    public static final class Lc implements SchedulerProvider {

        /** Creates the provider. */
        public Lc() {
        }

        @Override
        public String name() {
            return LeastConnectionScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new LeastConnectionScheduler(options);
        }
    }

    /** Makes {@code wlc} schedulers: {@link WeightedLeastConnectionScheduler}. */
    public static final class Wlc implements SchedulerProvider {

        /** Creates the provider. */
        public Wlc() {
        }

        @Override
        public String name() {
            return WeightedLeastConnectionScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new WeightedLeastConnectionScheduler(options);
        }
    }

    /** Makes {@code sed} schedulers: {@link ShortestExpectedDelayScheduler}. */
    public static final class Sed implements SchedulerProvider {

        /** Creates the provider. */
        public Sed() {
        }

        @Override
        public String name() {
            return ShortestExpectedDelayScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new ShortestExpectedDelayScheduler(options);
        }
    }

    /** Makes {@code nq} schedulers: {@link NeverQueueScheduler}. */
    public static final class Nq implements SchedulerProvider {

        /** Creates the provider. */
        public Nq() {
        }

        @Override
        public String name() {
            return NeverQueueScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new NeverQueueScheduler(options);
        }
    }

    /** Makes {@code fo} schedulers: {@link WeightedFailoverScheduler}. */
    public static final class Fo implements SchedulerProvider {

        /** Creates the provider. */
        public Fo() {
        }

        @Override
        public String name() {
            return WeightedFailoverScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new WeightedFailoverScheduler(options);
        }
    }

    /** Makes {@code ovf} schedulers: {@link WeightedOverflowScheduler}. */
    public static final class Ovf implements SchedulerProvider {

        /** Creates the provider. */
        public Ovf() {
        }

        @Override
        public String name() {
            return WeightedOverflowScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new WeightedOverflowScheduler(options);
        }
    }

    /** Makes {@code twos} schedulers: {@link TwoChoicesScheduler}. */
    public static final class Twos implements SchedulerProvider {

        /** Creates the provider. */
        public Twos() {
        }

        @Override
        public String name() {
            return TwoChoicesScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new TwoChoicesScheduler(options);
        }
    }

    /** Makes {@code sh} schedulers: {@link SourceHashingScheduler}. */
    public static final class Sh implements SchedulerProvider {

        /** Creates the provider. */
        public Sh() {
        }

        @Override
        public String name() {
            return SourceHashingScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new SourceHashingScheduler(options);
        }
    }

    /** Makes {@code dh} schedulers: {@link DestinationHashingScheduler}. */
    public static final class Dh implements SchedulerProvider {

        /** Creates the provider. */
        public Dh() {
        }

        @Override
        public String name() {
            return DestinationHashingScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new DestinationHashingScheduler(options);
        }
    }

    /** Makes {@code mh} schedulers: {@link MaglevHashingScheduler}. */
    public static final class Mh implements SchedulerProvider {

        /** Creates the provider. */
        public Mh() {
        }

        @Override
        public String name() {
            return MaglevHashingScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new MaglevHashingScheduler(options);
        }
    }

    /** Makes {@code lblc} schedulers: {@link LocalityBasedLeastConnectionScheduler}. */
    public static final class Lblc implements SchedulerProvider {

        /** Creates the provider. */
        public Lblc() {
        }

        @Override
        public String name() {
            return LocalityBasedLeastConnectionScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new LocalityBasedLeastConnectionScheduler(options);
        }
    }

    /** Makes {@code lblcr} schedulers: {@link LocalityBasedLeastConnectionReplicationScheduler}. */
    public static final class Lblcr implements SchedulerProvider {

        /** Creates the provider. */
        public Lblcr() {
        }

        @Override
        public String name() {
            return LocalityBasedLeastConnectionReplicationScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new LocalityBasedLeastConnectionReplicationScheduler(options);
        }
    }

    /** Makes {@code maglev} schedulers: {@link MaglevScheduler}. */
    public static final class Maglev implements SchedulerProvider {

        /** Creates the provider. */
        public Maglev() {
        }

        @Override
        public String name() {
            return MaglevScheduler.NAME;
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new MaglevScheduler(options);
        }
    }
}
