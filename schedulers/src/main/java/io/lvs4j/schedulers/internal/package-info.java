/** Service providers of the schedulers; not an API. */
package io.lvs4j.schedulers.internal;
