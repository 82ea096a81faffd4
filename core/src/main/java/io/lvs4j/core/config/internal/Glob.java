package io.lvs4j.core.config.internal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

/** Expands an include pattern ({@code *}, {@code ?}, {@code [..]}, {@code {a,b}}) to files. */
final class Glob {

    private Glob() {
    }

    /**
     * Returns the regular files a pattern matches, sorted by path.
     *
     * @param base the directory a relative pattern starts from
     * @param pattern the pattern
     * @return the matching files, each as {@code base.resolve(...)}
     * @throws IOException if a directory cannot be listed
     */
    static List<Path> expand(Path base, String pattern) throws IOException {
        Path full = base.resolve(pattern).normalize();
        if (!hasMeta(pattern)) {
            return Files.isRegularFile(full) ? List.of(full) : List.of();
        }
        Path dir = full.getRoot() != null ? full.getRoot() : Path.of("");
        int depth = 0;
        boolean inPattern = false;
        for (Path part : full) {
            if (inPattern || hasMeta(part.toString())) {
                inPattern = true;
                depth++;
            } else {
                dir = dir.resolve(part);
            }
        }
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + full);
        try (Stream<Path> paths = Files.walk(dir, depth)) {
            return paths.filter(matcher::matches)
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }
    }

    private static boolean hasMeta(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return true;
            }
        }
        return false;
    }
}
