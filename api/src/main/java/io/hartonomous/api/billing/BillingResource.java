package io.hartonomous.api.billing;

import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Metered;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.api.support.Params;
import io.hartonomous.storage.contract.billing.RatePlan;
import io.hartonomous.storage.contract.billing.StatementLine;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.operations.UsageGroup;
import io.hartonomous.storage.contract.operations.UsageGrouping;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The caller's tenant's usage, summed per operation or per UTC day within [from, to), with the cost each use was
 * recorded at; and its monthly statement (no payment provider: what the tenant owes, line by line).
 */
@Path("/api/billing")
@Tag(name = "billing")
@Produces(MediaType.APPLICATION_JSON)
public class BillingResource {
    @Inject
    MeteredCaller caller;

    /** {@code cost}: the sum of the groups' recorded costs (in the currencies of the plans they were recorded under). */
    public record Usage(String tenant, Instant from, Instant to, String groupBy, long requests, long units,
                        BigDecimal cost, List<UsageGroup> groups) {
    }

    @GET
    @Path("/usage")
    @RequiresScope(Scope.QUERY)
    @Metered("billing.usage")
    @Operation(summary = "Usage of the caller's tenant: requests, units and cost per operation (or per day)")
    public Usage usage(@QueryParam("from") String fromText, @QueryParam("to") String toText,
                       @QueryParam("groupBy") String groupByText) {
        Instant from = Params.instant("from", fromText);
        Instant to = Params.instant("to", toText);
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("from " + from + " is after to " + to);
        }
        UsageGrouping groupBy = groupByText == null || groupByText.isBlank() ? UsageGrouping.OPERATION
                : UsageGrouping.parse(groupByText);
        List<UsageGroup> groups = caller.reads().usage().usage(from, to, groupBy);
        caller.units(groups.size());
        return new Usage(caller.tenant(), from, to, groupBy.name().toLowerCase(Locale.ROOT),
                groups.stream().mapToLong(UsageGroup::requests).sum(), groups.stream().mapToLong(UsageGroup::units).sum(),
                groups.stream().map(UsageGroup::cost).reduce(BigDecimal.ZERO, BigDecimal::add), groups);
    }

    @GET
    @Path("/invoice")
    @RequiresScope(Scope.QUERY)
    @Metered("billing.invoice")
    @Operation(summary = "The caller's tenant's statement for a month (month=YYYY-MM, UTC): lines per operation and "
            + "price, the total, the plan and its currency")
    public Invoice invoice(@QueryParam("month") String monthText) {
        BillingMonth month = BillingMonth.parse(monthText);
        List<StatementLine> lines = caller.reads().usage().statement(month.from(), month.to());
        RatePlan plan = caller.reads().usage().plan();
        caller.units(lines.size());
        return Invoice.of(caller.tenant(), month, plan, lines);
    }
}
