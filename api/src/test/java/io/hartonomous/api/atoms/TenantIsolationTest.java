package io.hartonomous.api.atoms;

import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.hartonomous.api.testing.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** Every storage call runs as the key's tenant: another tenant's file is indistinguishable from a missing one. */
@QuarkusTest
class TenantIsolationTest {
    @Inject
    StorageEngine engine;

    @Test
    void aKeyMadeForTenantBGets404ForTenantAsFile() throws Exception {
        String a = Api.newTenant("iso-a");
        String b = Api.newTenant("iso-b");
        long atom = new Seed(engine).image(a, TestData.file("images/pngsuite/basic/basn2c08.png"));
        String keyA = Api.keyFor(a, "query");
        String keyB = Api.keyFor(b, "query");
        as(keyA).when().get("/api/atoms/" + atom).then().statusCode(200).body("file", equalTo(true));
        as(keyB).when().get("/api/atoms/" + atom).then().statusCode(404)
                .contentType("application/problem+json").body("detail", equalTo("atom " + atom + " not found"));
        as(keyB).when().get("/api/atoms/" + atom + "/content").then().statusCode(404);
        as(keyB).when().get("/api/atoms/" + atom + "/compositions").then().statusCode(404);
        as(keyB).when().get("/api/provenance/atoms/" + atom + "/lineage").then().statusCode(404);
        String hash = as(keyA).when().get("/api/atoms/" + atom).then().extract().path("contentHash");
        as(keyB).when().get("/api/atoms/by-hash/" + hash).then().statusCode(404);
        as(keyA).when().get("/api/atoms/by-hash/" + hash).then().statusCode(200).body("atomId", notNullValue());
    }
}
