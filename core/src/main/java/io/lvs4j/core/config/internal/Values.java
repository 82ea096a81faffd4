package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/** Reads the values of keepalived.conf words, failing with the word's position. */
public final class Values {

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]*)?|\\.[0-9]+");
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

    private Values() {
    }

    /**
     * Reads an integer in a range.
     *
     * @param token the word
     * @param what what it is, for messages (usually the keyword)
     * @param min the least value
     * @param max the greatest value
     * @return the value
     * @throws ConfigException if it is not an integer or out of range
     */
    public static int integer(Token token, String what, long min, long max) throws ConfigException {
        String text = token.text();
        if (!INTEGER.matcher(text).matches()) {
            throw new ConfigException(token.position(), what + " must be an integer, not " + token.describe());
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            value = text.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        if (value < min || value > max) {
            throw new ConfigException(token.position(), what + " " + text + " is out of range " + min + "-" + max);
        }
        return (int) value;
    }

    /**
     * Reads a port, 0 to 65535.
     *
     * @param token the word
     * @param what what it is
     * @return the port
     * @throws ConfigException if it is not a port number
     */
    public static int port(Token token, String what) throws ConfigException {
        return integer(token, what, 0, 65535);
    }

    /**
     * Reads a time in seconds with a fraction (keepalived's {@code <TIMER>}), to the microsecond.
     *
     * @param token the word
     * @param what what it is
     * @param min the least value allowed
     * @param max the greatest value allowed
     * @return the duration
     * @throws ConfigException if it is not a non-negative decimal number or out of range
     */
    public static Duration seconds(Token token, String what, Duration min, Duration max) throws ConfigException {
        String text = token.text();
        if (!DECIMAL.matcher(text).matches()) {
            throw new ConfigException(token.position(), what + " must be a number of seconds, not "
                    + token.describe());
        }
        BigDecimal micros = new BigDecimal(text).movePointRight(6).setScale(0, RoundingMode.HALF_UP);
        if (micros.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1000)) > 0) {
            throw new ConfigException(token.position(), what + " " + text + " s is out of range "
                    + format(min) + "-" + format(max) + " s");
        }
        Duration value = Duration.ofNanos(micros.longValueExact() * 1000);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ConfigException(token.position(), what + " " + text + " s is out of range "
                    + format(min) + "-" + format(max) + " s");
        }
        return value;
    }

    /**
     * Formats a duration as keepalived writes it: seconds with a fraction only if needed.
     *
     * @param d a duration
     * @return for example {@code 3} or {@code 0.5}
     */
    public static String format(Duration d) {
        return BigDecimal.valueOf(d.toNanos()).movePointLeft(9).stripTrailingZeros().toPlainString();
    }

    /**
     * Reads keepalived's optional {@code <BOOL>} argument: none means true.
     *
     * @param s the statement
     * @param index the index of the argument
     * @return the value
     * @throws ConfigException if the argument is not on/off/true/false/yes/no or is followed by more
     */
    public static boolean optionalBool(Statement s, int index) throws ConfigException {
        s.noBlock();
        s.maxArgs(index + 1);
        if (s.args().size() <= index) {
            return true;
        }
        Token t = s.args().get(index);
        return switch (t.text().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new ConfigException(t.position(), "'" + s.name()
                    + "' takes on|off|true|false|yes|no, not " + t.describe());
        };
    }

    /**
     * Reads an IPv4 or IPv6 address literal; host names are refused (no name lookup).
     *
     * @param token the word
     * @param what what it is
     * @return the address
     * @throws ConfigException if it is not an address literal
     */
    public static InetAddress address(Token token, String what) throws ConfigException {
        InetAddress a = addressOrNull(token.text());
        if (a == null) {
            throw new ConfigException(token.position(), what + " must be an IPv4 or IPv6 address, not "
                    + token.describe());
        }
        return a;
    }

    /**
     * Parses an address literal without any name lookup.
     *
     * @param text the text
     * @return the address, or null if the text is not an IPv4 or IPv6 literal
     */
    public static InetAddress addressOrNull(String text) {
        try {
            if (IPV4.matcher(text).matches()) {
                return Inet4Address.ofLiteral(text);
            }
            if (text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches()) {
                return Inet6Address.ofLiteral(text);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    /**
     * Reads an IPv4 netmask ({@code 255.255.255.0}) or a prefix length ({@code 24}).
     *
     * @param token the word
     * @param what what it is
     * @return the prefix length
     * @throws ConfigException if it is neither, or the mask is not contiguous
     */
    public static int prefixLength(Token token, String what) throws ConfigException {
        String text = token.text();
        if (INTEGER.matcher(text).matches()) {
            return integer(token, what, 0, 128);
        }
        InetAddress mask = addressOrNull(text);
        if (!(mask instanceof Inet4Address)) {
            throw new ConfigException(token.position(), what + " must be a netmask such as 255.255.255.0 or a"
                    + " prefix length, not " + token.describe());
        }
        byte[] b = mask.getAddress();
        int bits = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        int length = Integer.bitCount(bits);
        if (bits != (length == 0 ? 0 : -1 << (32 - length))) {
            throw new ConfigException(token.position(), what + " " + text + " is not a contiguous netmask");
        }
        return length;
    }
}
