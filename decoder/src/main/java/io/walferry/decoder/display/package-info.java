/**
 * Rendering column values for people: {@link io.walferry.decoder.display.ValueFormatter} turns a
 * text or binary pgoutput value into PostgreSQL's text form for display ({@code walferry peek},
 * logs, error messages). Not used on the apply path; allocation here is acceptable.
 */
package io.walferry.decoder.display;
