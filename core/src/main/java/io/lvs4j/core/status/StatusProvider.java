package io.lvs4j.core.status;

/**
 * Something that tells its status, such as a running director: what {@link LvsMetrics} and an
 * admin endpoint read.
 */
@FunctionalInterface
public interface StatusProvider {

    /**
     * Returns the status source; the same one on every call.
     *
     * @return the source
     */
    StatusSource status();
}
