package io.walferry.engine.check;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.load.SourceTables;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.schema.QualifiedName;
import io.walferry.engine.schema.SchemaReport;
import io.walferry.engine.schema.SourceSchema;
import io.walferry.engine.schema.Table;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every check of {@code walferry check} against a source and a target and returns the
 * report. Both sessions are made read-only before the first query, so whatever a check does, it
 * cannot create or change anything on either server. Runs on the caller's thread.
 */
public final class Preflight {
    /** How many objects the {@code not_copied} finding names before it says "and N more". */
    private static final int NOT_COPIED_LISTED = 5;

    private Preflight() {
    }

    /**
     * Checks the move of {@code pipeline}'s tables from its source to {@code target}.
     *
     * @throws EngineException {@link Failure#CANNOT_CONNECT} when either server cannot be reached or
     *         refuses the login; another kind when a catalog query fails
     */
    public static CheckReport run(PipelineConfig pipeline, ConnectionSpec target) {
        ConnectionSpec sourceSpec = pipeline.source();
        try (Connection source = new SourceConnector(sourceSpec).openSql(); Connection targetSql = openTarget(target)) {
            readOnly(source, "source " + sourceSpec.describe());
            readOnly(targetSql, "target " + target.describe());
            ServerFacts sourceFacts = read(() -> ServerFacts.read(source, sourceSpec.describe()), "source", sourceSpec);
            ServerFacts targetFacts = read(() -> ServerFacts.read(targetSql, target.describe()), "target", target);
            List<Finding> findings = new ArrayList<>(ServerChecks.compare(sourceFacts, targetFacts));
            SourceSchema schema = schema(source, pipeline, findings);
            List<QualifiedName> roots = new ArrayList<>();
            if (schema != null) {
                for (Table table : schema.tables()) {
                    if (!table.isPartition()) {
                        roots.add(table.name());
                    }
                }
            }
            boolean slotExists = read(() -> PipelineObjects.check(source, sourceFacts, pipeline, roots, findings),
                    "source", sourceSpec);
            findings.addAll(ServerChecks.source(sourceFacts, slotExists));
            read(() -> {
                SourceCatalog.unreplicated(source, findings);
                return null;
            }, "source", sourceSpec);
            SourceCatalog.Assessment assessment = new SourceCatalog.Assessment(List.of(), 0, null);
            boolean createsSchemas = true;
            if (schema != null) {
                findings.addAll(TableChecks.check(schema));
                for (String problem : schema.incompatibilitiesWith(targetFacts.majorVersion())) {
                    findings.add(Finding.blocker("target_version", "", problem));
                }
                notCopied(schema, findings);
                assessment = read(() -> SourceCatalog.assess(source, schema, sourceFacts, findings), "source", sourceSpec);
                createsSchemas = read(() -> {
                    TargetCatalog.extensions(targetSql, targetFacts, schema, findings);
                    TargetCatalog.tables(targetSql, pipeline.pipelineName(), schema, findings);
                    return TargetCatalog.schemas(targetSql, targetFacts, schema, findings);
                }, "target", target);
            }
            findings.addAll(ServerChecks.target(targetFacts, createsSchemas));
            return new CheckReport(sourceSpec.describe(), sourceFacts.version(), target.describe(), targetFacts.version(),
                    pipeline.pipelineName(), findings, assessment.tables(), assessment.statsSeconds(),
                    assessment.statsSince());
        } catch (SQLException e) {
            // Only closing a connection gets here: every query is wrapped by read().
            throw new EngineException(Failure.CANNOT_CONNECT, "closing the check's connections failed: "
                    + SourceErrors.message(e), e);
        }
    }

    /**
     * The source's schema model for the selection, or null (with a blocker saying why) when it
     * cannot be read: the schema copy would fail the same way.
     */
    private static SourceSchema schema(Connection source, PipelineConfig pipeline, List<Finding> findings) {
        SourceSchema schema;
        try {
            schema = SourceSchema.read(source, SourceTables.selection(pipeline.includeTables(), pipeline.excludeTables()));
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw SourceErrors.failed(e, "reading the source's schema", null);
            }
            findings.add(Finding.blocker("schema_read", "", "reading the selected tables' schema from the source failed"
                    + " (" + SourceErrors.message(e) + "), and the load's schema copy would fail the same way; the"
                    + " table checks and the assessment were skipped. Fix the cause and run check again"));
            return null;
        }
        if (schema.tables().isEmpty()) {
            findings.add(Finding.blocker("no_tables", "", "no table of the source matches --tables "
                    + pipeline.includeTables() + (pipeline.excludeTables().isEmpty() ? "" : " without --exclude "
                    + pipeline.excludeTables()) + ": there is nothing to move (patterns are schema.table globs with *"
                    + " and ?, case-sensitive; a pattern without a dot means schema public)"));
        }
        return schema;
    }

    /** What the built-in schema copy leaves out, so the operator can plan to create it on the target. */
    private static void notCopied(SourceSchema schema, List<Finding> findings) {
        List<String> names = new ArrayList<>();
        for (SchemaReport.Entry entry : schema.report().notCopied()) {
            names.add(entry.kind() + " " + entry.name());
        }
        if (!names.isEmpty()) {
            findings.add(Finding.info("not_copied", "", "the built-in schema copy does not create "
                    + String.join(", ", names.subList(0, Math.min(NOT_COPIED_LISTED, names.size())))
                    + (names.size() > NOT_COPIED_LISTED ? " and " + (names.size() - NOT_COPIED_LISTED) + " more" : "")
                    + ": replicate lists them all at the start of the load; create what the application needs on the"
                    + " target yourself (pg_dump --schema-only of the source has it)"));
        }
    }

    /** A catalog query, with its SQLException turned into an operator's message naming the server. */
    private interface Query<T> {
        T run() throws SQLException;
    }

    private static <T> T read(Query<T> query, String side, ConnectionSpec spec) {
        try {
            return query.run();
        } catch (SQLException e) {
            String doing = "checking the " + side + " " + spec.describe();
            if (side.equals("source")) {
                throw SourceErrors.failed(e, doing, null);
            }
            Failure failure = e.getSQLState() != null && e.getSQLState().startsWith("08")
                    ? Failure.CANNOT_CONNECT : Failure.TARGET_NOT_READY;
            throw new EngineException(failure, doing + " failed: " + SourceErrors.message(e) + ".", e);
        }
    }

    private static Connection openTarget(ConnectionSpec target) {
        try {
            return DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties());
        } catch (SQLException e) {
            throw new EngineException(Failure.CANNOT_CONNECT, "cannot connect to the target at " + target.describe()
                    + ": " + SourceErrors.message(e) + ". Check the target's host, port, database name and credentials.",
                    e);
        }
    }

    /** From here on the session refuses any write, DDL included: the check's promise to create nothing. */
    private static void readOnly(Connection connection, String server) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET default_transaction_read_only = on");
        } catch (SQLException e) {
            throw new EngineException(Failure.CANNOT_CONNECT, "setting up a read-only session on the " + server
                    + " failed: " + SourceErrors.message(e) + ".", e);
        }
    }
}
