package io.hartonomous.api.reasoning;

import io.hartonomous.api.testing.Api;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.vectors.NewEmbedding;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** File atoms of a fresh tenant, each with the tenant's own embedding of one type, in id order: what reasoning walks. */
record SeededPoints(String tenant, String key, List<Long> atoms) {

    static SeededPoints of(StorageEngine engine, String prefix, String type, List<float[]> vectors) {
        String tenant = Api.newTenant(prefix);
        TenantStorage t = engine.forTenant(tenant);
        List<Long> ids = new ArrayList<>();
        List<NewEmbedding> embeddings = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            byte[] hash = new byte[32];
            ThreadLocalRandom.current().nextBytes(hash);
            JobStart s = t.ingest().startJob(new NewJob(Modality.IMAGE, "p" + i + ".png",
                    ContentHash.of(AtomType.file(Modality.IMAGE), hash), 1, "{}", null));
            t.ingest().completeJob(s.job().jobId(), null);
            ids.add(s.parent().atomId());
            embeddings.add(new NewEmbedding(s.parent().atomId(), type, vectors.get(i), false));
        }
        t.vectors().putAll(embeddings);
        return new SeededPoints(tenant, Api.keyFor(tenant, "query"), ids);
    }

    /** Down from (0,4), along the bottom, up to (4,4): with k = 2 the only way between the top ends, cost 12. */
    static List<float[]> u() {
        List<float[]> points = new ArrayList<>();
        for (int y = 4; y >= 0; y--) {
            points.add(new float[] {0, y});
        }
        for (int x = 1; x <= 4; x++) {
            points.add(new float[] {x, 0});
        }
        for (int y = 1; y <= 4; y++) {
            points.add(new float[] {4, y});
        }
        return points;
    }
}
