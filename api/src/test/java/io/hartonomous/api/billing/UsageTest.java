package io.hartonomous.api.billing;

import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.operations.UsageGroup;
import io.hartonomous.storage.contract.operations.UsageGrouping;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/** Every request records one usage row for the caller's tenant: operation and units (rows, or bytes streamed). */
@QuarkusTest
class UsageTest {
    @Inject
    StorageEngine engine;

    private Map<String, UsageGroup> usage(String tenant) {
        return engine.forTenant(tenant).usage().usage(null, null, UsageGrouping.OPERATION).stream()
                .collect(Collectors.toMap(UsageGroup::key, g -> g));
    }

    @Test
    void everyRequestIsOneUsageRowWithItsUnits() throws Exception {
        String tenant = Api.newTenant("usage");
        String key = Api.keyFor(tenant, "query");
        long atom = new Seed(engine).image(tenant, TestData.file("images/pngsuite/basic/basn6a08.png"));
        Instant start = Instant.now();

        for (int i = 0; i < 3; i++) {
            as(key).when().get("/api/atoms/" + atom).then().statusCode(200);
        }
        as(key).queryParam("limit", 10).when().get("/api/atoms/" + atom + "/compositions").then().statusCode(200);
        int bytes = as(key).when().get("/api/atoms/" + atom + "/content").then().statusCode(200)
                .extract().asByteArray().length;
        as(key).when().get("/api/models").then().statusCode(200);
        as(key).when().get("/api/atoms/999999999").then().statusCode(404);

        Map<String, UsageGroup> usage = usage(tenant);
        for (int wait = 0; wait < 40 && !usage.containsKey("atoms.content"); wait++) {
            Thread.sleep(50); // a streamed body is billed when it has been written out
            usage = usage(tenant);
        }
        assertThat(usage.get("atoms.get").requests()).isEqualTo(4);
        assertThat(usage.get("atoms.get").units()).isEqualTo(3);
        assertThat(usage.get("atoms.compositions").units()).isEqualTo(10);
        assertThat(usage.get("atoms.content").requests()).isEqualTo(1);
        assertThat(usage.get("atoms.content").units()).isEqualTo(bytes);
        assertThat(usage.get("models.list").units()).isZero();
        assertThat(usage.values().stream().mapToLong(UsageGroup::requests).sum()).isEqualTo(7);

        as(key).queryParam("from", start.toString()).when().get("/api/billing/usage").then().statusCode(200)
                .body("tenant", equalTo(tenant), "groupBy", equalTo("operation"), "requests", equalTo(7),
                        "groups.find { it.key == 'atoms.get' }.requests", equalTo(4));
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        as(key).queryParam("groupBy", "day").when().get("/api/billing/usage").then().statusCode(200)
                .body("groups.key", org.hamcrest.Matchers.hasItem(today));
        as(key).queryParam("to", "2001-01-01").when().get("/api/billing/usage").then().statusCode(200)
                .body("groups", empty());

        // Refused requests are not billed: no key, wrong scope.
        io.restassured.RestAssured.given().when().get("/api/atoms/" + atom).then().statusCode(401);
        as(key).when().get("/api/stats").then().statusCode(403);
        assertThat(usage(tenant).values().stream().mapToLong(UsageGroup::requests).sum())
                .as("7 requests, then 3 billing queries").isEqualTo(10);
        assertThat(List.copyOf(usage(tenant).keySet())).doesNotContain("stats.get");
    }
}
