package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigWarning;
import io.lvs4j.core.config.SourcePosition;
import java.util.ArrayList;
import java.util.List;

/** Collects the warnings of one parse, in the order they are found. Not thread-safe. */
public final class Diagnostics {

    private final List<ConfigWarning> warnings = new ArrayList<>();

    /** Creates an empty collection. */
    public Diagnostics() {
    }

    /**
     * Records a warning.
     *
     * @param position where
     * @param message what
     */
    public void warn(SourcePosition position, String message) {
        warnings.add(new ConfigWarning(position, message));
    }

    /**
     * Returns the warnings so far.
     *
     * @return a copy, in order
     */
    public List<ConfigWarning> warnings() {
        return List.copyOf(warnings);
    }
}
