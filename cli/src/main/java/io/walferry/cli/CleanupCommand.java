package io.walferry.cli;

import io.walferry.applier.session.ProgressTable;
import io.walferry.applier.session.TargetConnector;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.load.LoadState;
import io.walferry.engine.load.TargetFailures;
import io.walferry.engine.pipeline.LastError;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.pipeline.SlotState;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.ServerInfo;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceEnvironment;
import io.walferry.engine.source.SourceErrors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code walferry cleanup}: removes what a pipeline left behind, once the move is over or abandoned:
 * its slot and publication on the source (the slot holds WAL until it is dropped), and its state
 * on the target (rows of {@code walferry.apply_progress}, {@code walferry.last_error} and
 * {@code walferry.load_*}; schema {@code walferry} too when no other pipeline has state in it). It
 * lists what it will remove and asks for the pipeline's name to be typed, unless {@code --yes}. A
 * slot in use (a walferry still running) is refused: stop it first. The copied tables and rows stay
 * on the target.
 */
@Command(name = "cleanup", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Remove a pipeline's slot and publication from the source and its state (schema walferry)"
                + " from the target. The target's tables and rows stay. Asks for confirmation unless --yes.",
        footer = {"", "Exit codes: 0 removed (or nothing to remove), 2 usage or not confirmed, 3 cannot connect,"
                + " 4 the slot is in use, 6 the target refused."})
final class CleanupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ConfigOption config;

    @Mixin
    SourceOption source;

    @Mixin
    TargetOption target;

    @Option(names = "--pipeline", paramLabel = "NAME", defaultValue = PipelineConfig.DEFAULT_PIPELINE_NAME,
            description = "The pipeline to remove (default: ${DEFAULT-VALUE}).")
    String pipeline;

    @Option(names = "--yes", description = "Do not ask for confirmation (for scripts). Command line only: neither"
            + " an environment variable nor the configuration file can give it.")
    boolean yes;

    private final SourceEnvironment environment;

    CleanupCommand() {
        this(SourceEnvironment.system());
    }

    CleanupCommand(SourceEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        common.applyLogging();
        PipelineConfig config = PipelineConfig.of(source.resolve(spec, environment)).withPipelineName(pipeline);
        ConnectionSpec targetSpec = target.resolve(spec, environment);
        PrintWriter out = spec.commandLine().getOut();
        SourceConnector connector = new SourceConnector(config.source());
        try (Connection sourceSql = connector.openSql();
             Connection targetSql = new TargetConnector(targetSpec, pipeline).connect()) {
            ServerInfo server = ServerInfo.read(sourceSql, config.source());
            SlotState slot = SlotState.read(sourceSql, config.slotName(), server.versionNum());
            if (slot != null && slot.isActive()) {
                throw new EngineException(Failure.SOURCE_NOT_READY, "replication slot " + config.slotName() + " on "
                        + config.source().hostAndPort() + " is in use by the server process with PID "
                        + slot.activePid() + ": a walferry of pipeline \"" + pipeline + "\" is still running. Stop it,"
                        + " then run cleanup again");
            }
            boolean publication = publicationExists(sourceSql, config.publicationName());
            List<String> plan = new ArrayList<>();
            if (slot != null) {
                plan.add("replication slot " + config.slotName() + " on " + config.source().describe()
                        + (slot.database().equals(config.source().database()) ? "" : " (of database \"" + slot.database() + "\")"));
            }
            if (publication) {
                plan.add("publication " + config.publicationName() + " on " + config.source().describe());
            }
            plan.add("the state of pipeline \"" + pipeline + "\" in schema walferry on " + targetSpec.describe());
            out.println("walferry cleanup will remove:");
            for (String item : plan) {
                out.println("  " + item);
            }
            out.flush();
            if (!yes && !confirmed(out)) {
                throw new ParameterException(spec.commandLine(), "not confirmed: nothing was removed (type the"
                        + " pipeline's name when asked, or pass --yes)");
            }
            if (slot != null) {
                try (PreparedStatement drop = sourceSql.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(?)")) {
                    drop.setString(1, config.slotName());
                    drop.execute();
                }
            }
            if (publication) {
                try (Statement drop = sourceSql.createStatement()) {
                    drop.execute("DROP PUBLICATION IF EXISTS \"" + config.publicationName() + "\"");
                }
            }
            int rows = ProgressTable.remove(targetSql, pipeline) + LoadState.remove(targetSql, pipeline)
                    + LastError.remove(targetSql, pipeline);
            boolean schemaDropped = dropSchemaWhenUnused(targetSql);
            targetSql.commit();
            out.println("removed" + (slot != null ? " the slot," : "") + (publication ? " the publication," : "") + " "
                    + rows + " state rows" + (schemaDropped ? " and schema walferry (no other pipeline uses it)" : ""));
            out.flush();
            return ExitCodes.OK;
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("42") && e.getMessage() != null && e.getMessage().contains("replication slot")) {
                throw SourceErrors.failed(e, "dropping replication slot " + config.slotName(), null);
            }
            throw TargetFailures.failed(e, "removing pipeline \"" + pipeline + "\"");
        }
    }

    /** Asks for the pipeline's name on standard input; refuses when there is no one to ask. */
    private boolean confirmed(PrintWriter out) {
        if (System.console() == null) {
            throw new ParameterException(spec.commandLine(), "cleanup needs a confirmation and standard input is not"
                    + " a terminal: pass --yes to remove pipeline \"" + pipeline + "\" without asking");
        }
        out.print("Type the pipeline's name (" + pipeline + ") to confirm: ");
        out.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.strip().equals(pipeline);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean publicationExists(Connection sql, String name) throws SQLException {
        try (PreparedStatement query = sql.prepareStatement("SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
                return row.next();
            }
        }
    }

    /**
     * Drops schema walferry when none of its tables holds a row any more (no other pipeline's state);
     * also used by {@code bench}, which removes its pipeline as this command does.
     */
    static boolean dropSchemaWhenUnused(Connection target) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement statement = target.createStatement();
             ResultSet rows = statement.executeQuery("SELECT c.relname, c.relkind FROM pg_catalog.pg_class c"
                     + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'walferry'")) {
            while (rows.next()) {
                if (!"r".equals(rows.getString(2))) {
                    if ("i".equals(rows.getString(2)) || "S".equals(rows.getString(2))) {
                        continue;
                    }
                    return false;
                }
                tables.add(rows.getString(1));
            }
        }
        for (String table : tables) {
            try (Statement statement = target.createStatement();
                 ResultSet row = statement.executeQuery("SELECT EXISTS (SELECT FROM walferry.\"" + table.replace("\"", "\"\"")
                         + "\")")) {
                row.next();
                if (row.getBoolean(1)) {
                    return false;
                }
            }
        }
        try (Statement statement = target.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS walferry CASCADE");
        }
        return true;
    }
}
