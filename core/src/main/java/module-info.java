/**
 * lvs4j core: the model of virtual services and real servers, the scheduler SPI, and the
 * shared building blocks of a director.
 */
module io.lvs4j.core {
    requires org.slf4j;

    exports io.lvs4j.core.conn;
    exports io.lvs4j.core.model;
    exports io.lvs4j.core.packet;
    exports io.lvs4j.core.sched;
    exports io.lvs4j.core.time;

    uses io.lvs4j.core.sched.SchedulerProvider;
}
