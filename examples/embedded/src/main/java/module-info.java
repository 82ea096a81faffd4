/**
 * An embedding example: a Java service that runs an lvs4j director in its own JVM. As a named
 * module it reads only what lvs4j's modules export, so the compiler (and the module system at
 * run time) hold it to the public API.
 */
@SuppressWarnings("requires-automatic") // Micrometer has no module descriptor of its own
module io.lvs4j.example.embedded {
    requires io.lvs4j.transport.epoll;
    requires micrometer.core;
    requires org.slf4j;
}
