package io.hartonomous.api.testing;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** RestAssured helpers: the test profile's bootstrap key and keys made for fresh tenants through the admin API. */
public final class Api {
    /** {@code %test.hart.api.key}: tenant {@code default}, every scope. */
    public static final String BOOTSTRAP = "hk_test_bootstrap_0123456789abcdef0123456789abcdef";

    private Api() {
    }

    public static String newTenant(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static RequestSpecification as(String key) {
        return given().header("X-Api-Key", key);
    }

    public static RequestSpecification admin() {
        return as(BOOTSTRAP);
    }

    /** A new key for {@code tenant} with these scopes (and a generous rate limit). */
    public static String keyFor(String tenant, String... scopes) {
        return keyFor(tenant, 100_000, scopes);
    }

    public static String keyFor(String tenant, int rateLimitPerMinute, String... scopes) {
        return admin().contentType(ContentType.JSON)
                .body(Map.of("tenant", tenant, "scopes", List.of(scopes), "rateLimitPerMinute", rateLimitPerMinute))
                .when().post("/api/admin/keys")
                .then().statusCode(201)
                .extract().path("key");
    }
}
