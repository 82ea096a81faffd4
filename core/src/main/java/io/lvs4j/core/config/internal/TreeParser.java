package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the statement tree of keepalived.conf from tokens: a statement is the words of one
 * line, optionally followed by a block in braces (the opening brace may also start the next line).
 * Not thread-safe.
 */
public final class TreeParser {

    private final Lexer lexer;
    private Token lookahead;

    /**
     * Creates a parser over a lexer.
     *
     * @param lexer the tokens
     */
    public TreeParser(Lexer lexer) {
        this.lexer = lexer;
    }

    /**
     * Parses the whole input.
     *
     * @return the top-level statements
     * @throws ConfigException on unbalanced braces or a lexical error
     */
    public List<Statement> parse() throws ConfigException {
        return statements(null);
    }

    private Token peek() throws ConfigException {
        if (lookahead == null) {
            lookahead = lexer.next();
        }
        return lookahead;
    }

    private Token take() throws ConfigException {
        Token t = peek();
        lookahead = null;
        return t;
    }

    private List<Statement> statements(Token open) throws ConfigException {
        List<Statement> list = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case EOL -> take();
                case EOF -> {
                    if (open != null) {
                        throw new ConfigException(open.position(), "'{' is never closed: end of file reached");
                    }
                    return list;
                }
                case CLOSE -> {
                    if (open == null) {
                        throw new ConfigException(t.position(), "unexpected '}': no block is open");
                    }
                    take();
                    return list;
                }
                case OPEN -> throw new ConfigException(t.position(), "unexpected '{': a block must follow a keyword");
                case WORD -> list.add(statement());
                default -> throw new IllegalStateException(t.kind().name());
            }
        }
    }

    private Statement statement() throws ConfigException {
        Token keyword = take();
        List<Token> args = new ArrayList<>();
        while (peek().kind() == Token.Kind.WORD) {
            args.add(take());
        }
        Token t = peek();
        if (t.kind() == Token.Kind.EOL) {
            take();
            while (peek().kind() == Token.Kind.EOL) {
                take();
            }
            t = peek();
            if (t.kind() != Token.Kind.OPEN) {
                return new Statement(keyword, args, null);
            }
        }
        if (t.kind() == Token.Kind.OPEN) {
            take();
            return new Statement(keyword, args, new Statement.Block(t, statements(t)));
        }
        return new Statement(keyword, args, null);
    }
}
