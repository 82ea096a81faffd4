package io.lvs4j.core.config;

import java.nio.charset.StandardCharsets;

/**
 * VRRPv2 simple-password authentication, keepalived's {@code authentication} block with
 * {@code auth_type PASS}. (RFC 3768 removed authentication; keepalived still sends it, and
 * peers must agree.) Only the first eight bytes of the password travel in an advert.
 *
 * @param password the password ({@code auth_pass}), 1 to 8 bytes of US-ASCII
 */
public record VrrpAuthentication(String password) {

    /** The most bytes of password an advert carries. */
    public static final int MAX_PASSWORD_BYTES = 8;

    /**
     * Checks the password.
     *
     * @throws IllegalArgumentException if it is empty, longer than 8 bytes or not ASCII
     */
    public VrrpAuthentication {
        Require.name("auth_pass", password);
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(password)) {
            throw new IllegalArgumentException("auth_pass must be ASCII");
        }
        Require.range("auth_pass length", password.length(), 1, MAX_PASSWORD_BYTES);
    }

    /**
     * Returns the eight bytes of the advert's authentication data, zero-padded.
     *
     * @return a new array of 8 bytes
     */
    public byte[] authenticationData() {
        byte[] data = new byte[MAX_PASSWORD_BYTES];
        byte[] pass = password.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(pass, 0, data, 0, pass.length);
        return data;
    }
}
