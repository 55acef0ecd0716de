/**
 * The consistent full load: copies every row of the selected tables from one snapshot of the
 * source, the snapshot exported when the pipeline's slot was created, so that streaming from the
 * slot afterwards applies exactly the changes the copy does not hold.
 *
 * <p>{@link io.walferry.engine.load.FullLoad} runs it: N workers each import the snapshot once
 * and pipe {@code COPY ... TO STDOUT} of the source straight into {@code COPY ... FROM STDIN} of the
 * target, table by table, large tables in CTID ranges; then the post-data steps run in parallel
 * jobs. {@link io.walferry.engine.load.LoadState} keeps what is done in the target, in the same
 * transaction as the work it records, so a stopped or crashed load resumes without copying a
 * finished table again and without duplicates.
 */
package io.walferry.engine.load;
