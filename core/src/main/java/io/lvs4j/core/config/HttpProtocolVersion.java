package io.lvs4j.core.config;

/** The HTTP version of an {@code HTTP_GET}/{@code SSL_GET} request ({@code http_protocol}). */
public enum HttpProtocolVersion {
    /** HTTP/1.0, the default. */
    HTTP_1_0("1.0"),
    /** HTTP/1.0 with {@code Connection: close}. */
    HTTP_1_0_CLOSE("1.0C"),
    /** HTTP/1.1 (which sends {@code Connection: close}). */
    HTTP_1_1("1.1");

    private final String keyword;

    HttpProtocolVersion(String keyword) {
        this.keyword = keyword;
    }

    /**
     * Returns the value as written in keepalived.conf.
     *
     * @return {@code 1.0}, {@code 1.0C} or {@code 1.1}
     */
    public String keyword() {
        return keyword;
    }

    /**
     * Finds the version of a keepalived.conf value.
     *
     * @param keyword {@code 1.0}, {@code 1.0C} or {@code 1.1}
     * @return the version, or {@code null} if there is none of that name
     */
    public static HttpProtocolVersion ofKeyword(String keyword) {
        for (HttpProtocolVersion v : values()) {
            if (v.keyword.equals(keyword)) {
                return v;
            }
        }
        return null;
    }
}
