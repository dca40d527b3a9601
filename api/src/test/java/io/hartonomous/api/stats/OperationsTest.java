package io.hartonomous.api.stats;

import io.hartonomous.api.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.hartonomous.api.testing.Api.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;

/** Row counts, health, OpenAPI + Swagger UI, and Prometheus metrics. */
@QuarkusTest
class OperationsTest {

    @Test
    void statsGiveRowCountsPerTable() {
        admin().when().get("/api/stats").then().statusCode(200)
                .body("engine", equalTo("embedded"), "rowCounts.Atoms", greaterThanOrEqualTo(0),
                        "rowCounts.TenantApiKeys", greaterThanOrEqualTo(1), "rowCounts.UsageLedger",
                        greaterThanOrEqualTo(0));
    }

    @Test
    void healthSaysTheStorageIsReachable() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"), "checks.name", hasItem("storage"),
                        "checks.find { it.name == 'storage' }.data.engine", equalTo("embedded"));
    }

    @Test
    void openApiDescribesTheEndpointsAndSwaggerUiIsServed() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("paths.keySet()", hasItem("/api/search"))
                .body("paths.keySet()", hasItem("/api/atoms/{id}/content"))
                .body("paths.keySet()", hasItem("/api/models/{id}/tensors/{name}"))
                .body("components.securitySchemes.SecurityScheme.name", equalTo("X-Api-Key"));
        given().redirects().follow(true).when().get("/q/swagger-ui/").then().statusCode(200)
                .body(containsString("swagger"));
    }

    @Test
    void metricsExposeRequestLatencyUnitsAndStorageGauges() {
        Api.admin().when().get("/api/models").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count"))
                .body(containsString("hart_api_units"))
                .body(containsString("hart_storage_pool_max{pool=\"read\"} 8.0"))
                .body(containsString("hart_storage_pool_max{pool=\"write\"} 4.0"))
                .body(matchesPattern("(?s).*hart_storage_pool_total\\{pool=\"read\"} [1-9].*"))
                .body(containsString("hart_storage_pool_active{pool=\"write\"}"))
                .body(containsString("hart_storage_pool_waiting{pool=\"read\"}"))
                .body(containsString("hart_storage_requests_active"));
    }
}
