package io.lvs4j.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A place in a configuration file: file, line and column, both counted from 1 (a column counts
 * characters, so a tab is one column). Line 0 stands for the file as a whole.
 *
 * @param file the file, as it was named (relative paths stay relative)
 * @param line the line, from 1; 0 for the whole file
 * @param column the column, from 1; 0 for the whole line or file
 */
public record SourcePosition(Path file, int line, int column) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if line or column is negative
     * @throws NullPointerException if file is null
     */
    public SourcePosition {
        Objects.requireNonNull(file, "file");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must not be negative");
        }
    }

    /**
     * The position of a whole file.
     *
     * @param file the file
     * @return the position {@code file:0:0}
     */
    public static SourcePosition ofFile(Path file) {
        return new SourcePosition(file, 0, 0);
    }

    /**
     * Returns the position as compilers print it.
     *
     * @return {@code file:line:column}, or {@code file} alone for a whole file
     */
    @Override
    public String toString() {
        if (line == 0) {
            return file.toString();
        }
        return column == 0 ? file + ":" + line : file + ":" + line + ":" + column;
    }
}
