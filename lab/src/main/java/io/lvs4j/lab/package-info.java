/**
 * lvs4j lab kit: network namespaces with commands and JVM threads run inside them, hosts on a
 * bridge, real HTTP servers (nginx, or a built-in Netty server) that answer with their own name,
 * and the set-up of an LVS-TUN real server. What {@code ./lvs4j lab} and {@code ./lvs4j
 * realserver} need at run time, with no test library; the tests build on it through
 * {@code lvs4j-testkit}. A class-path artifact (no module descriptor).
 */
package io.lvs4j.lab;
