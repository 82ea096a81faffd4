/** JMH benchmarks of IPVS's connection-sync wire format: writing records, reading datagrams. */
package io.lvs4j.benchmarks.sync;
