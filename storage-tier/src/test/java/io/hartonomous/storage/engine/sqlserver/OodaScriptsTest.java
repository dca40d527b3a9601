package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.deploy.BatchSplitter;
import io.hartonomous.storage.deploy.SchemaScript;
import io.hartonomous.storage.deploy.ScriptBatch;
import io.hartonomous.storage.deploy.ScriptSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the OODA loop on SQL Server relies on in sql/ (080, 081, 090), read from the scripts the deployer applies:
 * Service Broker and queue statements run as the owner (the review of sql/ found the senders running as the
 * caller), the emergency stop reaches every queue 090 activates and survives a re-deployment, and the procedures that
 * read every tenant's rows run as hart_system.
 */
class OodaScriptsTest {
    private static final int I = Pattern.CASE_INSENSITIVE;
    private static final Pattern PROCEDURE = Pattern.compile(
            "CREATE\\s+OR\\s+ALTER\\s+PROCEDURE\\s+([\\w.]+)(.*?)\\bAS\\s+BEGIN\\b", I | Pattern.DOTALL);

    /** Procedure name → (options between its name and AS, its whole batch), in deployment order. */
    private static final Map<String, String[]> procedures = new LinkedHashMap<>();
    private static final List<String> batches = new ArrayList<>();

    @BeforeAll
    static void read() {
        for (SchemaScript script : ScriptSource.fromClasspath("sql")) {
            for (ScriptBatch b : BatchSplitter.split(script)) {
                String code = TsqlText.code(b.sql());
                batches.add(script.name() + ": " + code);
                Matcher m = PROCEDURE.matcher(code);
                if (m.find()) {
                    procedures.put(m.group(1).toLowerCase(), new String[] {m.group(2), code});
                }
            }
        }
        assertThat(procedures).containsKeys("ops.sp_sendoodamessage", "ops.sp_oodasetrunning");
    }

    private static String options(String procedure) {
        return procedures.get(procedure.toLowerCase())[0];
    }

    private static String body(String procedure) {
        return procedures.get(procedure.toLowerCase())[1];
    }

    /** Activation procedures run as their queue says (090 attaches each WITH ... EXECUTE AS OWNER). */
    private static Set<String> activatedAsOwner() {
        Pattern attached = Pattern.compile("PROCEDURE_NAME\\s*=\\s*([\\w.]+)[^)]*EXECUTE\\s+AS\\s+OWNER", I);
        Set<String> out = new TreeSet<>();
        for (String b : batches) {
            Matcher m = attached.matcher(b);
            while (b.startsWith("090_") && m.find()) {
                out.add(m.group(1).toLowerCase());
            }
        }
        return out;
    }

    @Test
    void everyProcedureThatTalksToServiceBrokerOrAltersAQueueRunsAsItsOwner() {
        Set<String> activated = activatedAsOwner();
        assertThat(activated).contains("ops.sp_oodainitiatoractivation", "ops.sp_analyze");
        Pattern broker = Pattern.compile("\\bBEGIN\\s+DIALOG\\b|\\bBEGIN\\s+CONVERSATION\\s+TIMER\\b"
                + "|\\bSEND\\s+ON\\s+CONVERSATION\\b|\\bALTER\\s+QUEUE\\b", I);
        Set<String> callerContext = new TreeSet<>();
        for (Map.Entry<String, String[]> p : procedures.entrySet()) {
            if (broker.matcher(p.getValue()[1]).find() && !activated.contains(p.getKey())
                    && !Pattern.compile("EXECUTE\\s+AS\\s+OWNER", I).matcher(p.getValue()[0]).find()) {
                callerContext.add(p.getKey());
            }
        }
        assertThat(callerContext).isEmpty();
        assertThat(options("ops.sp_SendOodaMessage")).containsIgnoringCase("EXECUTE AS OWNER");
        assertThat(options("ops.sp_ScheduleOodaCycles")).containsIgnoringCase("EXECUTE AS OWNER");
    }

