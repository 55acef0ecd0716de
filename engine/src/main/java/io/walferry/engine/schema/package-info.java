/**
 * The schema copy: reading what the selected source tables need from the catalogs, with nothing
 * but JDBC ({@link io.walferry.engine.schema.SourceSchema}), the DDL for each phase of a load
 * ({@link io.walferry.engine.schema.DdlStatement}), the report of what is and is not copied
 * ({@link io.walferry.engine.schema.SchemaReport}), and the checks of an existing target
 * ({@link io.walferry.engine.schema.SchemaComparison}, {@link io.walferry.engine.schema.TargetTables}).
 *
 * <p>The package decides no timing on the target: the loader decides when and on how many
 * connections each phase runs. Package-private readers ({@code *Catalog}, {@code Inventory}) each
 * own one part of the catalog queries; {@code SchemaDdl} and {@code TableDdl} write the statements.
 *
 * <p>Threading: everything here runs on the caller's thread; the model and the statements are
 * immutable and may be handed to other threads.
 */
package io.walferry.engine.schema;
