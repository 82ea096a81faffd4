package io.lvs4j.core.config;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code UDP_CHECK}: a datagram is sent to the server; it is down if an ICMP error comes back,
 * or, with {@code require_reply}, if no fitting reply arrives within the connect timeout.
 *
 * @param timing connection and timing settings
 * @param payload {@code payload}: the datagram's bytes in lower-case hex; empty: random bytes
 * @param requireReply {@code require_reply}: a reply must arrive
 * @param replyPattern the reply's expected leading bytes in lower-case hex, {@code x} for a
 *     nibble that may be anything; empty: any reply content
 * @param minReplyLength {@code min_reply_length}, default 0
 * @param maxReplyLength {@code max_reply_length}, default 255
 */
public record UdpCheckConfig(CheckerTiming timing, Optional<String> payload, boolean requireReply,
        Optional<String> replyPattern, int minReplyLength, int maxReplyLength) implements CheckerConfig {

    private static final Pattern HEX = Pattern.compile("([0-9a-f]{2})+");
    private static final Pattern HEX_WILD = Pattern.compile("([0-9a-fx]{2})+");

    /**
     * Checks and normalizes the values (hex to lower case).
     *
     * @throws IllegalArgumentException if a hex string is malformed or the lengths contradict
     * @throws NullPointerException if a component is null
     */
    public UdpCheckConfig {
        Objects.requireNonNull(timing, "timing");
        payload = Objects.requireNonNull(payload, "payload").map(p -> p.toLowerCase(Locale.ROOT));
        if (payload.isPresent() && !HEX.matcher(payload.get()).matches()) {
            throw new IllegalArgumentException("payload must be pairs of hex digits: " + payload.get());
        }
        replyPattern = Objects.requireNonNull(replyPattern, "replyPattern").map(p -> p.toLowerCase(Locale.ROOT));
        if (replyPattern.isPresent()) {
            if (!HEX_WILD.matcher(replyPattern.get()).matches()) {
                throw new IllegalArgumentException("require_reply must be pairs of hex digits or x: "
                        + replyPattern.get());
            }
            if (!requireReply) {
                throw new IllegalArgumentException("a reply pattern needs require_reply");
            }
        }
        Require.range("min_reply_length", minReplyLength, 0, 65507);
        Require.range("max_reply_length", maxReplyLength, minReplyLength, 65507);
    }

    /**
     * A UDP check with keepalived's defaults: random payload, no reply required.
     *
     * @return the checker
     */
    public static UdpCheckConfig defaults() {
        return new UdpCheckConfig(CheckerTiming.defaults(CheckerType.UDP_CHECK), Optional.empty(), false,
                Optional.empty(), 0, 255);
    }

    /**
     * Returns the payload's bytes.
     *
     * @return a new array, or an empty optional if the payload is random
     */
    public Optional<byte[]> payloadBytes() {
        return payload.map(p -> HexFormat.of().parseHex(p));
    }

    /** @return {@link CheckerType#UDP_CHECK} */
    @Override
    public CheckerType type() {
        return CheckerType.UDP_CHECK;
    }
}
