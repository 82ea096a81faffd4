package io.lvs4j.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names of {@code ./lvs4j run}'s connection table files ({@code --table-dir}): a default
 * director name that differs between directors on one host (network namespaces share
 * {@code /dev/shm}) and stays the same across restarts of one director, and the deletion of a
 * director's files for {@code --fresh-table}.
 */
final class TableFiles {

    private TableFiles() {
    }

    /**
     * Names a director by what stays when it restarts: its network namespace (the inode of
     * {@code /proc/self/ns/net}), the interface option and the config file's absolute path.
     *
     * @param config the config file
     * @param interfaceName the {@code --interface} option, or null
     * @return 12 hexadecimal digits
     */
    static String defaultName(Path config, String interfaceName) {
        String netns;
        try {
            netns = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            netns = "";
        }
        String identity = netns + "\n" + (interfaceName == null ? "" : interfaceName) + "\n"
                + config.toAbsolutePath().normalize();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns the glob of a director's files.
     *
     * @param name the director's name
     * @return {@code lvs4j-NAME-[0-9]*-ipv[46]}
     */
    static String pattern(String name) {
        return "lvs4j-" + name + "-[0-9]*-ipv[46]";
    }

    /**
     * Deletes a director's table files.
     *
     * @param directory the directory
     * @param name the director's name
     * @return how many files were deleted
     * @throws IOException if the directory cannot be read or a file deleted
     */
    static int delete(Path directory, String name) throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, pattern(name))) {
            for (Path file : files) {
                Files.delete(file);
                deleted++;
            }
        }
        return deleted;
    }
}
