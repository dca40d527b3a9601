package io.hartonomous.cli;

import io.hartonomous.storage.StorageMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./hart deploy-schema}: the storage tier's deployer (same options). */
@Command(name = "deploy-schema", description = "Apply sql/ to SQL Server 2025 (--url URL [--user U "
        + "--password-env VAR] [--dry-run]); run with --help for all options.")
final class DeploySchemaCommand implements Callable<Integer> {
    @CommandLine.Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> all = new ArrayList<>(List.of("deploy-schema"));
        all.addAll(args);
        return new CommandLine(new StorageMain()).execute(all.toArray(String[]::new));
    }
}
