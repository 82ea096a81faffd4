/**
 * lvs4j core: the model of virtual services and real servers, the scheduler SPI, health checks,
 * and the shared building blocks of a director. It needs SLF4J and nothing else: the network I/O
 * of the health checks and the event loops are a transport's (transport-epoll).
 *
 * <p>Micrometer is optional ({@code requires static}): only {@code io.lvs4j.core.status.LvsMetrics}
 * needs it, so modules and users without Micrometer compile and run without it. Micrometer has no
 * module descriptor of its own (hence the suppressed warning); a modular user of {@code LvsMetrics}
 * adds {@code requires micrometer.core} itself.
 */
@SuppressWarnings("requires-automatic")
module io.lvs4j.core {
    requires org.slf4j;
    requires static micrometer.core;

    exports io.lvs4j.core.config;
    exports io.lvs4j.core.conn;
    exports io.lvs4j.core.model;
    exports io.lvs4j.core.packet;
    exports io.lvs4j.core.sched;
    exports io.lvs4j.core.time;
    exports io.lvs4j.core.check;
    exports io.lvs4j.core.status;
    exports io.lvs4j.core.sync;

    uses io.lvs4j.core.sched.SchedulerProvider;
}
