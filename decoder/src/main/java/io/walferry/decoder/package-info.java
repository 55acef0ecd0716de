/**
 * The pgoutput logical replication protocol, versions 1 to 4, as PostgreSQL 14 to 18 send it.
 *
 * <p>{@link io.walferry.decoder.PgOutputDecoder} is the entry point: it is handed the payload of one
 * XLogData message (one pgoutput message), checks its structure, and exposes it through a reusable
 * flyweight of the matching kind. Nothing is allocated per row: only Relation and Type messages
 * allocate, to fill the {@link io.walferry.decoder.RelationCache}. A truncated or malformed message
 * raises {@link io.walferry.decoder.DecodeException} naming the message kind, the offset and what was
 * expected; it never yields garbage.
 *
 * <p>Threading: a decoder and its flyweights belong to one thread (the replication stream reader).
 * Flyweights are valid until the next call to {@code wrap}.
 */
package io.walferry.decoder;
