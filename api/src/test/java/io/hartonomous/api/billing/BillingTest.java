package io.hartonomous.api.billing;

import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.billing.UsageEntry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.JsonConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static io.hartonomous.api.testing.Api.admin;
import static io.hartonomous.api.testing.Api.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Rate plans managed through the admin API, API requests priced by them as they are metered, and the tenant's usage
 * and monthly statement with their costs; the expected figures are worked out by hand in the comments.
 */
@QuarkusTest
class BillingTest {
    /** Decimals read back exactly, not as floats. */
    private static final RestAssuredConfig EXACT = RestAssuredConfig.config().jsonConfig(
            JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.BIG_DECIMAL));

    @Inject
    StorageEngine engine;

    private static BigDecimal d(String text) {
        return new BigDecimal(text);
    }

    private static void put(String path, Map<String, ?> body) {
        admin().contentType(ContentType.JSON).body(body).when().put(path).then().statusCode(200);
    }

    @Test
    void requestsArePricedByTheTenantsPlanAndTheInvoiceSumsTheMonth() throws Exception {
        String tenant = Api.newTenant("billed");
        String plan = "plan-" + tenant;
        put("/api/admin/billing/plans/" + plan, Map.of("currency", "eur"));
        put("/api/admin/billing/plans/" + plan + "/rates/atoms.get", Map.of("baseRate", "0.25", "unit", "atom"));
        put("/api/admin/billing/plans/" + plan + "/rates/ingest.image", Map.of("baseRate", 0.002, "unit", "pixel"));
        put("/api/admin/billing/plans/" + plan + "/multipliers/json", Map.of("kind", "content_type",
                "criteria", "application/json", "factor", 2));
        JsonPath shown = admin().config(EXACT).contentType(ContentType.JSON)
                .body(Map.of("kind", "content_type", "criteria", "image/png", "factor", "1.5"))
                .when().put("/api/admin/billing/plans/" + plan + "/multipliers/png").then().statusCode(200)
                .extract().jsonPath();
        assertThat(shown.getString("currency")).isEqualTo("EUR");
        assertThat(shown.getList("rates.operation")).containsExactly("atoms.get", "ingest.image");
        assertThat(shown.getString("rates[1].baseRate")).isEqualTo("0.002");
        assertThat(shown.getList("multipliers.id")).containsExactly("json", "png");
        put("/api/admin/billing/tenants/" + tenant + "/plan", Map.of("plan", plan));
        admin().when().get("/api/admin/billing/tenants/" + tenant + "/plan").then().statusCode(200)
                .body("plan", equalTo(plan));
        admin().when().get("/api/admin/billing/plans").then().statusCode(200).body("name", hasItem(plan));

        String key = Api.keyFor(tenant, "query");
        long atom = new Seed(engine).image(tenant, TestData.file("images/pngsuite/basic/basn0g08.png"));
        // Three metered requests of one atom each, answered as JSON: 0.25 × 2 × 1 = 0.5 each.
        for (int i = 0; i < 3; i++) {
            as(key).when().get("/api/atoms/" + atom).then().statusCode(200);
        }
        // A use another tier recorded (the ingest tier's): 0.002 × 1.5 × 1000 = 3.
        engine.forTenant(tenant).usage().record(new UsageEntry("ingest.image", 1000, "image/png", 100L, null));

        JsonPath usage = as(key).config(EXACT).when().get("/api/billing/usage").then().statusCode(200)
                .extract().jsonPath();
        assertThat(usage.getObject("groups.find { it.key == 'atoms.get' }.cost", BigDecimal.class))
                .isEqualTo(d("1.500000"));
        assertThat(usage.getObject("groups.find { it.key == 'ingest.image' }.cost", BigDecimal.class))
                .isEqualTo(d("3.000000"));
        assertThat(usage.getObject("cost", BigDecimal.class)).isEqualTo(d("4.500000"));

        String month = YearMonth.now(ZoneOffset.UTC).toString();
        JsonPath invoice = as(key).config(EXACT).queryParam("month", month).when().get("/api/billing/invoice")
                .then().statusCode(200).extract().jsonPath();
        assertThat(invoice.getString("tenant")).isEqualTo(tenant);
        assertThat(invoice.getString("month")).isEqualTo(month);
        assertThat(invoice.getString("plan")).isEqualTo(plan);
        assertThat(invoice.getString("currency")).isEqualTo("EUR");
        // atoms.get 1.5 + ingest.image 3 + the earlier usage query (no rate: 0) = 4.5
        assertThat(invoice.getObject("total", BigDecimal.class)).isEqualTo(d("4.500000"));
        List<Map<String, Object>> lines = invoice.getList("lines");
        assertThat(lines).extracting(l -> l.get("operation")).containsExactly("atoms.get", "billing.usage",
                "ingest.image");
        Map<String, Object> atoms = lines.getFirst();
        assertThat(((Number) atoms.get("requests")).longValue()).isEqualTo(3);
        assertThat(((Number) atoms.get("units")).longValue()).isEqualTo(3);
        assertThat(atoms.get("unit")).isEqualTo("atom");
        assertThat(atoms.get("rate")).isEqualTo(d("0.25"));
        assertThat(atoms.get("cost")).isEqualTo(d("1.500000"));
        assertThat(invoice.getList("lines[0].multipliers.criteria")).containsExactly("application/json");
        assertThat(invoice.getObject("lines[0].multipliers[0].factor", BigDecimal.class)).isEqualTo(d("2"));
        assertThat(invoice.getObject("lines[1].cost", BigDecimal.class)).isEqualTo(d("0.000000"));
        assertThat(invoice.getObject("lines[2].cost", BigDecimal.class)).isEqualTo(d("3.000000"));
        assertThat(invoice.getList("lines[2].multipliers.id")).containsExactly("png");
        assertThat(invoice.getList("totals.currency")).containsExactly("EUR");

        as(key).queryParam("month", "2001-01").when().get("/api/billing/invoice").then().statusCode(200)
                .body("lines", empty(), "total", equalTo(0.0f), "plan", equalTo(plan));
        // The same uses per day: the costs sum to the same 4.5.
        JsonPath days = as(key).config(EXACT).queryParam("groupBy", "day").when().get("/api/billing/usage")
                .then().statusCode(200).extract().jsonPath();
        assertThat(days.getString("groupBy")).isEqualTo("day");
        assertThat(days.getObject("cost", BigDecimal.class)).isEqualTo(d("4.500000"));
        assertThat(days.getList("groups.cost", BigDecimal.class).stream().reduce(BigDecimal.ZERO, BigDecimal::add))
                .isEqualTo(d("4.500000"));

        // The JSON multiplier removed, then the rate: the next request costs 0.25, the one after it 0.
        admin().when().delete("/api/admin/billing/plans/" + plan + "/multipliers/json").then().statusCode(200)
                .body("multipliers.id", equalTo(List.of("png")));
        as(key).when().get("/api/atoms/" + atom).then().statusCode(200);
        admin().when().delete("/api/admin/billing/plans/" + plan + "/rates/atoms.get").then().statusCode(200)
                .body("rates.operation", equalTo(List.of("ingest.image")));
        as(key).when().get("/api/atoms/" + atom).then().statusCode(200);
        assertThat(as(key).config(EXACT).when().get("/api/billing/usage").then().statusCode(200).extract().jsonPath()
                .getObject("groups.find { it.key == 'atoms.get' }.cost", BigDecimal.class)).isEqualTo(d("1.750000"));
        admin().when().delete("/api/admin/billing/plans/" + plan + "/rates/atoms.get").then().statusCode(404)
                .contentType("application/problem+json");
        admin().when().delete("/api/admin/billing/plans/" + plan + "/multipliers/json").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aTenantWithoutAPlanIsBilledZeroUnderTheDefaultPlan() {
        String tenant = Api.newTenant("unplanned");
        String key = Api.keyFor(tenant, "query");
        as(key).when().get("/api/models").then().statusCode(200);
        as(key).queryParam("month", YearMonth.now(ZoneOffset.UTC).toString()).when().get("/api/billing/invoice")
                .then().statusCode(200).body("plan", equalTo("default"), "currency", equalTo("USD"),
                        "lines.operation", equalTo(List.of("models.list")), "total", equalTo(0.0f));
        admin().when().get("/api/admin/billing/tenants/" + tenant + "/plan").then().statusCode(200)
                .body("plan", equalTo("default"));
    }

    @Test
    void badInputIsA400AndUnknownPlansA404() {
        String key = Api.keyFor(Api.newTenant("bad-month"), "query");
        for (String month : new String[] {"2026-13", "2026-1", "January", ""}) {
            as(key).queryParam("month", month).when().get("/api/billing/invoice").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("month"));
        }
        String plan = Api.newTenant("plan");
        put("/api/admin/billing/plans/" + plan, Map.of("currency", "USD"));
        admin().contentType(ContentType.JSON).body(Map.of("baseRate", -1, "unit", "request"))
                .when().put("/api/admin/billing/plans/" + plan + "/rates/atoms.get").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("negative"));
        admin().contentType(ContentType.JSON).body(Map.of("baseRate", 1, "unit", "request"))
                .when().put("/api/admin/billing/plans/no-such-plan/rates/atoms.get").then().statusCode(404)
                .contentType("application/problem+json");
        admin().when().get("/api/admin/billing/plans/no-such-plan").then().statusCode(404)
                .contentType("application/problem+json");
        admin().contentType(ContentType.JSON).body(Map.of("plan", "no-such-plan"))
                .when().put("/api/admin/billing/tenants/someone/plan").then().statusCode(404)
                .contentType("application/problem+json");
        admin().contentType(ContentType.JSON).body(Map.of("kind", "colour", "criteria", "red", "factor", 2))
                .when().put("/api/admin/billing/plans/" + plan + "/multipliers/m").then().statusCode(400)
                .body("detail", containsString("kind"));
        admin().contentType(ContentType.JSON).body(Map.of("currency", "EUR"))
                .when().put("/api/admin/billing/plans/" + plan).then().statusCode(400)
                .body("detail", containsString("currency"));
        // Wrong types, too many decimals, missing fields, a body that is not JSON, no body: 400, nothing written.
        String rates = "/api/admin/billing/plans/" + plan + "/rates/atoms.get";
        admin().contentType(ContentType.JSON).body(Map.of("baseRate", "cheap", "unit", "request"))
                .when().put(rates).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("baseRate"));
        admin().contentType(ContentType.JSON).body("{\"baseRate\": 0.0000000000001, \"unit\": \"request\"}")
                .when().put(rates).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("12 decimals"));
        admin().contentType(ContentType.JSON).body(Map.of("baseRate", 1))
                .when().put(rates).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("unit"));
        admin().contentType(ContentType.JSON).body("{\"baseRate\": 1, \"unit\": ")
                .when().put(rates).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("JSON"));
        admin().contentType(ContentType.JSON).when().put(rates).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("body"));
        admin().contentType(ContentType.JSON).body(Map.of("kind", "grounding", "criteria", "two words", "factor", 2))
                .when().put("/api/admin/billing/plans/" + plan + "/multipliers/m").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("criteria"));
        admin().contentType(ContentType.JSON).body(Map.of("kind", "grounding", "criteria", "exact", "factor", -2))
                .when().put("/api/admin/billing/plans/" + plan + "/multipliers/m").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("negative"));
        admin().contentType(ContentType.JSON).body(Map.of("currency", "EUR"))
                .when().put("/api/admin/billing/plans/not%20a%20name").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("plan name"));
        admin().when().get("/api/admin/billing/plans/" + plan).then().statusCode(200)
                .body("currency", equalTo("USD"), "rates", empty(), "multipliers", empty());
        // Without a key: 401.
        given().when().get("/api/admin/billing/plans").then().statusCode(401)
                .contentType("application/problem+json");
        // A tenant's own admin key may not read or set prices.
        String tenantAdmin = Api.keyFor(Api.newTenant("own-admin"), "admin");
        as(tenantAdmin).when().get("/api/admin/billing/plans").then().statusCode(403)
                .contentType("application/problem+json");
        as(key).when().get("/api/admin/billing/plans").then().statusCode(403);
        as(tenantAdmin).contentType(ContentType.JSON).body(Map.of("plan", plan))
                .when().put("/api/admin/billing/tenants/" + Api.newTenant("self") + "/plan").then().statusCode(403)
                .contentType("application/problem+json");
        as(tenantAdmin).contentType(ContentType.JSON).body(Map.of("baseRate", 0, "unit", "request"))
                .when().put(rates).then().statusCode(403);
        as(tenantAdmin).when().delete(rates).then().statusCode(403).contentType("application/problem+json");
        admin().when().get("/api/admin/billing/plans/" + plan).then().statusCode(200).body("rates", empty());
    }
}
