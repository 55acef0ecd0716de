package io.walferry.engine.load;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.peek.TablePattern;
import io.walferry.engine.source.ConnectionSpec;
import java.util.List;

/**
 * What a full load needs.
 *
 * @param pipelineName       the pipeline (names the state rows on the target)
 * @param slotName           the pipeline's slot, created by the load with the snapshot it copies
 * @param publicationName    the pipeline's publication, created before the slot (pgoutput needs it
 *                           to exist as of the WAL it decodes)
 * @param source             the source
 * @param target             the target
 * @param includeTables      include patterns (empty: every table)
 * @param excludeTables      exclude patterns
 * @param jobs               parallel copy and index jobs (connections to each side)
 * @param splitBytes         a leaf table larger than this is copied in page ranges of about this size
 *                           by parallel jobs (PostgreSQL 14+ sources); 0 never splits
 * @param truncateTarget     whether target tables that hold rows are emptied before their copy
 *                           (otherwise they are refused)
 * @param copyData           whether to copy rows at all ({@code false}: schema only, streaming
 *                           starts from the slot's creation)
 * @param progressIntervalMs how often progress is logged
 */
public record LoadConfig(String pipelineName, String slotName, String publicationName, ConnectionSpec source,
                         ConnectionSpec target, List<TablePattern> includeTables, List<TablePattern> excludeTables,
                         int jobs, long splitBytes, boolean truncateTarget, boolean copyData, long progressIntervalMs) {
    public static final int MAX_JOBS = 64;

    public LoadConfig {
        includeTables = List.copyOf(includeTables);
        excludeTables = List.copyOf(excludeTables);
        if (jobs < 1 || jobs > MAX_JOBS) {
            throw new EngineException(Failure.INVALID_INPUT, "--jobs " + jobs + " is out of range: give 1 to " + MAX_JOBS
                    + " (each job holds one connection to the source and one to the target)");
        }
        if (splitBytes < 0) {
            throw new EngineException(Failure.INVALID_INPUT, "the table split size must not be negative: " + splitBytes);
        }
    }
}
