package io.lvs4j.core.config.internal;

import io.lvs4j.core.config.ConfigException;
import io.lvs4j.core.config.DirectorConfig;
import io.lvs4j.core.config.GlobalDefs;
import io.lvs4j.core.config.LocalAddressGroupConfig;
import io.lvs4j.core.config.SourcePosition;
import io.lvs4j.core.config.VrrpInstanceConfig;
import io.lvs4j.core.config.VrrpSyncGroupConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the statement tree of a keepalived.conf into a {@link DirectorConfig}: reads
 * {@code global_defs} first (instances inherit from it wherever it is written), then the other
 * top-level blocks in order, then checks the references between them.
 */
public final class ConfigReader {

    private static final Set<String> ROOT_KEYWORDS = Set.of("global_defs", "vrrp_script", "vrrp_instance",
            "vrrp_sync_group", "virtual_server", "virtual_server_group", "local_address_group", "bgp_announce");

    private final Diagnostics diagnostics;

    /**
     * Creates a reader.
     *
     * @param diagnostics where warnings go
     */
    public ConfigReader(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    private static SourcePosition syncDaemonPosition(List<Statement> globals, Path file) throws ConfigException {
        for (Statement block : globals) {
            for (Statement s : block.requireBlock()) {
                if (s.name().equals("lvs_sync_daemon") && s.args().size() > 1) {
                    return s.args().get(1).position();
                }
            }
        }
        return SourcePosition.ofFile(file);
    }

    /**
     * Reads the configuration.
     *
     * @param statements the top-level statements
     * @param file the main file, for errors about the whole configuration
     * @return the configuration
     * @throws ConfigException on any error, with its position
     */
    public DirectorConfig read(List<Statement> statements, Path file) throws ConfigException {
        List<Statement> globals = new ArrayList<>();
        for (Statement s : statements) {
            if (s.name().equals("global_defs")) {
                globals.add(s);
            }
        }
        GlobalDefs globalDefs = new GlobalDefsReader(diagnostics).read(globals);
        VrrpReader vrrp = new VrrpReader(diagnostics, globalDefs);
        VirtualServerReader virtualServers = new VirtualServerReader(diagnostics);
        DirectorConfig.Builder b = DirectorConfig.builder().globalDefs(globalDefs);
        Map<String, Statement> instanceDecls = new LinkedHashMap<>();
        Map<String, VrrpInstanceConfig> instances = new HashMap<>();
        List<Statement> groupDecls = new ArrayList<>();
        LocalAddressGroupReader localAddresses = new LocalAddressGroupReader(diagnostics);
        Map<String, LocalAddressGroupConfig> localGroups = new HashMap<>();
        Map<String, Statement> localGroupDecls = new HashMap<>();
        Statement bgpDecl = null;
        VirtualServerGroupReader serverGroups = new VirtualServerGroupReader();
        for (Statement s : statements) {
            if (s.name().equals("vrrp_script")) {
                // before the instances and groups, which hold the scripts they track
                b.vrrpScript(vrrp.script(s));
            } else if (s.name().equals("virtual_server_group")) {
                // before the virtual servers, which may name a group declared after them
                serverGroups.read(s);
            }
        }
        for (Statement s : statements) {
            switch (s.name()) {
                case "global_defs", "vrrp_script", "virtual_server_group" -> {
                    // read above
                }
                case "vrrp_instance" -> {
                    VrrpInstanceConfig instance = vrrp.instance(s);
                    instanceDecls.put(instance.name(), s);
                    instances.put(instance.name(), instance);
                    b.vrrpInstance(instance);
                }
                case "vrrp_sync_group" -> groupDecls.add(s);
                case "virtual_server" -> {
                    for (var vs : virtualServers.read(s, serverGroups)) {
                        b.virtualServer(vs);
                    }
                }
                case "local_address_group" -> {
                    LocalAddressGroupConfig group = localAddresses.read(s);
                    Statement previous = localGroupDecls.putIfAbsent(group.name(), s);
                    if (previous != null) {
                        throw new ConfigException(s.args().getFirst().position(), "local_address_group "
                                + group.name() + " is already declared at " + previous.position());
                    }
                    localGroups.put(group.name(), group);
                    b.localAddressGroup(group);
                }
                case "bgp_announce" -> {
                    if (bgpDecl != null) {
                        throw new ConfigException(s.position(), "bgp_announce is already declared at "
                                + bgpDecl.position());
                    }
                    bgpDecl = s;
                    b.bgp(new BgpReader(diagnostics).read(s));
                }
                default -> Keywords.other(s, "the top level", Keywords.ROOT, ROOT_KEYWORDS, diagnostics);
            }
        }
        checkInstances(instanceDecls, instances);
        if (globalDefs.syncDaemon().isPresent() && !instances.containsKey(globalDefs.syncDaemon().get().vrrpInstance())) {
            throw new ConfigException(syncDaemonPosition(globals, file), "lvs_sync_daemon follows vrrp_instance "
                    + globalDefs.syncDaemon().get().vrrpInstance() + ", which is not declared");
        }
        virtualServers.checkLocalAddresses(localGroups);
        Map<String, Statement> groupNames = new HashMap<>();
        Map<String, String> groupOf = new HashMap<>();
        for (Statement g : groupDecls) {
            Map<String, Token> members = new HashMap<>();
            VrrpSyncGroupConfig group = vrrp.syncGroup(g, members);
            Statement previous = groupNames.putIfAbsent(group.name(), g);
            if (previous != null) {
                throw new ConfigException(g.args().getFirst().position(), "vrrp_sync_group " + group.name()
                        + " is already declared at " + previous.position());
            }
            for (String member : group.instances()) {
                Token where = members.get(group.name() + "/" + member);
                if (!instances.containsKey(member)) {
                    throw new ConfigException(where.position(), "vrrp_sync_group " + group.name()
                            + " names vrrp_instance " + member + ", which is not declared");
                }
                String other = groupOf.putIfAbsent(member, group.name());
                if (other != null) {
                    throw new ConfigException(where.position(), "vrrp_instance " + member
                            + " is already in vrrp_sync_group " + other);
                }
            }
            b.vrrpSyncGroup(group);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SourcePosition.ofFile(file), e.getMessage(), e);
        }
    }

    private static void checkInstances(Map<String, Statement> decls, Map<String, VrrpInstanceConfig> instances)
            throws ConfigException {
        Map<String, String> routerIds = new HashMap<>();
        for (Map.Entry<String, Statement> e : decls.entrySet()) {
            VrrpInstanceConfig i = instances.get(e.getKey());
            String key = i.interfaceName() + " " + i.virtualRouterId();
            String other = routerIds.putIfAbsent(key, i.name());
            if (other != null) {
                throw new ConfigException(where(e.getValue(), "virtual_router_id"), "vrrp_instance " + i.name()
                        + " uses virtual_router_id " + i.virtualRouterId() + " on " + i.interfaceName()
                        + ", as vrrp_instance " + other + " does");
            }
        }
    }

    private static SourcePosition where(Statement decl, String keyword) {
        for (Statement s : decl.block().statements()) {
            if (s.name().equals(keyword)) {
                return s.position();
            }
        }
        return decl.position();
    }
}
