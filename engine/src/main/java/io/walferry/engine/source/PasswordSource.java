package io.walferry.engine.source;

/** Where the password of a {@link ConnectionSpec} came from, so that errors can say what to fix. */
public enum PasswordSource {
    /** The connection string itself. */
    CONNECTION_STRING("the connection string"),
    /** The {@code PGPASSWORD} environment variable. */
    PGPASSWORD("the PGPASSWORD environment variable"),
    /** A line of the password file ({@code ~/.pgpass} or {@code PGPASSFILE}). */
    PASSWORD_FILE("the password file"),
    /** None was found; the server may not ask for one (trust, peer, certificate authentication). */
    NONE("nowhere: none in the connection string, PGPASSWORD or the password file");

    private final String description;

    PasswordSource(String description) {
        this.description = description;
    }

    /** A phrase for messages: "the password from ...". */
    public String description() {
        return description;
    }
}
