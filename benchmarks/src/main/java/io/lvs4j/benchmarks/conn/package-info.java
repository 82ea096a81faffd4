/** JMH benchmarks of packet parsing, rewriting and the connection table. */
package io.lvs4j.benchmarks.conn;
