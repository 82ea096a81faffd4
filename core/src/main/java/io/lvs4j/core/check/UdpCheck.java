package io.lvs4j.core.check;

import io.lvs4j.core.config.UdpCheckConfig;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * keepalived's {@code UDP_CHECK}: a datagram with {@code payload} goes to the server from a
 * connected socket. An ICMP port unreachable (the socket's {@code ECONNREFUSED}) means down.
 * Without {@code require_reply}, silence until the deadline means up; with it, a reply must
 * come whose length is within {@code min_reply_length}..{@code max_reply_length} and whose first
 * bytes match the reply pattern (hex; an {@code x} matches any nibble), as in keepalived. The
 * exchange is the loop's {@link CheckNetwork#udp(UdpCheck, CheckAttempt)}; {@link #judge(ByteBuffer)}
 * judges the reply.
 *
 * @param config the checker block: payload, require_reply, reply lengths, connection options
 *     and timing
 */
public record UdpCheck(UdpCheckConfig config) implements HealthCheck {

    /** Checks the value. */
    public UdpCheck {
        Objects.requireNonNull(config, "config");
    }

    @Override
    public void check(CheckAttempt attempt) {
        if (!config.requireReply()) {
            attempt.resultAtDeadline(CheckResult.success());
        }
        attempt.loop().network().udp(this, attempt);
    }

    /**
     * Judges a reply as keepalived does.
     *
     * @param reply the reply, from its position to its limit; left as it is
     * @return success if its length is in range and its leading bytes match the pattern
     */
    public CheckResult judge(ByteBuffer reply) {
        int len = reply.remaining();
        if (len < config.minReplyLength() || len > config.maxReplyLength()) {
            return CheckResult.failure("reply of " + len + " bytes outside " + config.minReplyLength() + ".."
                    + config.maxReplyLength());
        }
        String pattern = config.replyPattern().orElse("");
        int n = Math.min(len, pattern.length() / 2);
        for (int i = 0; i < n; i++) {
            int b = reply.get(reply.position() + i) & 0xff;
            if (!nibble(pattern.charAt(2 * i), b >>> 4) || !nibble(pattern.charAt(2 * i + 1), b & 0xf)) {
                return CheckResult.failure("reply does not match at byte " + i);
            }
        }
        return CheckResult.success();
    }

    private static boolean nibble(char want, int got) {
        return want == 'x' || Character.digit(want, 16) == got;
    }

    @Override
    public String name() {
        return "UDP_CHECK";
    }
}
