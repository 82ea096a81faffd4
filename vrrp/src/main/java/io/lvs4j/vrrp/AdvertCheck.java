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
    BAD_AUTH,
    /**
     * This router owns the virtual addresses (priority 255) of the VRID and discards the advert
     * of a non-owner (priority 1 to 254): RFC 3768 and RFC 5798, 7.1, the receiver MUST verify
     * that it is not the address owner. Adverts of another owner (255, a misconfiguration the
     * RFCs exclude) and priority-0 adverts are still processed, so that two owners settle on one
     * master as with keepalived, which by default processes every advert (it discards them only
     * with {@code owner_ignore_adverts}) and resolves a second owner.
     */
    LOCAL_OWNER,
    /**
     * This router owns the virtual addresses (priority 255) of the VRID in strict mode, which
     * ignores every received advert (keepalived's {@code owner_ignore_adverts}, set by
     * {@code vrrp_strict}).
     */
    STRICT_OWNER_IGNORES,
    /**
     * A unicast instance got an advert from an address that is none of its unicast peers
     * (keepalived's {@code check_unicast_src}, always on here).
     */
    UNKNOWN_UNICAST_SOURCE,
    /**
     * An IPv6 advert to a multicast instance from a source that is not link-local: RFC 5798
     * 5.1.2.1 has the IPv6 link-local address of the sending interface as the source, so such an
     * advert was not sent on this link by a VRRP router.
     */
    IPV6_SOURCE_NOT_LINK_LOCAL
}