    @Test
    void theEmergencyStopTurnsOffActivationOnEveryQueueThatHasItAndStartTurnsItBackOn() {
        Pattern activated = Pattern.compile("ALTER\\s+QUEUE\\s+(ops\\.Ooda\\w+Queue)\\s+WITH\\s+ACTIVATION\\s*\\(\\s*"
                + "STATUS\\s*=\\s*ON\\s*,\\s*PROCEDURE_NAME", I);
        Set<String> queues = new TreeSet<>();
        for (String b : batches) {
            if (b.startsWith("090_")) {
                Matcher m = activated.matcher(b);
                while (m.find()) {
                    queues.add(m.group(1));
                }
            }
        }
        assertThat(queues).hasSize(5);
        String setRunning = body("ops.sp_OodaSetRunning");
        for (String q : queues) {
            for (String status : List.of("ON", "OFF")) {
                assertThat(setRunning).containsPattern(Pattern.compile("ALTER\\s+QUEUE\\s+" + Pattern.quote(q)
                        + "\\s+WITH\\s+ACTIVATION\\s*\\(\\s*STATUS\\s*=\\s*" + status + "\\s*\\)", I));
            }
        }
        assertThat(setRunning).contains("OodaRunning");
    }

    @Test
    void aRecordedStopOutlivesARedeploymentAndRefusesCycles() {
        int lastActivation = -1;
        int reapplied = -1;
        for (int i = 0; i < batches.size(); i++) {
            String b = batches.get(i);
            if (b.startsWith("090_") && b.matches("(?is).*WITH\\s+ACTIVATION\\s*\\(\\s*STATUS\\s*=\\s*ON.*")) {
                lastActivation = i;
            }
            if (b.matches("(?is).*OodaRunning.*EXEC\\s+ops\\.sp_OodaSetRunning\\s+@Running\\s*=\\s*0.*")) {
                reapplied = i;
            }
        }
        assertThat(reapplied).as("the stop is re-applied after activation is attached").isGreaterThan(lastActivation);
        assertThat(body("ops.sp_OodaRunCycle")).containsPattern("(?is)OodaRunning.*THROW\\s+50409");
        assertThat(body("ops.sp_OodaClaimRebuild")).contains("OodaRunning").contains("OodaDryRun");
        assertThat(body("ops.sp_OodaDecide")).containsPattern("(?is)THROW\\s+50404").containsPattern(
                "(?is)THROW\\s+50409");
    }

    @Test
    void everyWayIntoAPhaseHonoursTheStop() {
        for (String p : List.of("ops.sp_ActCycle", "ops.sp_LearnCycle")) {
            assertThat(body(p)).as(p).containsPattern("(?is)IF\\s+ops\\.fn_OodaRunning\\(\\)\\s*=\\s*0\\s+RETURN");
        }
        for (String p : List.of("ops.sp_RunOodaCycle", "ops.sp_StartOodaCycle", "ops.sp_OodaRunCycle")) {
            assertThat(body(p)).as(p)
                    .containsPattern("(?is)IF\\s+ops\\.fn_OodaRunning\\(\\)\\s*=\\s*0\\s+THROW\\s+50409");
        }
        // Activation off does not stop an instance that is running: it drops what it receives while stopped.
        for (String p : List.of("ops.sp_Analyze", "ops.sp_Hypothesize", "ops.sp_Act", "ops.sp_Learn",
                "ops.sp_OodaInitiatorActivation")) {
            assertThat(body(p)).as(p).contains("ops.fn_OodaRunning() = 1");
        }
        // A retried approval must not act twice: the decision and the acting are separate calls.
        assertThat(body("ops.sp_OodaDecide")).doesNotContainPattern("(?i)sp_ActCycle|sp_LearnCycle");
        assertThat(body("ops.sp_OodaAct")).contains("ops.sp_ActCycle").contains("@Acted = @acted OUTPUT");
        // A verification while stopped accepts the OODA queues' activation being off.
        String verify = batches.stream().filter(b -> b.startsWith("099_") && b.contains("activation on "))
                .findFirst().orElseThrow();
        assertThat(verify).contains("ops.fn_OodaRunning() = 0");
    }

