package io.hartonomous.api.stats;

import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Metered;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.StorageEngine;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Map;

/** Row counts per table: an operator's view across tenants, hence admin scope. */
@Path("/api/stats")
@Tag(name = "stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {
    @Inject
    MeteredCaller caller;
    @Inject
    StorageEngine storage;

    public record Stats(String engine, Map<String, Long> rowCounts) {
    }

    @GET
    @RequiresScope(Scope.ADMIN)
    @Metered("stats.get")
    @Operation(summary = "Row counts per storage table")
    public Stats stats() {
        Map<String, Long> counts = storage.rowCounts();
        caller.units(counts.size());
        return new Stats(storage.engineName(), counts);
    }
}
