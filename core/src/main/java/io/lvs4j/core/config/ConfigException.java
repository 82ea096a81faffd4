package io.lvs4j.core.config;

import java.util.Objects;

/**
 * A configuration that cannot be used: a syntax error, a value out of range, a reference to
 * something undeclared, or a file that cannot be read. The message starts with the position,
 * {@code file:line:column: }, as a compiler's does.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The position of the error. */
    private final transient SourcePosition position;

    /** The message without the position. */
    private final String detail;

    /**
     * Creates the exception.
     *
     * @param position where the error is
     * @param detail what is wrong, without the position
     */
    public ConfigException(SourcePosition position, String detail) {
        this(position, detail, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param position where the error is
     * @param detail what is wrong, without the position
     * @param cause the cause, or {@code null}
     */
    public ConfigException(SourcePosition position, String detail, Throwable cause) {
        super(Objects.requireNonNull(position, "position") + ": " + Objects.requireNonNull(detail, "detail"), cause);
        this.position = position;
        this.detail = detail;
    }

    /**
     * Returns where the error is.
     *
     * @return the position
     */
    public SourcePosition position() {
        return position;
    }

    /**
     * Returns what is wrong, without the position.
     *
     * @return the detail message
     */
    public String detail() {
        return detail;
    }
}
