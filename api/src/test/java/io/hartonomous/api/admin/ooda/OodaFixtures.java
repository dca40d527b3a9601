package io.hartonomous.api.admin.ooda;

import io.hartonomous.api.testing.Api;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.ooda.OodaSettings;
import io.hartonomous.storage.contract.ooda.ProposalState;
import io.hartonomous.storage.contract.vectors.NewEmbedding;

import java.util.Random;
import java.util.UUID;

/** A degraded state for the OODA tests, and the loop left as a new database has it (other tests share it). */
final class OodaFixtures {
    private OodaFixtures() {
    }

    /** An embedding type grown 2x since its landmarks: n embeddings, a rebuild, n more. */
    static String staleType(StorageEngine engine, int n) {
        String type = "api-ooda-" + UUID.randomUUID().toString().substring(0, 8);
        TenantStorage t = engine.forTenant(Api.newTenant("ooda"));
        Random random = new Random(3);
        for (int i = 0; i < 2 * n; i++) {
            if (i == n) {
                t.vectors().rebuildProjection(type);
            }
            byte[] content = new byte[32];
            random.nextBytes(content);
            JobStart s = t.ingest().startJob(new NewJob(Modality.IMAGE, "e" + i,
                    ContentHash.of(AtomType.file(Modality.IMAGE), content), 32, "{}", null));
            t.ingest().completeJob(s.job().jobId(), null);
            t.vectors().put(new NewEmbedding(s.parent().atomId(), type,
                    new float[] {random.nextFloat(), random.nextFloat(), random.nextFloat()}, false));
        }
        return type;
    }

    /** Running, default settings, no decision pending (a later cycle outside dry run would apply it). */
    static void reset(StorageEngine engine) {
        engine.ooda().start();
        engine.ooda().configure(OodaSettings.DEFAULTS);
        engine.ooda().cycles(1000).stream().flatMap(c -> c.proposals().stream())
                .filter(p -> p.state() == ProposalState.PROPOSED
                        || p.state() == ProposalState.APPROVED && p.appliedAt() == null)
                .forEach(p -> {
                    try {
                        engine.ooda().reject(p.proposalId(), "test cleanup");
                    } catch (ConflictException decidedMeanwhile) {
                        // decided or applied meanwhile
                    }
                });
    }
}
