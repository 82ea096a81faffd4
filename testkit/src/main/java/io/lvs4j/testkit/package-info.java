/**
 * lvs4j test kit: a lab of network namespaces joined by a bridge, commands and JVM threads run
 * inside a namespace, and real HTTP servers (nginx, or a built-in Netty server) that answer with
 * their own name. For integration tests that run as root. A class-path artifact (no module
 * descriptor): it is used from tests only, and Awaitility has no module name.
 */
package io.lvs4j.testkit;