    @Test
    void purgingHistoryKeepsWhatSnapshotsNeedAndRunsInBoundedBatches() {
        String needed = "(?is)NOT\\s+EXISTS\\s*\\(\\s*SELECT\\s+1\\s+FROM\\s+dbo\\.WeightSnapshots\\s+AS\\s+s\\s+"
                + "WHERE\\s+s\\.ModelId\\s*=\\s*h\\.ModelId\\s+AND\\s+s\\.TakenAt\\s*>=\\s*h\\.ValidFrom\\s+"
                + "AND\\s+s\\.TakenAt\\s*<\\s*h\\.ValidTo\\s*\\)";
        String counted = batches.stream().filter(b -> b.contains("ops.fn_HistoryPastRetention")
                && b.matches("(?is).*CREATE\\s+OR\\s+ALTER\\s+FUNCTION.*")).findFirst().orElseThrow();
        assertThat(Pattern.compile(needed).matcher(counted).results().count()).as("both history tables").isEqualTo(2);
        assertThat(body("ops.sp_PurgeHistory")).containsPattern(needed)
                .containsPattern("(?i)DELETE\\s+TOP\\s*\\(@batch\\)")
                .containsPattern("(?is)WHILE\\s+@deleted\\s*=\\s*@BatchRows\\s+BEGIN\\s+BEGIN\\s+TRANSACTION.*"
                        + "SYSTEM_VERSIONING\\s*=\\s*OFF.*sp_executesql.*SYSTEM_VERSIONING\\s*=\\s*ON.*COMMIT");
        // Its DELETE is dynamic SQL, outside any ownership chain: hart_system reads the snapshots itself.
        assertThat(batches).anyMatch(b -> b.startsWith("095_")
                && b.contains("GRANT SELECT ON OBJECT::dbo.WeightSnapshots TO hart_system"));
    }

    @Test
    void anExistingDatabaseGainsTheNewColumnsAndActionKinds() {
        String tables = String.join("\n", batches.stream().filter(b -> b.startsWith("024_")).toList());
        for (String column : List.of("ExpectedEffect", "MetricAfter", "MeasuredEffect", "ErrorMessage")) {
            assertThat(tables).containsPattern("(?is)IF\\s+COL_LENGTH\\(N'ops\\.OodaActions',\\s*N'" + column
                    + "'\\)\\s+IS\\s+NULL\\s+ALTER\\s+TABLE\\s+ops\\.OodaActions\\s+ADD\\s+" + column);
        }
        assertThat(tables).containsPattern("(?is)DROP\\s+CONSTRAINT\\s+CK_OodaActions_Kind.*ADD\\s+CONSTRAINT\\s+"
                + "CK_OodaActions_Kind\\s+CHECK.*'PURGE_HISTORY'.*'REBUILD_PROJECTION'");
    }

    @Test
    void whatReadsEveryTenantsRowsRunsAsHartSystem() {
        for (String p : List.of("ops.sp_ObserveStorage", "ops.sp_MeasureStorage", "ops.sp_PurgeHistory")) {
            assertThat(options(p)).as(p).containsPattern("(?i)EXECUTE\\s+AS\\s+'hart_system'");
        }
        assertThat(body("ops.sp_AnalyzeCycle")).contains("ops.sp_ObserveStorage");
        assertThat(body("ops.sp_PurgeHistory")).containsIgnoringCase("XACT_ABORT ON")
                .containsPattern("(?is)BEGIN\\s+TRANSACTION.*SYSTEM_VERSIONING\\s*=\\s*OFF.*SYSTEM_VERSIONING\\s*=\\s*ON"
                        + ".*COMMIT");
    }

    @Test
    void aPhaseThatFailsDeadLettersItsMessageInsteadOfRollingItBack() {
        assertThat(body("ops.sp_OodaPhaseFailed")).containsPattern("(?is)EXEC\\s+ops\\.sp_AddDeadLetter\\s+@QueueName")
                .containsPattern("(?is)IF\\s+XACT_STATE\\(\\)\\s*<>\\s*0\\s+ROLLBACK");
        for (String[] phase : List.of(new String[] {"ops.sp_Analyze", "ops.OodaAnalyzeQueue"},
                new String[] {"ops.sp_Hypothesize", "ops.OodaHypothesizeQueue"},
                new String[] {"ops.sp_Act", "ops.OodaActQueue"}, new String[] {"ops.sp_Learn", "ops.OodaLearnQueue"})) {
            assertThat(body(phase[0])).as(phase[0])
                    .containsPattern("(?is)BEGIN\\s+CATCH\\s+SET\\s+@error\\s*=.*EXEC\\s+ops\\.sp_OodaPhaseFailed\\b.*"
                            + "@QueueName\\s*=\\s*N'" + phase[1].replace(".", "\\.") + "'.*END\\s+CATCH")
                    .doesNotContainPattern("(?i)ROLLBACK");
        }
    }
}
