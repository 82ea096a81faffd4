/** Every IPVS scheduler with IPVS's exact semantics, and weighted Maglev. */
module io.lvs4j.schedulers {
    requires transitive io.lvs4j.core;

    exports io.lvs4j.schedulers;

    provides io.lvs4j.core.sched.SchedulerProvider with
            io.lvs4j.schedulers.internal.Providers.Rr,
            io.lvs4j.schedulers.internal.Providers.Wrr,
            io.lvs4j.schedulers.internal.Providers.Lc,
            io.lvs4j.schedulers.internal.Providers.Wlc,
            io.lvs4j.schedulers.internal.Providers.Sed,
            io.lvs4j.schedulers.internal.Providers.Nq,
            io.lvs4j.schedulers.internal.Providers.Fo,
            io.lvs4j.schedulers.internal.Providers.Ovf,
            io.lvs4j.schedulers.internal.Providers.Twos,
            io.lvs4j.schedulers.internal.Providers.Sh,
            io.lvs4j.schedulers.internal.Providers.Dh,
            io.lvs4j.schedulers.internal.Providers.Mh,
            io.lvs4j.schedulers.internal.Providers.Lblc,
            io.lvs4j.schedulers.internal.Providers.Lblcr,
            io.lvs4j.schedulers.internal.Providers.Maglev;
}
