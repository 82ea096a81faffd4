package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.SourcePosition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits keepalived.conf text into {@link Token}s, line by line, as keepalived reads it:
 * <ul>
 *   <li>{@code #} and {@code !} start a comment anywhere outside quotes;</li>
 *   <li>opening and closing braces are tokens of their own outside quotes;</li>
 *   <li>quotes ({@code "} or {@code '}) keep spaces, are removed, and join adjacent text
 *       ({@code a"b c"d} is one word {@code ab cd}); escapes such as {@code \t}, {@code \x41}
 *       and {@code \101} apply inside them;</li>
 *   <li>a line starting with {@code @ID} is kept only if ID is the config id, one starting
 *       with {@code @^ID} only if it is not;</li>
 *   <li>{@code $NAME=VALUE} defines a parameter, and later {@code $NAME} (followed by a space
 *       or the end of the line) and {@code ${NAME}} are replaced by its value;</li>
 *   <li>{@code include PATTERN} (and keepalived's variants {@code includer}, {@code includem},
 *       {@code includew}, {@code includeb}, {@code includea}) reads the files matching the glob
 *       in place, relative to the including file's directory, in sorted order; a file that is
 *       already being read further up the include chain is an error (a cycle).</li>
 * </ul>
 * Not thread-safe.
 */
public final class Lexer {

    private static final Set<String> INCLUDES = Set.of("include", "includer", "includem", "includew", "includeb",
            "includea");
    private static final Set<String> LENIENT_INCLUDES = Set.of("include", "includer");
    private static final Pattern DEFINITION = Pattern.compile("^\\s*\\$([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)(?=\\s|$)");

    private final Optional<String> configId;
    private final Diagnostics diagnostics;
    private final Deque<Frame> frames = new ArrayDeque<>();
    private final Deque<Token> pending = new ArrayDeque<>();
    private final Map<String, String> parameters = new HashMap<>();
    private final List<Path> files = new ArrayList<>();
    private SourcePosition end;

    private static final class Frame {
        final Path path;
        final List<Path> chain;
        final String[] lines;
        int next;

        Frame(Path path, List<Path> chain, String[] lines) {
            this.path = path;
            this.chain = chain;
            this.lines = lines;
        }
    }

    /**
     * Creates a lexer over a file.
     *
     * @param file the main configuration file
     * @param configId the config id that {@code @ID} lines are compared with; empty: none
     * @param diagnostics where warnings go
     * @throws ConfigException if the file cannot be read
     */
    public Lexer(Path file, Optional<String> configId, Diagnostics diagnostics) throws ConfigException {
        this.configId = configId;
        this.diagnostics = diagnostics;
        push(file, List.of(), read(file, SourcePosition.ofFile(file)));
        files.add(file);
    }

    /**
     * Creates a lexer over text, as if it were the content of a file.
     *
     * @param file the name the text goes by; includes are relative to its directory
     * @param text the content
     * @param configId the config id that {@code @ID} lines are compared with; empty: none
     * @param diagnostics where warnings go
     */
    public Lexer(Path file, String text, Optional<String> configId, Diagnostics diagnostics) {
        this.configId = configId;
        this.diagnostics = diagnostics;
        push(file, List.of(), text);
        files.add(file);
    }

    /**
     * Returns every file read so far, the main file first.
     *
     * @return the files, in the order they were opened
     */
    public List<Path> files() {
        return List.copyOf(files);
    }

    /**
     * Returns the next token; after the last line of the main file, {@link Token.Kind#EOF}
     * for ever.
     *
     * @return the token
     * @throws ConfigException on a lexical error or an include that cannot be read
     */
    public Token next() throws ConfigException {
        while (pending.isEmpty()) {
            if (!readLine()) {
                return new Token(Token.Kind.EOF, "", end, false);
            }
        }
        return pending.poll();
    }

    private void push(Path file, List<Path> parentChain, String content) {
        List<Path> chain = new ArrayList<>(parentChain);
        chain.add(identity(file));
        String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
        String[] lines = text.split("\r?\n|\r", -1);
        frames.push(new Frame(file, List.copyOf(chain), lines));
    }

    private static Path identity(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    private static String read(Path file, SourcePosition where) throws ConfigException {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IOException e) {
            throw new ConfigException(where, "cannot read " + file + ": " + describe(e), e);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.toString();
    }

    private boolean readLine() throws ConfigException {
        while (!frames.isEmpty()) {
            Frame frame = frames.peek();
            if (frame.next < frame.lines.length) {
                int lineNo = ++frame.next;
                tokenize(frame, lineNo, frame.lines[lineNo - 1]);
                return true;
            }
            frames.pop();
            if (frames.isEmpty()) {
                end = new SourcePosition(frame.path, Math.max(1, frame.lines.length), 1);
            }
        }
        return false;
    }

    private void tokenize(Frame frame, int lineNo, String raw) throws ConfigException {
        String line = applyConditional(raw);
        if (line == null) {
            return;
        }
        Matcher definition = DEFINITION.matcher(line);
        if (definition.matches()) {
            parameters.put(definition.group(1), definition.group(2).strip());
            return;
        }
        if (!parameters.isEmpty() && line.indexOf('$') >= 0) {
            line = substitute(line);
        }
        List<Token> tokens = new ArrayList<>();
        int commentStart = scan(frame.path, lineNo, line, tokens);
        if (tokens.isEmpty()) {
            return;
        }
        Token first = tokens.getFirst();
        if (first.kind() == Token.Kind.WORD && !first.quoted() && INCLUDES.contains(first.text())) {
            include(frame, first, line, commentStart);
            return;
        }
        pending.addAll(tokens);
        pending.add(new Token(Token.Kind.EOL, "", new SourcePosition(frame.path, lineNo,
                line.codePointCount(0, line.length()) + 1), false));
    }

    /** Returns the line to read (with a true condition blanked out), or null to skip it. */
    private String applyConditional(String line) {
        int start = 0;
        while (start < line.length() && Character.isWhitespace(line.charAt(start))) {
            start++;
        }
        if (start >= line.length() || line.charAt(start) != '@') {
            return line;
        }
        int stop = start;
        while (stop < line.length() && !Character.isWhitespace(line.charAt(stop))) {
            stop++;
        }
        String word = line.substring(start + 1, stop);
        boolean negated = word.startsWith("^");
        String id = negated ? word.substring(1) : word;
        boolean matches = configId.isPresent() && configId.get().equals(id);
        if (matches == negated) {
            return null;
        }
        return line.substring(0, start) + " ".repeat(stop - start) + line.substring(stop);
    }

    private String substitute(String line) {
        Matcher m = REFERENCE.matcher(line);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = parameters.get(name);
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Scans one line into tokens; returns the index where a comment starts, or the length. */
    private static int scan(Path file, int lineNo, String line, List<Token> out) throws ConfigException {
        int n = line.length();
        int i = 0;
        while (i < n) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#' || c == '!') {
                return i;
            } else if (c == '{' || c == '}') {
                out.add(new Token(c == '{' ? Token.Kind.OPEN : Token.Kind.CLOSE, String.valueOf(c),
                        position(file, lineNo, line, i), false));
                i++;
            } else {
                int start = i;
                StringBuilder word = new StringBuilder();
                boolean quoted = false;
                while (i < n) {
                    c = line.charAt(i);
                    if (c == '"' || c == '\'') {
                        quoted = true;
                        i = quoted(file, lineNo, line, i, word);
                    } else if (Character.isWhitespace(c) || c == '{' || c == '}' || c == '#' || c == '!') {
                        break;
                    } else {
                        word.append(c);
                        i++;
                    }
                }
                out.add(new Token(Token.Kind.WORD, word.toString(), position(file, lineNo, line, start), quoted));
            }
        }
        return n;
    }

    /** Reads a quoted part starting at the quote; returns the index after the closing quote. */
    private static int quoted(Path file, int lineNo, String line, int open, StringBuilder word)
            throws ConfigException {
        char quote = line.charAt(open);
        int i = open + 1;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == quote) {
                return i + 1;
            }
            if (c == '\\' && i + 1 < n) {
                i = escape(line, i + 1, word);
            } else {
                word.append(c);
                i++;
            }
        }
        throw new ConfigException(position(file, lineNo, line, open),
                "unterminated quoted string: no closing " + quote + " on this line");
    }

    /** Applies the escape whose letter is at {@code i}; returns the index after it. */
    private static int escape(String line, int i, StringBuilder word) {
        char c = line.charAt(i);
        switch (c) {
            case 'a' -> word.append('\u0007');
            case 'b' -> word.append('\b');
            case 'E' -> word.append('\u001b');
            case 'f' -> word.append('\f');
            case 'n' -> word.append('\n');
            case 'r' -> word.append('\r');
            case 't' -> word.append('\t');
            case 'v' -> word.append('\u000b');
            case 'x' -> {
                int j = i + 1;
                int value = 0;
                while (j < line.length() && j < i + 3 && Character.digit(line.charAt(j), 16) >= 0) {
                    value = value * 16 + Character.digit(line.charAt(j), 16);
                    j++;
                }
                if (j == i + 1) {
                    word.append('x');
                    return i + 1;
                }
                word.append((char) value);
                return j;
            }
            case 'c' -> {
                if (i + 1 < line.length()) {
                    word.append((char) (Character.toUpperCase(line.charAt(i + 1)) ^ 0x40));
                    return i + 2;
                }
                word.append('c');
            }
            default -> {
                if (c >= '0' && c <= '7') {
                    int j = i;
                    int value = 0;
                    while (j < line.length() && j < i + 3 && line.charAt(j) >= '0' && line.charAt(j) <= '7') {
                        value = value * 8 + (line.charAt(j) - '0');
                        j++;
                    }
                    word.append((char) (value & 0xff));
                    return j;
                }
                word.append(c);
            }
        }
        return i + 1;
    }

    private static SourcePosition position(Path file, int lineNo, String line, int index) {
        return new SourcePosition(file, lineNo, line.codePointCount(0, index) + 1);
    }

    private void include(Frame frame, Token keyword, String line, int commentStart) throws ConfigException {
        int after = line.offsetByCodePoints(0, keyword.position().column() - 1) + keyword.text().length();
        String pattern = line.substring(after, commentStart).strip();
        if (pattern.length() >= 2 && (pattern.startsWith("\"") && pattern.endsWith("\"")
                || pattern.startsWith("'") && pattern.endsWith("'"))) {
            pattern = pattern.substring(1, pattern.length() - 1);
        }
        if (pattern.isEmpty()) {
            throw new ConfigException(keyword.position(), "'" + keyword.text() + "' needs a file name or pattern");
        }
        Path base = frame.path.getParent() != null ? frame.path.getParent() : Path.of("");
        List<Path> matches;
        try {
            matches = Glob.expand(base, pattern);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(keyword.position(), "cannot expand include pattern '" + pattern + "': "
                    + e.getMessage(), e);
        }
        if (matches.isEmpty()) {
            if (LENIENT_INCLUDES.contains(keyword.text())) {
                diagnostics.warn(keyword.position(), "include '" + pattern + "' matches no file");
                return;
            }
            throw new ConfigException(keyword.position(), keyword.text() + " '" + pattern + "' matches no file");
        }
        List<String> contents = new ArrayList<>(matches.size());
        for (Path match : matches) {
            Path id = identity(match);
            if (frame.chain.contains(id)) {
                throw new ConfigException(keyword.position(), "include cycle: " + frame.path + " includes "
                        + match + ", which is already being read");
            }
            contents.add(read(match, keyword.position()));
        }
        files.addAll(matches);
        for (int i = matches.size() - 1; i >= 0; i--) {
            push(matches.get(i), frame.chain, contents.get(i));
        }
    }
}
