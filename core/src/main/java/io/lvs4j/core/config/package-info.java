/**
 * The configuration of a director, named after keepalived.conf: immutable records with
 * builders ({@link io.lvs4j.core.config.DirectorConfig} at the top), and the parser that reads
 * keepalived.conf into them ({@link io.lvs4j.core.config.KeepalivedConfigParser}).
 */
package io.lvs4j.core.config;
