package io.hartonomous.api.admin.ooda;

import io.hartonomous.api.testing.Api;
import io.hartonomous.cli.HartCommand;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.ooda.OodaSettings;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./hart ooda ...} (the console, as its main runs it) against this API over real HTTP. */
@QuarkusTest
class OodaCliTest {
    @Inject
    StorageEngine engine;
    @TestHTTPResource("/")
    URL api;

    private record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void startAsANewDatabaseHasIt() {
        OodaFixtures.reset(engine);
    }

    @AfterEach
    void leaveTheLoopAsANewDatabaseHasIt() {
        OodaFixtures.reset(engine);
    }

    private Run hartAt(String url, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HartCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("ooda"));
        all.addAll(List.of(args));
        all.addAll(List.of("--url", url, "--api-key", Api.BOOTSTRAP));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private Run hart(String... args) {
        return hartAt(api.toString(), args);
    }

    private static long proposal(Run cycle, String state, String type) {
        Matcher m = Pattern.compile("#(\\d+)\\s+" + state + "\\s+rebuild_projection\\s+" + Pattern.quote(type))
                .matcher(cycle.out());
        assertThat(m.find()).as("a %s rebuild of %s in:%n%s", state, type, cycle.out()).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void statusCycleDecisionsAndTheStopFromTheConsole() {
        Run status = hart("status");
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).startsWith("loop running, dry run, approval required, at most 5 changes per cycle");

        String type = OodaFixtures.staleType(engine, 5);
        Run cycle = hart("cycle");
        assertThat(cycle.exit()).as(cycle.err()).isZero();
        assertThat(cycle.out()).contains("(dry run)").containsPattern("observed +stale_landmarks +" + type);
        long id = proposal(cycle, "proposed", type);
        assertThat(hart("status", "--limit", "1").out()).as("the latest cycle is listed")
                .contains("#" + id + " ");

        Run rejected = hart("reject", Long.toString(id));
        assertThat(rejected.exit()).isZero();
        assertThat(rejected.out()).containsPattern("#" + id + "\\s+rejected");
        Run again = hart("approve", Long.toString(id));
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("POST /api/admin/ooda/proposals/" + id + "/approve -> 409")
                .contains("rejected");
        Run unknown = hart("approve", "987654321");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("-> 404");

        // Out of dry run an approval from the console acts at once; Learn's measurement is printed.
        engine.ooda().configure(OodaSettings.DEFAULTS.withDryRun(false));
        long next = proposal(hart("cycle"), "proposed", type);
        Run approved = hart("approve", Long.toString(next));
        assertThat(approved.exit()).as(approved.err()).isZero();
        assertThat(approved.out()).containsPattern("#" + next + "\\s+applied").contains("measured: ");

        Run stop = hart("stop");
        assertThat(stop.exit()).isZero();
        assertThat(stop.out()).startsWith("loop STOPPED");
        assertThat(engine.ooda().status().running()).isFalse();
        Run refused = hart("cycle");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("-> 409").contains("stopped");
        Run start = hart("start");
        assertThat(start.exit()).isZero();
        assertThat(start.out()).startsWith("loop running");
        assertThat(engine.ooda().status().running()).isTrue();
    }

    @Test
    void anUnreachableApiIsOneClearLine() {
        Run run = hartAt("http://127.0.0.1:1", "status");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("cannot reach the API at http://127.0.0.1:1");
        Run bad = hart("approve", "abc");
        assertThat(bad.exit()).as("picocli refuses a non-numeric id").isEqualTo(2);
    }
}
