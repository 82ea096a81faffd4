package io.lvs4j.core.config.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The migration guide from keepalived lists, block by block, every keyword that lvs4j ignores
 * with a warning: the guide cannot fall behind the parser.
 */
class MigrationGuideTest {

    @Test
    void shouldListEveryIgnoredKeywordUnderItsBlock() throws Exception {
        String guide = Files.readString(Path.of("..", "docs", "migrating-from-keepalived.md"));
        String ignored = guide.substring(guide.indexOf("## Ignored with a warning"));
        Map<String, Set<String>> blocks = new LinkedHashMap<>();
        blocks.put("Top level", Keywords.ROOT);
        blocks.put("global_defs", Keywords.GLOBAL_DEFS);
        blocks.put("vrrp_instance", Keywords.VRRP_INSTANCE);
        blocks.put("vrrp_sync_group", Keywords.VRRP_SYNC_GROUP);
        blocks.put("virtual_server", Keywords.VIRTUAL_SERVER);
        blocks.put("real_server", Keywords.REAL_SERVER);
        blocks.put("Every checker", Keywords.CHECKER);
        blocks.put("HTTP_GET and SSL_GET", Keywords.HTTP_GET);
        blocks.put("url", Keywords.URL);
        for (Map.Entry<String, Set<String>> block : blocks.entrySet()) {
            int at = ignored.indexOf("#### " + block.getKey() + "\n");
            assertTrue(at >= 0, "a section for " + block.getKey());
            int next = ignored.indexOf("\n#", at + 5);
            String section = ignored.substring(at, next < 0 ? ignored.length() : next);
            for (String keyword : block.getValue()) {
                assertTrue(section.contains("`" + keyword + "`"), keyword + " listed under " + block.getKey());
            }
        }
    }
}
