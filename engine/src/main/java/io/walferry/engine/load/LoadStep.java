package io.walferry.engine.load;

/**
 * One DDL or maintenance statement of the load, run in a target transaction together with its
 * record in {@code walferry.load_steps}, so that a resumed load neither repeats nor skips it.
 *
 * @param key         unique within the pipeline's load, stable across runs (e.g. {@code index public.orders_pkey})
 * @param description for progress and error messages (e.g. {@code primary key "orders_pkey" on public.orders})
 * @param sql         the statement
 */
public record LoadStep(String key, String description, String sql) {
}
