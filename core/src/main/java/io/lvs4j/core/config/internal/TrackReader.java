package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.TrackedInterface;
import io.lvs4j.core.config.VrrpScriptConfig;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads the lines of {@code track_interface} and {@code track_script} blocks, with keepalived's
 * {@code weight N [reverse|noreverse]}: a line's own {@code reverse} or {@code noreverse} wins
 * over the {@code vrrp_script}'s, as in keepalived.
 */
final class TrackReader {

    private TrackReader() {
    }

    /** Reads a {@code track_interface} line: {@code NAME [weight N [reverse|noreverse]]}. */
    static TrackedInterface trackInterface(Statement line) throws ConfigException {
        line.noBlock();
        String name = line.keyword().text();
        if (line.args().isEmpty()) {
            return TrackedInterface.of(name);
        }
        Token w = line.args().getFirst();
        if (!w.text().equals("weight")) {
            throw new ConfigException(w.position(), "expected 'weight' after interface " + name + ", not "
                    + w.describe());
        }
        int weight = Values.integer(line.arg(1, "a weight -253..253"), "weight", -253, 253);
        line.maxArgs(3);
        boolean reverse = line.args().size() > 2 && reverse(line.args().get(2));
        return new TrackedInterface(name, weight, reverse);
    }

    /**
     * Reads a {@code track_script} line: the {@code vrrp_script} it names, with the line's weight
     * if it gives one, and the line's {@code reverse}/{@code noreverse} if it gives one, else the
     * script's.
     */
    static VrrpScriptConfig trackScript(Statement line, String owner, Map<String, VrrpScriptConfig> scripts)
            throws ConfigException {
        line.noBlock();
        String name = line.keyword().text();
        OptionalInt weight = OptionalInt.empty();
        Optional<Boolean> reverse = Optional.empty();
        List<Token> args = line.args();
        int i = 0;
        if (i < args.size() && args.get(i).text().equals("weight")) {
            weight = OptionalInt.of(Values.integer(line.arg(i + 1, "a weight -253..253"), "weight", -253, 253));
            i += 2;
        }
        if (i < args.size()) {
            reverse = Optional.of(reverse(args.get(i)));
            i++;
        }
        line.maxArgs(i);
        VrrpScriptConfig script = scripts.get(name);
        if (script == null) {
            throw new ConfigException(line.position(), owner + " tracks vrrp_script " + name
                    + ", which is not declared");
        }
        if (weight.isEmpty() && reverse.isEmpty()) {
            return script;
        }
        return script.withWeight(weight.orElse(script.weight()), reverse.orElse(script.reverse()));
    }

    /** Reads {@code reverse} or {@code noreverse}. */
    static boolean reverse(Token t) throws ConfigException {
        return switch (t.text()) {
            case "reverse" -> true;
            case "noreverse" -> false;
            default -> throw new ConfigException(t.position(), "expected reverse or noreverse, not " + t.describe());
        };
    }
}
