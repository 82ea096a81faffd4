package io.lvs4j.testkit;

import io.lvs4j.lab.Command;

import org.junit.jupiter.api.Assumptions;

/**
 * The guard of every integration test that needs network namespaces: it needs root and the
 * {@code ip} tool. Without them the test is skipped, unless the environment variable
 * {@code LVS4J_REQUIRE_NETNS=1} (as in CI), when it fails loudly instead.
 */
public final class NetnsGuard {

    /** The environment variable that turns a skip into a failure. */
    public static final String REQUIRE = "LVS4J_REQUIRE_NETNS";

    private NetnsGuard() {
    }

    /** @return why namespaces cannot be used here, or {@code null} if they can */
    public static String missing() {
        if (!Command.onPath("ip")) {
            return "the ip tool (iproute2) is not installed";
        }
        Command.Result id = Command.run("id", "-u");
        if (!id.ok() || !"0".equals(id.stdout().strip())) {
            return "network namespace tests need root";
        }
        return null;
    }

    /**
     * Skips the calling test when namespaces cannot be used, or fails it when
     * {@code LVS4J_REQUIRE_NETNS=1}.
     *
     * @param extra further programs the test needs, such as {@code curl}
     */
    public static void assumeNetns(String... extra) {
        String missing = missing();
        for (String program : extra) {
            if (missing == null && !Command.onPath(program)) {
                missing = program + " is not installed";
            }
        }
        if (missing == null) {
            return;
        }
        if ("1".equals(System.getenv(REQUIRE))) {
            throw new AssertionError(REQUIRE + "=1 but " + missing);
        }
        Assumptions.abort(missing + " (set " + REQUIRE + "=1 to fail instead)");
    }
}
