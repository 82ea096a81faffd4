package io.lvs4j.vrrp;

/** The two versions of VRRP that lvs4j speaks. */
public enum VrrpVersion {
    /** VRRPv2, RFC 3768: IPv4 only, intervals in whole seconds, optional simple-text password. */
    V2(2),
    /** VRRPv3, RFC 5798: IPv4 and IPv6, intervals in centiseconds, no authentication. */
    V3(3);

    private final int number;

    VrrpVersion(int number) {
        this.number = number;
    }

    /**
     * Returns the version of a number, as {@code VrrpInstanceConfig.version()} holds it.
     *
     * @param number 2 or 3
     * @return the version
     * @throws IllegalArgumentException for another number
     */
    public static VrrpVersion of(int number) {
        return switch (number) {
            case 2 -> V2;
            case 3 -> V3;
            default -> throw new IllegalArgumentException("VRRP version must be 2 or 3: " + number);
        };
    }

    /**
     * Returns the number carried in the version field.
     *
     * @return 2 or 3
     */
    public int number() {
        return number;
    }
}
