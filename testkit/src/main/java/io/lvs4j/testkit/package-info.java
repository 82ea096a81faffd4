/**
 * lvs4j test kit: a lab of hosts in network namespaces joined by a bridge ({@link
 * io.lvs4j.testkit.Lab}) and the JUnit guard of every namespace test ({@link
 * io.lvs4j.testkit.NetnsGuard}), on top of {@code lvs4j-lab} (namespaces, commands, real
 * servers). For integration tests that run as root. A class-path artifact (no module
 * descriptor), used in test scope only: it carries JUnit, which the distribution must not.
 */
package io.lvs4j.testkit;
