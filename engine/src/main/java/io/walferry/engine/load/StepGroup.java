package io.walferry.engine.load;

import java.util.List;

/**
 * Post-data statements that run after the previous group finished.
 *
 * @param name     for the log: {@code primary keys}, {@code indexes}...
 * @param parallel whether the statements may run at once in the load's jobs; {@code false} for
 *                 those whose locks could deadlock each other (adding foreign keys locks both
 *                 tables in a mode that conflicts with itself)
 * @param steps    the statements
 */
public record StepGroup(String name, boolean parallel, List<LoadStep> steps) {
    public StepGroup {
        steps = List.copyOf(steps);
    }
}
