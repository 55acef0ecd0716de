package io.walferry.engine.load;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * How the target's schema comes about during a load: created from the source's catalogs (before
 * the data, and after it for keys, indexes and constraints: {@link CopiedSchema}), or verified to
 * exist already ({@link ExistingSchema}). Each method gets a source connection; implementations
 * read the source's schema once and keep it.
 */
public interface LoadSchema {

    /**
     * Checks the target before anything is created on either side; throws an
     * {@link io.walferry.engine.EngineException} listing every problem.
     */
    void verify(Connection source, Connection target, List<LoadTable> tables) throws SQLException;

    /** Statements that must run before the data is copied, in order, in one target transaction. */
    List<LoadStep> preData(Connection source) throws SQLException;

    /** Statements that run after the data: groups in order (see {@link StepGroup}). */
    List<StepGroup> postData(Connection source) throws SQLException;

    /** Lines for the log: what was copied and what was not, by kind and name. */
    List<String> report();
}
