package io.hartonomous.api.atoms;

import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
class AtomsTest {
    @Inject
    StorageEngine engine;

    @Test
    void atomsByIdAndByHashCompositionsPagedAndLeafContent() throws Exception {
        String tenant = Api.newTenant("atoms");
        String key = Api.keyFor(tenant, "query");
        long parent = new Seed(engine).image(tenant, TestData.file("images/pngsuite/basic/basn2c08.png"));

        var file = as(key).when().get("/api/atoms/" + parent).then().statusCode(200)
                .body("type", equalTo("image/file"), "file", equalTo(true), "value", nullValue(),
                        "metadata.width", equalTo(32), "metadata.height", equalTo(32))
                .extract();
        String hash = file.path("contentHash");
        as(key).when().get("/api/atoms/by-hash/" + hash.toUpperCase()).then().statusCode(200)
                .body("atomId", equalTo((int) parent));

        // 32x32 = 1024 compositions: pages of 1000 then 24.
        var first = as(key).when().get("/api/atoms/" + parent + "/compositions").then().statusCode(200)
                .body("count", equalTo(1000), "next", equalTo(1000), "items[0].sequence", equalTo(0),
                        "items[33].x", equalTo(1), "items[33].y", equalTo(1))
                .extract();
        as(key).queryParam("from", 1000).queryParam("limit", 500)
                .when().get("/api/atoms/" + parent + "/compositions").then().statusCode(200)
                .body("count", equalTo(24), "next", nullValue(), "items[23].sequence", equalTo(1023),
                        "items[23].x", equalTo(31), "items[23].y", equalTo(31));

        long leaf = ((Number) first.path("items[0].componentAtomId")).longValue();
        var leafView = as(key).when().get("/api/atoms/" + leaf).then().statusCode(200)
                .body("type", equalTo("image/rgba8"), "file", equalTo(false)).extract();
        byte[] value = HexFormat.of().parseHex(leafView.path("value"));
        assertThat(value).hasSize(4);
        assertThat(ContentHash.of(AtomType.of(Modality.IMAGE, "rgba8"), value).hex())
                .isEqualTo(leafView.path("contentHash"));
        byte[] content = as(key).when().get("/api/atoms/" + leaf + "/content").then().statusCode(200)
                .contentType("application/octet-stream").extract().asByteArray();
        assertThat(content).isEqualTo(value);
        assertThat(List.of(leafView.<Integer>path("referenceCount"))).allMatch(n -> n >= 1);
    }
}
