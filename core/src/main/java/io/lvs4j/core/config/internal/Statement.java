package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.SourcePosition;
import java.util.List;

/**
 * One statement of keepalived.conf: a keyword, its arguments on the same line, and an optional
 * block of statements in braces. A line inside a list block ({@code virtual_ipaddress { ... }})
 * is a statement too, whose keyword is the first word of the line.
 *
 * @param keyword the first word
 * @param args the other words of the line
 * @param block the block, or {@code null} if none
 */
public record Statement(Token keyword, List<Token> args, Block block) {

    /**
     * A block in braces.
     *
     * @param open the opening brace
     * @param statements the statements inside
     */
    public record Block(Token open, List<Statement> statements) {
    }

    /**
     * Copies the arguments.
     */
    public Statement {
        args = List.copyOf(args);
    }

    /**
     * Returns the keyword's text.
     *
     * @return the first word
     */
    public String name() {
        return keyword.text();
    }

    /**
     * Returns where the statement starts.
     *
     * @return the keyword's position
     */
    public SourcePosition position() {
        return keyword.position();
    }

    /**
     * Returns an argument that must be there.
     *
     * @param index from 0
     * @param what what the argument is, for the error message
     * @return the argument
     * @throws ConfigException if there are not enough arguments
     */
    public Token arg(int index, String what) throws ConfigException {
        if (index >= args.size()) {
            throw new ConfigException(endOfLine(), "'" + name() + "' needs " + what);
        }
        return args.get(index);
    }

    /**
     * Requires that there are no arguments from an index on.
     *
     * @param count the number of arguments allowed
     * @throws ConfigException naming the first extra argument
     */
    public void maxArgs(int count) throws ConfigException {
        if (args.size() > count) {
            Token extra = args.get(count);
            throw new ConfigException(extra.position(), "unexpected " + extra.describe() + " after '" + name()
                    + (count > 0 ? " " + String.join(" ", args.subList(0, count).stream().map(Token::text).toList())
                    : "") + "'");
        }
    }

    /**
     * Requires that the statement has no block.
     *
     * @throws ConfigException at the block's opening brace
     */
    public void noBlock() throws ConfigException {
        if (block != null) {
            throw new ConfigException(block.open().position(), "'" + name() + "' takes no block");
        }
    }

    /**
     * Returns the statements of the block, which must be there.
     *
     * @return the statements
     * @throws ConfigException if there is no block
     */
    public List<Statement> requireBlock() throws ConfigException {
        if (block == null) {
            throw new ConfigException(endOfLine(), "'" + name() + "' needs a block: '{' expected");
        }
        return block.statements();
    }

    /**
     * Returns the position just after the last word of the statement's line.
     *
     * @return a position on the statement's line
     */
    public SourcePosition endOfLine() {
        Token last = args.isEmpty() ? keyword : args.getLast();
        SourcePosition p = last.position();
        return new SourcePosition(p.file(), p.line(), p.column() + displayLength(last) + 1);
    }

    private static int displayLength(Token token) {
        int length = token.text().codePointCount(0, token.text().length());
        return token.quoted() ? length + 2 : length;
    }
}
