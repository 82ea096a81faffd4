package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.SourcePosition;

/**
 * A token of keepalived.conf: a word (quotes removed, escapes applied), a brace, the end of a
 * line, or the end of the input.
 *
 * @param kind the kind
 * @param text the word's text; the brace itself; empty for the ends
 * @param position where the token starts
 * @param quoted true if the word was written with quotes
 */
public record Token(Kind kind, String text, SourcePosition position, boolean quoted) {

    /** Kinds of token. */
    public enum Kind {
        /** A word or quoted string. */
        WORD,
        /** An opening brace. */
        OPEN,
        /** A closing brace. */
        CLOSE,
        /** The end of a line. */
        EOL,
        /** The end of the input. */
        EOF
    }

    /**
     * Tells whether this is an unquoted word equal to a text.
     *
     * @param word the text
     * @return true if it is that word
     */
    public boolean is(String word) {
        return kind == Kind.WORD && text.equals(word);
    }

    /**
     * Returns the token as an error message quotes it.
     *
     * @return {@code 'text'}, or a name for the ends
     */
    public String describe() {
        return switch (kind) {
            case EOL -> "end of line";
            case EOF -> "end of file";
            default -> "'" + text + "'";
        };
    }
}
