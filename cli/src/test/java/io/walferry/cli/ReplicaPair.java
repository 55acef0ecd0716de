package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.testkit.PgPair;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A source database and a target database on two test servers, with the same DDL on both, for
 * {@code walferry replicate} tests; drops the pipeline's persistent slot on close so shared servers
 * keep no WAL for it.
 */
final class ReplicaPair implements AutoCloseable {
    final SourceDatabase source;
    final SourceDatabase target;
    private final String pipeline;

    ReplicaPair(PgPair pair, String prefix, String pipeline) throws SQLException {
        this.source = new SourceDatabase(pair.source(), prefix);
        this.target = new SourceDatabase(pair.target(), prefix);
        this.pipeline = pipeline;
    }

    String pipelineName() {
        return pipeline;
    }

    /** Runs the same DDL on both sides. */
    void schema(String... statements) throws SQLException {
        source.execute(statements);
        target.execute(statements);
    }

    /** {@code walferry replicate} of a target that already holds the schema and data: streaming only. */
    String[] replicate(String... extra) {
        List<String> args = new ArrayList<>(List.of("--schema", "existing", "--no-copy-data"));
        args.addAll(List.of(extra));
        return replicateWithLoad(args.toArray(new String[0]));
    }

    /** {@code walferry replicate} with the full load's defaults (and {@code extra} options). */
    String[] replicateWithLoad(String... extra) {
        List<String> args = new ArrayList<>(List.of("replicate", "--source", source.url(), "--target", target.url(),
                "--pipeline", pipeline));
        args.addAll(List.of(extra));
        return args.toArray(new String[0]);
    }

    /** Every row of {@code table} as text, sorted: equal lists mean equal tables, duplicates included. */
    static List<String> rows(SourceDatabase db, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = db.sql.createStatement();
             ResultSet result = statement.executeQuery("SELECT t::text FROM " + table + " t ORDER BY 1")) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }

    void assertSameRows(String... tables) throws SQLException {
        for (String table : tables) {
            assertThat(rows(target, table)).as("rows of %s on the target", table).isEqualTo(rows(source, table));
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            source.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                    + "walferry_" + pipeline + "' AND NOT active");
        } finally {
            source.close();
            target.close();
        }
    }
}
