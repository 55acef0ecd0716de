package io.walferry.testkit.backend;

/**
 * Identifies one started server of a backend: a major version in a role.
 *
 * @param majorVersion PostgreSQL major version
 * @param role         which of the version's two instances
 */
record ServerKey(int majorVersion, ServerRole role) {

    /** e.g. {@code PostgreSQL 17 (target)}. */
    String label() {
        return "PostgreSQL " + majorVersion + " (" + role.label() + ")";
    }
}
