package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigWarning;
import io.lvs4j.core.config.SourcePosition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Collects the warnings of one parse, in the order they are found. Not thread-safe. */
public final class Diagnostics {

    private final List<ConfigWarning> warnings = new ArrayList<>();

    /** Creates an empty collection. */
    public Diagnostics() {
    }

    /**
     * Records a warning.
     *
     * A warning already recorded (the same position and message) is not recorded again.
     *
     * @param position where
     * @param message what
     */
    public void warn(SourcePosition position, String message) {
        ConfigWarning warning = new ConfigWarning(position, message);
        // a block read once per member of a virtual_server_group says each thing once
        if (!warnings.contains(warning)) {
            warnings.add(warning);
        }
    }

    /**
     * Returns the warnings so far, in file order: by file (files in the order their first warning was found),
     * then line, then column.
     *
     * @return a sorted copy
     */
    public List<ConfigWarning> warnings() {
        Map<Path, Integer> fileOrder = new HashMap<>();
        for (ConfigWarning w : warnings) {
            fileOrder.putIfAbsent(w.position().file(), fileOrder.size());
        }
        List<ConfigWarning> sorted = new ArrayList<>(warnings);
        sorted.sort(Comparator.comparingInt((ConfigWarning w) -> fileOrder.get(w.position().file()))
                .thenComparingInt(w -> w.position().line())
                .thenComparingInt(w -> w.position().column()));
        return List.copyOf(sorted);
    }
}
