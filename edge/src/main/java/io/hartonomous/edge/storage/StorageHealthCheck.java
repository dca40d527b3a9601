package io.hartonomous.edge.storage;

import io.hartonomous.storage.contract.StorageEngine;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the storage tier answers. */
@Readiness
@ApplicationScoped
public final class StorageHealthCheck implements HealthCheck {
    private final StorageEngine storage;

    StorageHealthCheck(StorageEngine storage) {
        this.storage = storage;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("storage").status(storage.isReachable())
                .withData("engine", storage.engineName()).build();
    }
}
