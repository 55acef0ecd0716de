package io.walferry.engine.schema;

/**
 * What a {@link DdlStatement} creates or changes, so that the loader can count progress by kind and
 * name the object when a statement fails. {@link #noun()} is how messages spell it.
 */
public enum DdlKind {
    SCHEMA("schema"),
    EXTENSION("extension"),
    TYPE("type"),
    SEQUENCE("sequence"),
    TABLE("table"),
    PARTITION("partition"),
    SEQUENCE_OWNER("sequence ownership"),
    REPLICA_IDENTITY("replica identity"),
    COMMENT("comment"),
    PRIMARY_KEY("primary key"),
    UNIQUE_CONSTRAINT("unique constraint"),
    EXCLUSION_CONSTRAINT("exclusion constraint"),
    CHECK_CONSTRAINT("check constraint"),
    INDEX("index"),
    FOREIGN_KEY("foreign key"),
    VALIDATE_CONSTRAINT("constraint validation"),
    SEQUENCE_VALUE("sequence value");

    private final String noun;

    DdlKind(String noun) {
        this.noun = noun;
    }

    /** Lower-case words for messages: {@code primary key}. */
    public String noun() {
        return noun;
    }
}
