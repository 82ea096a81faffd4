/** JMH benchmarks of tunnelling: encapsulation, software segmentation and ICMP errors. */
package io.lvs4j.benchmarks.packet;
