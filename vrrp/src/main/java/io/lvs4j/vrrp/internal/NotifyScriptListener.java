package io.lvs4j.vrrp.internal;

import io.lvs4j.core.config.NotifyScripts;
import io.lvs4j.core.config.Script;
import io.lvs4j.vrrp.ScriptRunner;
import io.lvs4j.vrrp.VrrpListener;
import io.lvs4j.vrrp.VrrpState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs keepalived-style notify scripts on state changes: the script of the new state
 * ({@code notify_master}, {@code notify_backup}, {@code notify_fault}, {@code notify_stop}),
 * then {@code notify TYPE NAME STATE PRIORITY}. Scripts run asynchronously through a
 * {@link ScriptRunner}; their outcome is not waited for.
 */
public final class NotifyScriptListener implements VrrpListener {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final ScriptRunner runner;
    private final Map<String, NotifyScripts> instances;
    private final Map<String, NotifyScripts> groups;

    /**
     * Creates the listener.
     *
     * @param runner runs the scripts
     * @param instances notify scripts by instance name
     * @param groups notify scripts by group name
     * @throws IllegalArgumentException if a command line has an unbalanced quote
     */
    public NotifyScriptListener(ScriptRunner runner, Map<String, NotifyScripts> instances,
                                Map<String, NotifyScripts> groups) {
        this.runner = runner;
        this.instances = Map.copyOf(instances);
        this.groups = Map.copyOf(groups);
        for (Map<String, NotifyScripts> byName : List.of(this.instances, this.groups)) {
            for (NotifyScripts scripts : byName.values()) {
                for (Optional<Script> script : List.of(scripts.master(), scripts.backup(), scripts.fault(),
                        scripts.stop(), scripts.any())) {
                    script.ifPresent(Script::words); // checked now rather than at the first change
                }
            }
        }
    }

    @Override
    public void instanceStateChanged(String instance, VrrpState from, VrrpState to, int priority) {
        NotifyScripts scripts = instances.get(instance);
        if (scripts != null) {
            run(scripts, "INSTANCE", instance, to, priority);
        }
    }

    @Override
    public void groupStateChanged(String group, VrrpState state) {
        NotifyScripts scripts = groups.get(group);
        if (scripts != null) {
            run(scripts, "GROUP", group, state, 0);
        }
    }

    private void run(NotifyScripts scripts, String type, String name, VrrpState state, int priority) {
        Optional<Script> specific = switch (state) {
            case MASTER -> scripts.master();
            case BACKUP -> scripts.backup();
            case FAULT -> scripts.fault();
            case INITIALIZE -> scripts.stop();
        };
        if (specific.isPresent()) {
            runner.run(specific.get().words(), TIMEOUT);
        }
        if (scripts.any().isPresent()) {
            List<String> command = new ArrayList<>(scripts.any().get().words());
            command.add(type);
            command.add(name);
            command.add(stateName(state));
            command.add(Integer.toString(priority));
            runner.run(command, TIMEOUT);
        }
    }

    /**
     * Returns the word keepalived passes for a state.
     *
     * @param state the state
     * @return MASTER, BACKUP, FAULT or STOP
     */
    public static String stateName(VrrpState state) {
        return state == VrrpState.INITIALIZE ? "STOP" : state.name();
    }
}
