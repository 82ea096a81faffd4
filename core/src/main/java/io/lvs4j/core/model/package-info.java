/**
 * The model a director is made of: virtual services, real servers, their forwarding methods,
 * and the live connection counters that IPVS shows as ActiveConn, InActConn and PersistConn.
 */
package io.lvs4j.core.model;
