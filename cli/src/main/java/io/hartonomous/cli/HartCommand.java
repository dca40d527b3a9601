package io.hartonomous.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./hart}: the operator's console. The bash launcher finds the JDK and builds; this does the work. */
@Command(name = "hart", mixinStandardHelpOptions = true,
        subcommands = {DemoCommand.class, ServeCommand.class, IngestCommand.class, StorageCommands.DeploySchema.class,
                StorageCommands.RebuildProjection.class, BenchCommand.class, OodaCommand.class},
        description = "Hartonomous: content-addressed atoms in SQL Server (embedded H2 engine by default).")
public final class HartCommand {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The console as {@link #main} runs it: a failure is one line on stderr and exit code 1. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new HartCommand());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("hart: " + e.getMessage());
            return 1;
        });
        return cli;
    }
}
