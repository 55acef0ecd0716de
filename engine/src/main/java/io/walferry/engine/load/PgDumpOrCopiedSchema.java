package io.walferry.engine.load;

import io.walferry.engine.EngineException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --schema copy} without {@code --pg-dump}: {@link PgDumpSchema} with the first pg_dump
 * found that can dump the source (its major version at least the source's), for views, functions,
 * triggers, policies and the rest; otherwise the built-in {@link CopiedSchema}. The choice is made
 * on first use, when the source's version is known, and logged in one line with its reason.
 *
 * <p>With {@code --tables} or {@code --exclude}, always the built-in copy: {@code pg_dump -t}
 * dumps the selected tables without the types, functions and sequences they use, which the
 * built-in copy creates; {@code --pg-dump PATH} asks for pg_dump anyway.
 */
public final class PgDumpOrCopiedSchema implements LoadSchema {
    private static final Logger LOG = LoggerFactory.getLogger(PgDumpOrCopiedSchema.class);

    private final LoadConfig load;
    private final List<Path> candidates;
    private LoadSchema chosen;

    /** Tries {@link PgDump#defaultCandidates()}: {@code PATH}, then the usual installation directories. */
    public PgDumpOrCopiedSchema(LoadConfig load) {
        this(load, PgDump.defaultCandidates());
    }

    /** Tries {@code candidates}, in order. */
    PgDumpOrCopiedSchema(LoadConfig load, List<Path> candidates) {
        this.load = load;
        this.candidates = List.copyOf(candidates);
    }

    private LoadSchema chosen(Connection source) throws SQLException {
        if (chosen != null) {
            return chosen;
        }
        CopiedSchema builtIn = new CopiedSchema(SourceTables.selection(load.includeTables(), load.excludeTables()));
        if (!PgDumpSchema.wholeDatabase(load)) {
            LOG.info("schema copy: the built-in copy from the catalogs, because --tables/--exclude select part of the"
                    + " database and pg_dump -t would leave out the types and functions the tables use (--pg-dump PATH"
                    + " uses pg_dump anyway)");
            chosen = builtIn;
            return chosen;
        }
        PgDumpSchema.ServerVersion version = PgDumpSchema.ServerVersion.read(source);
        List<String> reasons = new ArrayList<>();
        for (Path candidate : candidates) {
            try {
                PgDump pgDump = PgDump.probe(candidate);
                if (pgDump.major() >= version.major()) {
                    chosen = PgDumpSchema.chosen(pgDump, load);
                    return chosen;
                }
                reasons.add(pgDump.describe() + " is older than the source");
            } catch (EngineException e) {
                reasons.add(e.getMessage());
            }
        }
        LOG.info("schema copy: the built-in copy from the catalogs (views, functions, triggers and policies are not"
                + " copied), because no pg_dump can dump the source's PostgreSQL {}: {}. Install pg_dump {} or later, or"
                + " give --pg-dump PATH", version.text(), reasons.isEmpty() ? "none on PATH or in the usual installation"
                + " directories" : String.join("; ", reasons), version.major());
        chosen = builtIn;
        return chosen;
    }

    @Override
    public void verify(Connection source, Connection target, List<LoadTable> tables) throws SQLException {
        chosen(source).verify(source, target, tables);
    }

    @Override
    public List<LoadStep> preData(Connection source) throws SQLException {
        return chosen(source).preData(source);
    }

    @Override
    public List<StepGroup> postData(Connection source) throws SQLException {
        return chosen(source).postData(source);
    }

    @Override
    public List<String> report() {
        return chosen == null ? List.of() : chosen.report();
    }
}
