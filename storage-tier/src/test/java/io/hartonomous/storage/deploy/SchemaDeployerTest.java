package io.hartonomous.storage.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The deployer against a real H2 database. */
class SchemaDeployerTest {
    @TempDir
    Path dir;

    private Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db"), "sa", "");
    }

    @Test
    void appliesInOrderRecordsChecksumsAndSkipsWhatIsApplied() throws Exception {
        Path scripts = Files.createDirectories(dir.resolve("sql"));
        Files.writeString(scripts.resolve("020_second.sql"), "INSERT INTO T VALUES (2)\nGO\n");
        Files.writeString(scripts.resolve("010_first.sql"), "CREATE TABLE T (V INT)\nGO\nINSERT INTO T VALUES (1)\n");
        Files.writeString(scripts.resolve("notes.txt"), "ignored");
        SchemaDeployer deployer = new SchemaDeployer(Dialect.H2);
        try (Connection c = connect()) {
            DeployPlan first = deployer.deploy(c, ScriptSource.fromDirectory(scripts));
            assertThat(first.toApply()).extracting(s -> s.script().name())
                    .containsExactly("010_first.sql", "020_second.sql");
            DeployPlan second = deployer.deploy(c, ScriptSource.fromDirectory(scripts));
            assertThat(second.toApply()).isEmpty();
            assertThat(second.describe()).contains("up to date").contains("0 of 2 scripts to apply");
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM T")) {
                rs.next();
                assertThat(rs.getInt(1)).as("each script ran once").isEqualTo(2);
            }
        }
    }

    @Test
    void dryRunPlanChangesNothingAndAChangedAppliedScriptIsRefused() throws Exception {
        Path scripts = Files.createDirectories(dir.resolve("sql"));
        Files.writeString(scripts.resolve("010_a.sql"), "CREATE TABLE A (V INT)\n");
        SchemaDeployer deployer = new SchemaDeployer(Dialect.H2);
        try (Connection c = connect()) {
            DeployPlan plan = deployer.plan(c, ScriptSource.fromDirectory(scripts));
            assertThat(plan.toApply()).hasSize(1);
            try (ResultSet rs = c.getMetaData().getTables(null, null, "A", null)) {
                assertThat(rs.next()).as("plan only").isFalse();
            }
            deployer.deploy(c, ScriptSource.fromDirectory(scripts));
            Files.writeString(scripts.resolve("010_a.sql"), "CREATE TABLE A (V BIGINT)\n");
            assertThatThrownBy(() -> deployer.deploy(c, ScriptSource.fromDirectory(scripts)))
                    .isInstanceOf(DeployException.class).hasMessageContaining("010_a.sql")
                    .hasMessageContaining("must not change");
        }
    }

    @Test
    void failuresNameScriptBatchAndLineAndAreNotRecorded() throws Exception {
        Path scripts = Files.createDirectories(dir.resolve("sql"));
        Files.writeString(scripts.resolve("010_bad.sql"), "CREATE TABLE B (V INT)\nGO\n\nSELEC broken\n");
        SchemaDeployer deployer = new SchemaDeployer(Dialect.H2);
        try (Connection c = connect()) {
            assertThatThrownBy(() -> deployer.deploy(c, ScriptSource.fromDirectory(scripts)))
                    .isInstanceOf(DeployException.class)
                    .hasMessageContaining("script 010_bad.sql, batch 2, line 3");
            assertThat(deployer.plan(c, ScriptSource.fromDirectory(scripts)).toApply()).hasSize(1);
        }
    }

    @Test
    void packagedScriptsAreFoundOnTheClasspath() {
        List<SchemaScript> embedded = ScriptSource.fromClasspath("embedded");
        assertThat(embedded).extracting(SchemaScript::name).isSorted().first().asString().startsWith("010_");
        assertThatThrownBy(() -> ScriptSource.fromClasspath("nowhere")).isInstanceOf(DeployException.class);
    }
}
