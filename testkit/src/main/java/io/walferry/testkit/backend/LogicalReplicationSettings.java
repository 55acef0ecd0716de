package io.walferry.testkit.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server settings every started server gets: logical decoding on, room for the slots,
 * senders and prepared transactions tests create, a tiny {@code logical_decoding_work_mem}
 * so that modest transactions are already streamed in progress, and durability off because a
 * test server's data is thrown away.
 */
public final class LogicalReplicationSettings {

    /** Setting name to value, in the order they are passed to {@code postgres}. */
    public static final Map<String, String> SERVER_SETTINGS = settings();

    private LogicalReplicationSettings() {
    }

    private static Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("wal_level", "logical");
        settings.put("max_replication_slots", "32");
        settings.put("max_wal_senders", "32");
        // Tests of two-phase decoding PREPARE TRANSACTION on the source.
        settings.put("max_prepared_transactions", "16");
        // The minimum: a few hundred rows push a transaction past it, so tests reach
        // streamed (in-progress) transactions without megabytes of data.
        settings.put("logical_decoding_work_mem", "64kB");
        settings.put("fsync", "off");
        settings.put("synchronous_commit", "off");
        settings.put("full_page_writes", "off");
        settings.put("shared_buffers", "32MB");
        settings.put("max_connections", "100");
        settings.put("timezone", "UTC");
        // Autovacuum's ANALYZE commits transactions of its own, which PostgreSQL 14 sends as
        // empty BEGIN/COMMIT pairs into every slot: off, so streams are exactly what tests wrote.
        settings.put("autovacuum", "off");
        return Collections.unmodifiableMap(settings);
    }

    /** The {@code postgres} command line that applies {@link #SERVER_SETTINGS}, for container images. */
    public static List<String> postgresCommand() {
        List<String> command = new ArrayList<>();
        command.add("postgres");
        SERVER_SETTINGS.forEach((name, value) -> {
            command.add("-c");
            command.add(name + "=" + value);
        });
        return List.copyOf(command);
    }
}
