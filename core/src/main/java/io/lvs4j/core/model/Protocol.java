package io.lvs4j.core.model;

/** Transport protocols a virtual service can balance, with their IP protocol numbers. */
public enum Protocol {
    /** TCP, IP protocol 6. */
    TCP(6),
    /** UDP, IP protocol 17. */
    UDP(17),
    /** SCTP, IP protocol 132. */
    SCTP(132);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /**
     * Returns the IP protocol number.
     *
     * @return the number carried in the IPv4 protocol or IPv6 next-header field
     */
    public int number() {
        return number;
    }

    /**
     * Finds the protocol of an IP protocol number.
     *
     * @param number an IP protocol number
     * @return the protocol, or {@code null} if lvs4j does not balance it
     */
    public static Protocol ofNumber(int number) {
        return switch (number) {
            case 6 -> TCP;
            case 17 -> UDP;
            case 132 -> SCTP;
            default -> null;
        };
    }
}
