package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.operations.QueueMessage;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The queue transport: each message delivered once under competing consumers; leases. */
public abstract class QueueContract extends StorageContractSuite {

    @Test
    void twoConsumersReceiveEachMessageExactlyOnce() throws Exception {
        String queue = "q-" + UUID.randomUUID();
        int messages = 200;
        for (int i = 0; i < messages; i++) {
            engine.queue().enqueue(queue, "m" + i);
        }
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        ExecutorService consumers = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                done.add(consumers.submit(() -> {
                    while (true) {
                        List<QueueMessage> batch = engine.queue().receive(queue, 7, Duration.ofMinutes(5));
                        if (batch.isEmpty()) {
                            return null;
                        }
                        for (QueueMessage m : batch) {
                            received.add(m.body());
                            assertThat(engine.queue().complete(m)).isTrue();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            consumers.shutdownNow();
        }
        assertThat(received).hasSize(messages).doesNotHaveDuplicates();
        assertThat(engine.queue().depth(queue)).isZero();
    }

    @Test
    void abandonedOrExpiredMessagesComeBackAndStaleLeasesCannotComplete() throws Exception {
        String queue = "q-" + UUID.randomUUID();
        engine.queue().enqueue(queue, "hello");
        QueueMessage first = engine.queue().receive(queue, 10, Duration.ofMinutes(5)).getFirst();
        assertThat(first.deliveryCount()).isEqualTo(1);
        assertThat(engine.queue().receive(queue, 10, Duration.ofMinutes(5))).as("leased").isEmpty();
        assertThat(engine.queue().abandon(first)).isTrue();

        QueueMessage second = engine.queue().receive(queue, 10, Duration.ofMillis(50)).getFirst();
        assertThat(second.deliveryCount()).isEqualTo(2);
        Thread.sleep(120);
        QueueMessage third = engine.queue().receive(queue, 10, Duration.ofMinutes(5)).getFirst();
        assertThat(third.body()).isEqualTo("hello");
        assertThat(engine.queue().complete(second)).as("its lease ran out and was taken over").isFalse();
        assertThat(engine.queue().complete(third)).isTrue();
        assertThat(engine.queue().depth(queue)).isZero();
    }
}
