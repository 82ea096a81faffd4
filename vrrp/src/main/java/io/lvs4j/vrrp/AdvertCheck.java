package io.lvs4j.vrrp;

/**
 * The verdict of {@link AdvertValidator} on a received packet: {@link #ACCEPTED} or the first
 * rule it broke, in the order the RFCs list their receive checks.
 */
public enum AdvertCheck {
    /** Every check passed. */
    ACCEPTED,
    /** Shorter than its headers, or its IP header is not a plain IPv4 header of protocol 112. */
    MALFORMED,
    /** TTL or hop limit not 255: it crossed a router. */
    BAD_TTL,
    /** Version not the one configured for the VRID (or neither 2 nor 3). */
    BAD_VERSION,
    /** Type not 1 (advertisement). */
    BAD_TYPE,
    /** No instance here has this virtual router id. */
    UNKNOWN_VRID,
    /** Shorter than its address count and authentication data require. */
    BAD_LENGTH,
    /** The checksum does not match. */
    BAD_CHECKSUM,
    /** The address count differs from the configured one. */
    BAD_ADDRESS_COUNT,
    /** A configured virtual address is missing from the list. */
    ADDRESS_MISMATCH,
    /** v2: the interval differs from the configured one; v3: the interval is zero. */
    BAD_INTERVAL,
    /** v2: the authentication type differs from the configured one. */
    BAD_AUTH_TYPE,
    /** v2: the password differs. */
    BAD_AUTH
}
