/** Clocks that can be replaced by virtual ones in tests. */
package io.lvs4j.core.time;
