package io.lvs4j.core.config;

/**
 * A range of HTTP status codes an {@code HTTP_GET} or {@code SSL_GET} url accepts
 * ({@code status_code 200-299 503}).
 *
 * @param from the lowest accepted code, 100 to 599
 * @param to the highest accepted code, {@code from} to 599
 */
public record StatusCodeRange(int from, int to) {

    /** Keepalived's default: 200-299. */
    public static final StatusCodeRange SUCCESS = new StatusCodeRange(200, 299);

    /**
     * Checks the range.
     *
     * @throws IllegalArgumentException if a bound is out of 100-599 or the range is empty
     */
    public StatusCodeRange {
        Require.range("status_code", from, 100, 599);
        Require.range("status_code", to, from, 599);
    }

    /**
     * A single status code.
     *
     * @param code the code
     * @return the range of that one code
     */
    public static StatusCodeRange of(int code) {
        return new StatusCodeRange(code, code);
    }

    /**
     * Tells whether a code is in the range.
     *
     * @param code an HTTP status code
     * @return true if {@code from <= code <= to}
     */
    public boolean contains(int code) {
        return code >= from && code <= to;
    }
}
