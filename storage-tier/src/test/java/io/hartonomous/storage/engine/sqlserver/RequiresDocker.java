package io.hartonomous.storage.engine.sqlserver;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs the SQL Server contract tests only where Testcontainers finds a Docker daemon; elsewhere they are reported as
 * skipped with the reason (in the test report and on the console), never silently passed and never failed.
 */
final class RequiresDocker implements ExecutionCondition {
    static final String REASON = "skipped: no Docker here, SQL Server 2025 contract tests need "
            + SqlServerContractTest.IMAGE;
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RequiresDocker.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        boolean available = store.computeIfAbsent("docker", key -> probe(), Boolean.class);
        if (available) {
            return ConditionEvaluationResult.enabled("Docker is available");
        }
        if (store.computeIfAbsent("announced", key -> Boolean.FALSE, Boolean.class).equals(Boolean.FALSE)) {
            store.put("announced", Boolean.TRUE);
            System.out.println("[WARNING] " + context.getDisplayName() + " " + REASON);
        }
        return ConditionEvaluationResult.disabled(REASON);
    }

    private static boolean probe() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
