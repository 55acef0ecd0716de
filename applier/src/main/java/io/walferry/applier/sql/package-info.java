/**
 * The SQL the applier sends to the target: per source relation, the INSERT, UPDATE and DELETE
 * statements for each shape of change ({@link io.walferry.applier.sql.RelationSql}), built from the
 * Relation message and the target's own catalog ({@link io.walferry.applier.sql.TargetCatalog}), and
 * which tuple value goes to each parameter ({@link io.walferry.applier.sql.StatementPlan}).
 *
 * <p>Decisions, in one place:
 * <ul>
 *   <li>Values travel as text, as the source's output functions wrote them, bound as untyped
 *       parameters and cast to the target column's type ({@code ?::type}, the type spelled by the
 *       target's {@code format_type}): the target's input function reads them exactly as it would a
 *       literal, for every type, built-in or user-defined. Binary tuple data is refused.</li>
 *   <li>Identifiers are always double-quoted; target types are looked up in a session whose
 *       {@code search_path} is empty, so user types come schema-qualified.</li>
 *   <li>Tables are matched by schema and name, columns by name; the target may have more columns
 *       (they take their defaults), but not fewer.</li>
 * </ul>
 *
 * <p>Threading: everything here is used by the applier thread only.
 */
package io.walferry.applier.sql;
