package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The paged and streamed reads must walk their index in order (H2 says "index sorted"); a query that sorts instead
 * reads every remaining row of the parent or tensor for each page, which no functional test would notice.
 */
class EmbeddedQueryPlanTest {
    @TempDir
    Path dir;

    @Test
    void streamedReadsUseTheirIndexOrder() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        try (StorageEngine engine = StorageEngines.open(config)) {
            assertThat(engine.isReachable()).isTrue();
        }
        Map<String, String> queries = Map.of(
                "composition segments in a range", SegmentReader.SEGMENTS_IN_RANGE,
                "composition rows in a range", SegmentReader.ROWS_IN_RANGE,
                "tensor segments now", TensorSegmentStore.CURRENT,
                "tensor segments as of", TensorSegmentStore.CURRENT_AS_OF,
                "tensor history as of", TensorSegmentStore.HISTORY_AS_OF);
        try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password())) {
            for (Map.Entry<String, String> q : queries.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + q.getValue())) {
                    int n = ps.getParameterMetaData().getParameterCount();
                    for (int i = 1; i <= n; i++) {
                        if (ps.getParameterMetaData().getParameterType(i) == java.sql.Types.TIMESTAMP_WITH_TIMEZONE) {
                            ps.setObject(i, java.time.OffsetDateTime.now());
                        } else {
                            ps.setLong(i, 1);
                        }
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getString(1)).as(q.getKey()).contains("/* index sorted */");
                    }
                }
            }
        }
    }
}
