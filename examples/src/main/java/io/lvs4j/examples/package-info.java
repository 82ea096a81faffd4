/** The sample director: the {@code ./lvs4j} command line and the classic LVS lab. */
package io.lvs4j.examples;
