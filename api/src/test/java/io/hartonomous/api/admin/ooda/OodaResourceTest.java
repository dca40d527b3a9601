package io.hartonomous.api.admin.ooda;

import io.hartonomous.api.testing.Api;
import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.hartonomous.api.testing.Api.admin;
import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** The OODA endpoints over real HTTP on the embedded engine: status, a cycle, decisions, the stop, settings. */
@QuarkusTest
class OodaResourceTest {
    @Inject
    StorageEngine engine;

    @BeforeEach
    void startAsANewDatabaseHasIt() {
        OodaFixtures.reset(engine);
    }

    @AfterEach
    void leaveTheLoopAsANewDatabaseHasIt() {
        OodaFixtures.reset(engine);
    }

    private String staleType(int n) {
        return OodaFixtures.staleType(engine, n);
    }

    private static long proposalFor(JsonPath cycle, String type) {
        return cycle.getLong("proposals.find { it.target == '" + type + "' && it.action == 'rebuild_projection' }"
                + ".proposalId");
    }

    @Test
    void aCycleProposesApprovalDecidesAndTheStopRefusesCycles() {
        admin().when().get("/api/admin/ooda").then().statusCode(200)
                .body("running", equalTo(true), "dryRun", equalTo(true), "requireApproval", equalTo(true),
                        "cycles", notNullValue());
        String type = staleType(5);

        JsonPath cycle = admin().when().post("/api/admin/ooda/cycle").then().statusCode(200)
                .body("dryRun", equalTo(true)).extract().jsonPath();
        assertThat(cycle.getList("observations.findAll { it.kind == 'stale_landmarks' }.target")).contains(type);
        long id = proposalFor(cycle, type);
        admin().when().get("/api/admin/ooda").then().statusCode(200)
                .body("cycles[0].cycleId", equalTo(cycle.getString("cycleId")),
                        "cycles[0].proposals.find { it.proposalId == " + id + " }.state", equalTo("proposed"),
                        "cycles[0].proposals.find { it.proposalId == " + id + " }.expectedEffect",
                        containsString("landmarks"));

        admin().when().post("/api/admin/ooda/proposals/" + id + "/reject").then().statusCode(200)
                .body("state", equalTo("rejected"), "decidedBy", containsString("default"));
        admin().when().post("/api/admin/ooda/proposals/" + id + "/approve").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("rejected"));
        admin().when().post("/api/admin/ooda/proposals/987654321/approve").then().statusCode(404)
                .contentType("application/problem+json");
        admin().when().post("/api/admin/ooda/proposals/abc/approve").then().statusCode(400)
                .contentType("application/problem+json");

        // Out of dry run an approval acts at once and Learn measures the type again.
        admin().contentType(ContentType.JSON).body(Map.of("dryRun", false)).when().put("/api/admin/ooda/settings")
                .then().statusCode(200).body("dryRun", equalTo(false), "requireApproval", equalTo(true));
        long next = proposalFor(admin().when().post("/api/admin/ooda/cycle").then().statusCode(200).extract()
                .jsonPath(), type);
        admin().when().post("/api/admin/ooda/proposals/" + next + "/approve").then().statusCode(200)
                .body("state", equalTo("applied"), "metricAfter", equalTo(1.0f), "measuredEffect", notNullValue());

        admin().when().post("/api/admin/ooda/stop").then().statusCode(200).body("running", equalTo(false));
        admin().when().post("/api/admin/ooda/cycle").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("stopped"));
        admin().when().get("/api/admin/ooda").then().statusCode(200).body("running", equalTo(false));
        admin().when().post("/api/admin/ooda/start").then().statusCode(200).body("running", equalTo(true));
        admin().when().post("/api/admin/ooda/cycle").then().statusCode(200);
    }

    @Test
    void badSettingsAre400AndOnlyTheBootstrapTenantMayDriveTheLoop() {
        admin().contentType(ContentType.JSON).body(Map.of("maxChangesPerCycle", -1))
                .when().put("/api/admin/ooda/settings").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("maxChangesPerCycle"));
        admin().contentType(ContentType.JSON).body(Map.of("historyRetentionSeconds", 0))
                .when().put("/api/admin/ooda/settings").then().statusCode(400);
        admin().queryParam("limit", 0).when().get("/api/admin/ooda").then().statusCode(400);

        String other = Api.keyFor(Api.newTenant("ooda-admin"), "admin");
        as(other).when().get("/api/admin/ooda").then().statusCode(403);
        as(other).when().post("/api/admin/ooda/stop").then().statusCode(403);
        String query = Api.keyFor(Api.newTenant("ooda-query"), "query");
        as(query).when().post("/api/admin/ooda/cycle").then().statusCode(403);
        assertThat(engine.ooda().status().running()).isTrue();
    }
}
