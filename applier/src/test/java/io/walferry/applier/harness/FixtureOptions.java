package io.walferry.applier.harness;

/**
 * How a {@link ReplicationFixture} sets up its publication, slot and stream.
 *
 * @param publishViaPartitionRoot changes of partitions arrive as changes of their partitioned root
 * @param permanentSlot           a slot that survives {@link ReplicationFixture#restartStream()}
 * @param binary                  ask for binary tuple data
 * @param twoPhase                ask for two-phase decoding (slot and stream)
 * @param decodeLater             start streaming at the first delivery instead of at creation, so
 *                                that the server decodes what ran before only after it ran: every
 *                                transaction has ended by the time it is decoded, and the stream is
 *                                the same on every run (decoding alongside the writes, the server
 *                                may find a subtransaction aborted or not yet, which changes what
 *                                it sends of it)
 */
public record FixtureOptions(boolean publishViaPartitionRoot, boolean permanentSlot, boolean binary, boolean twoPhase,
                             boolean decodeLater) {
    public static final FixtureOptions DEFAULTS = new FixtureOptions(false, false, false, false, false);

    public FixtureOptions withPublishViaPartitionRoot() {
        return new FixtureOptions(true, permanentSlot, binary, twoPhase, decodeLater);
    }

    public FixtureOptions withPermanentSlot() {
        return new FixtureOptions(publishViaPartitionRoot, true, binary, twoPhase, decodeLater);
    }

    public FixtureOptions withBinary() {
        return new FixtureOptions(publishViaPartitionRoot, permanentSlot, true, twoPhase, decodeLater);
    }

    public FixtureOptions withTwoPhase() {
        return new FixtureOptions(publishViaPartitionRoot, permanentSlot, binary, true, decodeLater);
    }

    public FixtureOptions withDecodeLater() {
        return new FixtureOptions(publishViaPartitionRoot, permanentSlot, binary, twoPhase, true);
    }
}
