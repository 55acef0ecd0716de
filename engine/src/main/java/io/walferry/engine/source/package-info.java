/**
 * The replication source as a server to connect to: connection settings and where they come from,
 * opening ordinary and replication connections, and checking that the server is ready for logical
 * replication.
 *
 * <p>{@link io.walferry.engine.source.ConnectionSpec} is the one description of a source. It is
 * parsed from a libpq URL, a libpq {@code key=value} string or a JDBC URL by
 * {@link io.walferry.engine.source.ConnectionStrings}, with libpq's fallbacks ({@code PG*}
 * environment variables, the password file read by {@link io.walferry.engine.source.PgPassFile}).
 * Passwords never appear in a {@code toString()}, a log line or an error message.
 *
 * <p>Threading: values here are immutable; {@link io.walferry.engine.source.SourceConnector} opens
 * connections on the calling thread and the connections belong to that thread.
 */
package io.walferry.engine.source;
