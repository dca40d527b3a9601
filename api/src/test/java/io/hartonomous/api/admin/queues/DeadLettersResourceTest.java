package io.hartonomous.api.admin.queues;

import io.hartonomous.api.testing.Api;
import io.hartonomous.edge.storage.Writes;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.operations.QueueMessage;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.hartonomous.api.testing.Api.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;

/** The admin queue endpoints over real HTTP, on a queue whose poison message was dead-lettered through the contract. */
@QuarkusTest
class DeadLettersResourceTest {
    @Inject
    @Writes
    StorageEngine storage;

    private long poison(String queue) {
        storage.deadLetters().setMaxDeliveries(queue, 1);
        storage.queue().enqueue(queue, "{\"poison\":true}");
        storage.queue().enqueue(queue, "fine");
        QueueMessage m = storage.queue().receive(queue, 1, Duration.ofMinutes(1)).getFirst();
        assertThat(storage.queue().abandon(m, "cannot apply")).isTrue();
        return storage.deadLetters().list(queue, 10).getFirst().id();
    }

    @Test
    void queuesListDepthAgeAndDeadLetters() {
        String queue = "api-" + UUID.randomUUID();
        poison(queue);
        admin().when().get("/api/admin/queues").then().statusCode(200)
                .body("queue", hasItem(queue), "queue", hasItem("provenance-sync"))
                .body("find { it.queue == '" + queue + "' }.depth", equalTo(1))
                .body("find { it.queue == '" + queue + "' }.deadLetters", equalTo(1))
                .body("find { it.queue == '" + queue + "' }.oldestAgeSeconds", lessThan(600));
    }

    @Test
    void deadLettersAreListedRetriedAndDiscarded() {
        String queue = "api-" + UUID.randomUUID();
        long id = poison(queue);
        admin().queryParam("queue", queue).when().get("/api/admin/dead-letters").then().statusCode(200)
                .body("size()", equalTo(1), "[0].id", equalTo((int) id), "[0].body", equalTo("{\"poison\":true}"),
                        "[0].error", equalTo("cannot apply"), "[0].deliveries", equalTo(1), "[0].queue", equalTo(queue));
        admin().when().post("/api/admin/dead-letters/" + id + "/retry").then().statusCode(200)
                .body("outcome", equalTo("retried"));
        List<QueueMessage> back = storage.queue().receive(queue, 10, Duration.ofMinutes(1));
        assertThat(back).extracting(QueueMessage::body).containsExactly("fine", "{\"poison\":true}");
        assertThat(back).allSatisfy(m -> assertThat(m.deliveryCount()).isEqualTo(1));
        admin().when().post("/api/admin/dead-letters/" + id + "/retry").then().statusCode(404)
                .contentType(containsString("problem+json")).body("detail", containsString("dead letter " + id));

        assertThat(storage.queue().complete(back.get(0))).isTrue();
        assertThat(storage.queue().abandon(back.get(1), "again")).isTrue();
        long again = storage.deadLetters().list(queue, 10).getFirst().id();
        admin().when().post("/api/admin/dead-letters/" + again + "/discard").then().statusCode(200)
                .body("outcome", equalTo("discarded"));
        assertThat(storage.deadLetters().find(again)).isEmpty();
        admin().when().post("/api/admin/dead-letters/" + again + "/discard").then().statusCode(404);
    }

    @Test
    void badIdsAndLimitsAre400AndOtherTenantsAdminsAre403() {
        admin().when().post("/api/admin/dead-letters/abc/retry").then().statusCode(400)
                .contentType(containsString("problem+json"));
        admin().queryParam("limit", "0").when().get("/api/admin/dead-letters").then().statusCode(400)
                .body("detail", containsString("limit"));
        String other = Api.keyFor(Api.newTenant("ops"), "admin");
        Api.as(other).when().get("/api/admin/queues").then().statusCode(403);
        Api.as(Api.keyFor(Api.newTenant("q"), "query")).when().get("/api/admin/dead-letters").then()
                .statusCode(403);
    }
}
