package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.AtomsContract;
import io.hartonomous.storage.contract.BillingContract;
import io.hartonomous.storage.contract.ConceptsContract;
import io.hartonomous.storage.contract.ConcurrencyContract;
import io.hartonomous.storage.contract.DeletionContract;
import io.hartonomous.storage.contract.GraphContract;
import io.hartonomous.storage.contract.InferenceContract;
import io.hartonomous.storage.contract.JobsContract;
import io.hartonomous.storage.contract.ModelsContract;
import io.hartonomous.storage.contract.OodaContract;
import io.hartonomous.storage.contract.OperationsContract;
import io.hartonomous.storage.contract.ProvenanceFeedContract;
import io.hartonomous.storage.contract.QueueContract;
import io.hartonomous.storage.contract.QueuesContract;
import io.hartonomous.storage.contract.ReasoningContract;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenancyContract;
import io.hartonomous.storage.contract.VectorsContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The storage contract suite bound to the embedded engine: a fresh H2 file database per test. */
class EmbeddedContractTest {
    @TempDir
    static Path root;

    private static int databases;

    static StorageEngine fresh() {
        Path dir = root.resolve("db" + (++databases));
        return StorageEngines.open(LocalStorage.embeddedFile(dir));
    }

    @Nested
    class Deletion extends DeletionContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Concepts extends ConceptsContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Reasoning extends ReasoningContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Inference extends InferenceContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Atoms extends AtomsContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Jobs extends JobsContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Concurrency extends ConcurrencyContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Models extends ModelsContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Vectors extends VectorsContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Graph extends GraphContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class ProvenanceFeed extends ProvenanceFeedContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Queue extends QueueContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Queues extends QueuesContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Tenancy extends TenancyContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Operations extends OperationsContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }

    @Nested
    class Ooda extends OodaContract {
        private Path database;

        @Override
        protected StorageEngine openEngine() {
            database = root.resolve("db" + (++databases));
            return StorageEngines.open(LocalStorage.embeddedFile(database));
        }

        @Override
        protected StorageEngine reopenEngine() {
            return StorageEngines.open(LocalStorage.embeddedFile(database));
        }
    }

    @Nested
    class Billing extends BillingContract {
        @Override
        protected StorageEngine openEngine() {
            return fresh();
        }
    }
}
