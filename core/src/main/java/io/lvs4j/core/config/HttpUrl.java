package io.lvs4j.core.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@code url} block of an {@code HTTP_GET} or {@code SSL_GET} checker: the path to get and
 * what the answer must be.
 *
 * @param path {@code path}, starting with {@code /}
 * @param digest {@code digest}: the MD5 of the body in lower-case hex (as {@code genhash}
 *     prints it); empty: the body is not checked
 * @param statusCodes {@code status_code}: accepted codes; default 200-299
 * @param virtualhost {@code virtualhost}: the Host header of this url; empty: the checker's
 */
public record HttpUrl(String path, Optional<String> digest, List<StatusCodeRange> statusCodes,
        Optional<String> virtualhost) {

    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-f]{32}");

    /**
     * Checks and normalizes the values (the digest to lower case).
     *
     * @throws IllegalArgumentException if the path does not start with {@code /}, the digest
     *     is not 32 hex digits, or no status code is accepted
     * @throws NullPointerException if a component is null
     */
    public HttpUrl {
        Require.name("path", path);
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("url path must start with /: " + path);
        }
        digest = Objects.requireNonNull(digest, "digest").map(d -> d.toLowerCase(Locale.ROOT));
        if (digest.isPresent() && !MD5_HEX.matcher(digest.get()).matches()) {
            throw new IllegalArgumentException("digest must be 32 hex digits (MD5): " + digest.get());
        }
        statusCodes = Require.list("statusCodes", statusCodes);
        if (statusCodes.isEmpty()) {
            throw new IllegalArgumentException("url " + path + " accepts no status code");
        }
        Objects.requireNonNull(virtualhost, "virtualhost");
    }

    /**
     * A url accepting 200-299 with no digest.
     *
     * @param path the path
     * @return the url
     */
    public static HttpUrl of(String path) {
        return new HttpUrl(path, Optional.empty(), List.of(StatusCodeRange.SUCCESS), Optional.empty());
    }

    /**
     * Tells whether a status code is accepted.
     *
     * @param code an HTTP status code
     * @return true if one of the ranges contains it
     */
    public boolean accepts(int code) {
        for (StatusCodeRange range : statusCodes) {
            if (range.contains(code)) {
                return true;
            }
        }
        return false;
    }
}
