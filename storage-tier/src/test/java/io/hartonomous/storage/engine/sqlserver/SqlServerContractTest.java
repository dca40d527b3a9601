package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.AtomsContract;
import io.hartonomous.storage.contract.BillingContract;
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
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.StorageException;
import io.hartonomous.storage.contract.TenancyContract;
import io.hartonomous.storage.contract.VectorsContract;
import io.hartonomous.storage.deploy.DeployPlan;
import io.hartonomous.storage.deploy.Dialect;
import io.hartonomous.storage.deploy.SchemaDeployer;
import io.hartonomous.storage.deploy.ScriptSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.mssqlserver.MSSQLServerContainer;
import org.testcontainers.utility.DockerImageName;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The storage contract suite bound to SQL Server 2025 (Testcontainers, licence accepted): one container and one
 * database for the class, sql/ deployed with the schema deployer first, and the engine connected as a login that
 * holds only the roles hart_ingest, hart_api and hart_admin (so the grants of sql/095 are exercised too). Every
 * contract runs with chunks bulk-copied into staging (the production path); a few run again with chunks sent as
 * table-valued parameters. Where Docker is absent the whole class is reported skipped ({@link RequiresDocker}).
 */
@ExtendWith(RequiresDocker.class)
class SqlServerContractTest {
    static final String IMAGE = "mcr.microsoft.com/mssql/server:2025-latest";
    static final String DATABASE = "Hartonomous";

    /** Started on first use (after the Docker check), shared by every nested class, reaped by Testcontainers. */
    private static final class Server {
        static final MSSQLServerContainer CONTAINER = new MSSQLServerContainer(DockerImageName.parse(IMAGE))
                .acceptLicense();
        static final String PASSWORD = "Hart-" + UUID.randomUUID() + "-a1";
        static final StorageConfig CONFIG = prepare();

        private static StorageConfig prepare() {
            CONTAINER.start();
            String url = databaseUrl(DATABASE);
            try {
                try (Connection master = admin(CONTAINER.getJdbcUrl()); Statement s = master.createStatement()) {
                    s.execute("CREATE DATABASE " + DATABASE);
                    s.execute("CREATE LOGIN hart_engine WITH PASSWORD = N'" + PASSWORD + "', CHECK_POLICY = OFF");
                }
                try (Connection db = admin(url)) {
                    new SchemaDeployer(Dialect.SQLSERVER).deploy(db, ScriptSource.fromClasspath("sql"));
                    try (Statement s = db.createStatement()) {
                        s.execute("CREATE USER hart_engine FOR LOGIN hart_engine");
                        for (String role : new String[] {"hart_ingest", "hart_api", "hart_admin"}) {
                            s.execute("ALTER ROLE " + role + " ADD MEMBER hart_engine");
                        }
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot prepare the SQL Server test database: " + e.getMessage(), e);
            }
            return new StorageConfig(url, "hart_engine", PASSWORD, 8, false);
        }

        static String databaseUrl(String database) {
            return CONTAINER.getJdbcUrl() + ";databaseName=" + database;
        }

        static Connection admin(String url) throws SQLException {
            return DriverManager.getConnection(url, CONTAINER.getUsername(), CONTAINER.getPassword());
        }
    }

    /** Chunks of every size through SQLServerBulkCopy and dbo.sp_WriteChunk. */
    static StorageEngine bulk() {
        return SqlServerEngine.open(Server.CONFIG, SqlServerSettings.DEFAULTS.alwaysBulkCopy());
    }

    /** Chunks of every size through dbo.sp_WriteChunkFromTables. */
    static StorageEngine tables() {
        return SqlServerEngine.open(Server.CONFIG, SqlServerSettings.DEFAULTS.alwaysTableValuedParameters());
    }

    @Nested
    class Deletion extends DeletionContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Inference extends InferenceContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Atoms extends AtomsContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class AtomsViaTableValuedParameters extends AtomsContract {
        @Override
        protected StorageEngine openEngine() {
            return tables();
        }
    }

    @Nested
    class Jobs extends JobsContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class JobsViaTableValuedParameters extends JobsContract {
        @Override
        protected StorageEngine openEngine() {
            return tables();
        }
    }

    @Nested
    class Concurrency extends ConcurrencyContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class ConcurrencyViaTableValuedParameters extends ConcurrencyContract {
        @Override
        protected StorageEngine openEngine() {
            return tables();
        }
    }

    @Nested
    class Models extends ModelsContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Vectors extends VectorsContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Graph extends GraphContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class ProvenanceFeed extends ProvenanceFeedContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Queue extends QueueContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Queues extends QueuesContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Tenancy extends TenancyContract {
        @Override
        protected StorageEngine openEngine() {
            return bulk();
        }
    }

    @Nested
    class Ooda extends OodaContract {
        @Override
        protected StorageEngine openEngine() {
            return StorageEngines.open(Server.CONFIG);
        }

        @Override
        protected StorageEngine reopenEngine() {
            return StorageEngines.open(Server.CONFIG);
        }
    }

    /** Through the provider (ServiceLoader) with the default settings, as the tiers open it. */
    @Nested
    class Operations extends OperationsContract {
        @Override
        protected StorageEngine openEngine() {
            return StorageEngines.open(Server.CONFIG);
        }
    }

    @Nested
    class Billing extends BillingContract {
        @Override
        protected StorageEngine openEngine() {
            return StorageEngines.open(Server.CONFIG);
        }
    }

    @Nested
    class Deployment {
        @Test
        void redeployingChangesNothingAndTheVerificationPassed() throws SQLException {
            try (Connection db = Server.admin(Server.databaseUrl(DATABASE))) {
                DeployPlan again = new SchemaDeployer(Dialect.SQLSERVER).deploy(db, ScriptSource.fromClasspath("sql"));
                assertThat(again.toApply()).isEmpty();
            }
            try (StorageEngine engine = StorageEngines.open(Server.CONFIG)) {
                assertThat(engine.engineName()).isEqualTo("sqlserver");
                assertThat(engine.isReachable()).isTrue();
            }
        }

        @Test
        void aDatabaseWithoutTheSchemaIsRefusedWithAHint() throws SQLException {
            try (Connection master = Server.admin(Server.CONTAINER.getJdbcUrl()); Statement s = master.createStatement()) {
                s.execute("IF DB_ID(N'Empty') IS NULL CREATE DATABASE Empty");
            }
            StorageConfig empty = new StorageConfig(Server.databaseUrl("Empty"), Server.CONTAINER.getUsername(),
                    Server.CONTAINER.getPassword(), 2, false);
            assertThatThrownBy(() -> StorageEngines.open(empty)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("deploy-schema");
        }

        @Test
        void aReadIntentPoolServesReads() {
            StorageConfig read = new StorageConfig(Server.CONFIG.url(), Server.CONFIG.user(), Server.CONFIG.password(),
                    2, true);
            try (StorageEngine engine = StorageEngines.open(read)) {
                assertThat(engine.forTenant("reader").models().list()).isEmpty();
                assertThat(engine.rowCounts()).containsKey("Atoms");
            }
        }
    }
}
