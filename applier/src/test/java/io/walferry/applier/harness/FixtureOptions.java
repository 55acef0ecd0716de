package io.walferry.applier.harness;

/**
 * How a {@link ReplicationFixture} sets up its publication, slot and stream.
 *
 * @param publishViaPartitionRoot changes of partitions arrive as changes of their partitioned root
 * @param permanentSlot           a slot that survives {@link ReplicationFixture#restartStream()}
 * @param binary                  ask for binary tuple data
 * @param twoPhase                ask for two-phase decoding (slot and stream)
 */
public record FixtureOptions(boolean publishViaPartitionRoot, boolean permanentSlot, boolean binary, boolean twoPhase) {
    public static final FixtureOptions DEFAULTS = new FixtureOptions(false, false, false, false);

    public FixtureOptions withPublishViaPartitionRoot() {
        return new FixtureOptions(true, permanentSlot, binary, twoPhase);
    }

    public FixtureOptions withPermanentSlot() {
        return new FixtureOptions(publishViaPartitionRoot, true, binary, twoPhase);
    }

    public FixtureOptions withBinary() {
        return new FixtureOptions(publishViaPartitionRoot, permanentSlot, true, twoPhase);
    }

    public FixtureOptions withTwoPhase() {
        return new FixtureOptions(publishViaPartitionRoot, permanentSlot, binary, true);
    }
}
