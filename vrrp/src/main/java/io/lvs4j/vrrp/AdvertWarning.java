package io.lvs4j.vrrp;

/**
 * Something odd about an advert that {@link AdvertValidator} accepts all the same, as keepalived
 * does, and counts ({@link AdvertValidator#warnings(AdvertWarning)}).
 */
public enum AdvertWarning {
    /**
     * An IPv6 advert whose first address is not link-local, which RFC 5798 5.2.9 asks for; FRR's
     * vrrpd sends such adverts, and keepalived accepts them.
     */
    IPV6_FIRST_ADDRESS_NOT_LINK_LOCAL
}
