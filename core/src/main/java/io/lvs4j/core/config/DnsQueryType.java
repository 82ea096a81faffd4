package io.lvs4j.core.config;

/** The DNS record types a {@code DNS_CHECK} can query ({@code type}). */
public enum DnsQueryType {
    /** IPv4 address. */
    A,
    /** Name server. */
    NS,
    /** Canonical name. */
    CNAME,
    /** Start of authority, the default. */
    SOA,
    /** Mail exchange. */
    MX,
    /** Text. */
    TXT,
    /** IPv6 address. */
    AAAA
}
