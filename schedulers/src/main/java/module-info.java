/** Every IPVS scheduler with IPVS's exact semantics, and weighted Maglev. */
module io.lvs4j.schedulers {
    requires transitive io.lvs4j.core;

}
