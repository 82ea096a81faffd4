package io.lvs4j.core.config;

import io.lvs4j.core.check.internal.Scripts;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An external command keepalived runs: a notify script ({@code notify_master},
 * {@code notify_up}, {@code quorum_up}, ...), the command of a {@code vrrp_script} or of a
 * {@code MISC_CHECK}.
 *
 * @param command the command line as written, program first; words separated by spaces,
 *     single quotes keep spaces within a word
 * @param user the user (optionally {@code user:group}) to run it as; empty: the global
 *     {@code script_user}
 */
public record Script(String command, Optional<String> user) {

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the command is blank
     * @throws NullPointerException if a component is null
     */
    public Script {
        Require.name("script command", command);
        Objects.requireNonNull(user, "user");
    }

    /**
     * A command run as the default user.
     *
     * @param command the command line
     * @return the script
     */
    public static Script of(String command) {
        return new Script(command, Optional.empty());
    }

    /**
     * Splits the command line into the program and its arguments, as keepalived does: blanks
     * separate words, single or double quotes group them, a backslash escapes the next character.
     *
     * @return the words, program first
     */
    public List<String> words() {
        return Scripts.split(command);
    }
}
