package io.hartonomous.cli;

import io.hartonomous.storage.StorageMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The storage tier's own operator commands ({@code hart-storage}), run from the console with the same options. */
final class StorageCommands {
    private StorageCommands() {
    }

    static int run(String command, List<String> args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(args);
        return new CommandLine(new StorageMain()).execute(all.toArray(String[]::new));
    }

    /**
     * A console command that is the storage tier's command of the same name: everything after the name is handed
     * to {@code hart-storage} unparsed, so the two never disagree on options.
     */
    abstract static class Forwarded implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            return run(spec.name(), args);
        }
    }

    /** {@code ./hart deploy-schema}: the storage tier's deployer. */
    @Command(name = "deploy-schema", description = "Apply sql/ to SQL Server 2025 (--url URL [--user U "
            + "--password-env VAR] [--dry-run]); run with --help for all options.")
    static final class DeploySchema extends Forwarded {
    }

    /** {@code ./hart rebuild-projection}: re-derive an embedding type's hybrid-search landmarks. */
    @Command(name = "rebuild-projection", description = "Derive an embedding type's hybrid-search landmarks from its "
            + "embeddings and re-project them (--url URL --type TYPE); run after bulk-loading a type.")
    static final class RebuildProjection extends Forwarded {
    }
}
