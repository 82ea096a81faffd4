package io.lvs4j.core.sched;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds schedulers by name among the {@link SchedulerProvider}s on the class or module path.
 */
public final class Schedulers {

    private static final Map<String, SchedulerProvider> PROVIDERS = load();

    private Schedulers() {
    }

    private static Map<String, SchedulerProvider> load() {
        Map<String, SchedulerProvider> byName = new TreeMap<>();
        for (SchedulerProvider provider : ServiceLoader.load(SchedulerProvider.class,
                Schedulers.class.getClassLoader())) {
            byName.putIfAbsent(provider.name(), provider);
        }
        return Map.copyOf(byName);
    }

    /**
     * Makes a scheduler by name.
     *
     * @param name an IPVS scheduler name such as {@code rr}, or another provider's name
     * @param options the options
     * @return a new scheduler
     * @throws IllegalArgumentException if no provider has that name, naming those that exist
     */
    public static Scheduler create(String name, SchedulerOptions options) {
        SchedulerProvider provider = PROVIDERS.get(name);
        if (provider == null) {
            throw new IllegalArgumentException("unknown scheduler '" + name + "'; known: "
                    + String.join(" ", new TreeMap<>(PROVIDERS).keySet()));
        }
        return provider.create(options);
    }

    /** @return the names of every scheduler found, sorted */
    public static Set<String> names() {
        return new TreeMap<>(PROVIDERS).keySet();
    }
}
