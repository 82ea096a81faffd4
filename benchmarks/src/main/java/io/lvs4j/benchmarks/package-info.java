/** JMH benchmarks of lvs4j's hot path. */
package io.lvs4j.benchmarks;
