package io.lvs4j.core.sched;

/**
 * Makes schedulers of one kind; found through {@link java.util.ServiceLoader}, so that a
 * scheduler module only has to be on the class or module path to be usable by name.
 */
public interface SchedulerProvider {

    /** @return the IPVS name of the schedulers this provider makes, for example {@code rr} */
    String name();

    /**
     * Makes a scheduler for one virtual service.
     *
     * @param options flags, clock and randomness for the scheduler
     * @return a new scheduler with an empty destination set
     * @throws IllegalArgumentException if an option does not apply to this scheduler
     */
    Scheduler create(SchedulerOptions options);
}
