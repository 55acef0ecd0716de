package io.walferry.cli;

import io.walferry.engine.check.CheckReport;
import io.walferry.engine.check.CheckReportJson;
import io.walferry.engine.check.CheckReportText;
import io.walferry.engine.check.Preflight;
import io.walferry.engine.peek.TablePattern;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.source.SourceEnvironment;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code walferry check}: the pre-flight and assessment before a move. It reads both servers and
 * reports what blocks the move, what to watch, and per-table sizes, write rates and unused indexes,
 * without creating anything on either side. Exit 0 when nothing blocks, {@link ExitCodes#CHECK_BLOCKED}
 * when something does, so a script can gate {@code replicate} on it.
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Check, before a move, that the source and the target are ready for it (wal_level, slots,"
                + " WAL senders, privileges, replica identities, extensions, tables already on the target, the"
                + " pipeline's slot and publication), and assess the selected tables (size, rows, write rates, unused"
                + " indexes). Read-only: creates nothing on either server.",
        footer = {"", "Exit codes: 0 ready (warnings allowed), 1 internal error, 2 usage, 3 cannot connect,"
                + " 7 check found blockers. See docs/check.md."})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ConfigOption config;

    @Mixin
    SourceOption source;

    @Mixin
    TargetOption target;

    @Option(names = "--pipeline", paramLabel = "NAME", defaultValue = PipelineConfig.DEFAULT_PIPELINE_NAME,
            description = "The pipeline to check for: its slot and publication walferry_<NAME> on the source and its"
                    + " state on the target (default: ${DEFAULT-VALUE}).")
    String pipeline;

    @Mixin
    TableSelectionOption selection;

    @Option(names = "--json", description = "Print the report as one JSON document (see docs/check.md).")
    boolean json;

    private final SourceEnvironment environment;

    CheckCommand() {
        this(SourceEnvironment.system());
    }

    CheckCommand(SourceEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException {
        common.applyLogging();
        List<TablePattern> include = selection.include();
        List<TablePattern> excluded = selection.excluded();
        PipelineConfig config = PipelineConfig.of(source.resolve(spec, environment))
                .withPipelineName(pipeline)
                .withTables(include, excluded);
        CheckReport report = Preflight.run(config, target.resolve(spec, environment));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            CheckReportJson.write(report, out);
        } else {
            CheckReportText.write(report, out);
        }
        return report.ready() ? ExitCodes.OK : ExitCodes.CHECK_BLOCKED;
    }
}
