package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.deploy.BatchSplitter;
import io.hartonomous.storage.deploy.SchemaScript;
import io.hartonomous.storage.deploy.ScriptBatch;
import io.hartonomous.storage.deploy.ScriptSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The T-SQL of sql/ read as plain text (the scripts the deployer packages, plus sql/optional): every script is
 * idempotent by construction, objects are created before anything references them, and what the SQL Server engine
 * relies on is there as the engine's own constants say ({@link Procedures}, {@link TableType},
 * {@link StagingTable}, {@link SqlErrors}), so this fails when the engine and sql/ drift apart.
 */
class SqlScriptsStructureTest {
    private static final int I = Pattern.CASE_INSENSITIVE;
    private static final Pattern CODE_OBJECT = Pattern.compile(
            "^\\s*CREATE\\s+(OR\\s+ALTER\\s+)?(PROCEDURE|PROC|FUNCTION|VIEW|TRIGGER)\\s+([\\w.\\[\\]]+)", I);
    /** Creation of anything that is not code: it must sit behind an existence check. */
    private static final Pattern DDL = Pattern.compile("\\bCREATE\\s+(?:UNIQUE\\s+)?(?:CLUSTERED\\s+|NONCLUSTERED\\s+)?"
            + "(?:SPATIAL\\s+|COLUMNSTORE\\s+|VECTOR\\s+)?(TABLE|TYPE|SCHEMA|ROLE|USER|QUEUE|SERVICE|CONTRACT|"
            + "MESSAGE\\s+TYPE|INDEX|SECURITY\\s+POLICY|PROCEDURE|PROC|FUNCTION|VIEW|TRIGGER)\\s+"
            + "(\\[[^\\]]+\\]|[#@]?[\\w.]+)", I);
    private static final Pattern IF = Pattern.compile("\\bIF\\b", I);
    private static final Pattern GUARD = Pattern.compile("\\bIS\\s+NULL\\b|\\bNOT\\s+EXISTS\\b", I);
    private static final Pattern DROP = Pattern.compile("\\bDROP\\s+(SECURITY\\s+POLICY|TABLE|INDEX|PROCEDURE|FUNCTION|"
            + "VIEW|TYPE|QUEUE|SERVICE|CONTRACT|MESSAGE\\s+TYPE)\\s+(?:IF\\s+EXISTS\\s+)?(\\[[^\\]]+\\]|[\\w.]+)", I);
    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.@#\\]])\\[?(dbo|graph|provenance|billing|ops|security)\\]?\\.(\\[[^\\]]+\\]|\\w+)", I);
    private static final Pattern BROKER_NAME = Pattern.compile("\\[(//[^\\]]+)\\]");
    private static final Pattern PRINCIPAL = Pattern.compile("(?<![\\w.])(hart_\\w+)\\b", I);
    private static final Pattern EXECUTE_AS_USER = Pattern.compile("\\bEXECUTE\\s+AS\\s+'(\\w+)'", I);
    private static final Pattern THROW = Pattern.compile("\\bTHROW\\s+(\\d+)", I);
    private static final Pattern EXEC_PROC = Pattern.compile("\\bEXEC(?:UTE)?\\s+([\\w]+\\.sp_\\w+)", I);
    private static final Pattern GRANT = Pattern.compile(
            "\\bGRANT\\s+([\\w\\s,]+?)\\s+ON\\s+(OBJECT|TYPE)::([\\w.\\[\\]]+)\\s+TO\\s+(\\w+)", I);
    private static final Set<String> CODE_KINDS = Set.of("PROCEDURE", "PROC", "FUNCTION", "VIEW", "TRIGGER");

    /** A script with its batches in three views (raw, comments blanked, comments and strings blanked). */
    record Script(int order, String name, String text, List<Batch> batches) {
    }

    record Batch(int number, String code, String identifiers) {
    }

    /** A point in the deployment: script order, then batch, then offset in the batch. */
    record Position(int script, int batch, int offset) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            return script != o.script ? Integer.compare(script, o.script)
                    : batch != o.batch ? Integer.compare(batch, o.batch) : Integer.compare(offset, o.offset);
        }
    }

    record Param(String name, String type, boolean hasDefault, boolean output, boolean readOnly) {
    }

    /** {@code options}: what stands between the parameters and the body (WITH EXECUTE AS ..., AS). */
    record ProcedureDefinition(String name, String script, List<Param> params, String options, String body) {
        Param param(String name) {
            return params.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
        }
    }

    record SqlColumn(String name, String type, String length) {
    }

    private static List<Script> scripts;

    @BeforeAll
    static void readScripts() throws IOException, URISyntaxException {
        List<SchemaScript> numbered = ScriptSource.fromClasspath("sql");
        List<SchemaScript> all = new ArrayList<>(numbered);
        URL optional = SqlScriptsStructureTest.class.getClassLoader().getResource("sql/optional");
        assertThat(optional).as("sql/optional is packaged").isNotNull();
        try (Stream<Path> files = Files.list(Path.of(optional.toURI()))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sql")).sorted().toList()) {
                all.add(new SchemaScript("optional/" + f.getFileName(), Files.readString(f, StandardCharsets.UTF_8)));
            }
        }
        scripts = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            SchemaScript s = all.get(i);
            List<Batch> batches = new ArrayList<>();
            for (ScriptBatch b : BatchSplitter.split(s)) {
                batches.add(new Batch(b.batchNumber(), TsqlText.code(b.sql()), TsqlText.identifiers(b.sql())));
            }
            scripts.add(new Script(i, s.name(), s.text(), batches));
        }
        assertThat(numbered).as("the deployer's scripts").hasSizeGreaterThan(20);
    }

    private static boolean isCodeBatch(Batch b) {
        return CODE_OBJECT.matcher(b.identifiers()).find();
    }

    private static String simpleName(String name) {
        String key = TsqlText.key(name);
        if (key.startsWith("//")) {
            return key;
        }
        int dot = key.lastIndexOf('.');
        return dot < 0 ? key : key.substring(dot + 1);
    }

    /** Key under which an object is defined and referenced: schema-qualified, or a namespace for the rest. */
    private static String definitionKey(String kind, String name) {
        String k = kind.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        String n = TsqlText.key(name);
        return switch (k) {
            case "SCHEMA" -> "schema:" + n;
            case "ROLE", "USER" -> "principal:" + n;
            case "SERVICE", "CONTRACT", "MESSAGE TYPE" -> "broker:" + n;
            default -> n.contains(".") ? n : "dbo." + n;
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Idempotence

    @Test
    void everyScriptIsIdempotentByConstruction() {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Script script : scripts) {
            StringBuilder earlier = new StringBuilder();
            for (Batch batch : script.batches()) {
                Matcher code = CODE_OBJECT.matcher(batch.identifiers());
                if (code.find()) {
                    checked++;
                    if (code.group(1) == null) {
                        problems.add(script.name() + " batch " + batch.number() + ": CREATE " + code.group(2) + " "
                                + code.group(3) + " without OR ALTER");
                    }
                } else {
                    checked += checkGuards(script, batch, earlier.toString(), problems);
                }
                earlier.append(batch.identifiers()).append('\n');
            }
        }
        assertThat(problems).as("creations that would fail or differ when a script runs twice").isEmpty();
        assertThat(checked).as("statements checked").isGreaterThan(100);
    }

    private record Creation(String kind, String name, int start, int guard) {
    }

    private static int checkGuards(Script script, Batch batch, String earlierInScript, List<String> problems) {
        List<Creation> creations = new ArrayList<>();
        Matcher m = DDL.matcher(batch.code());
        while (m.find()) {
            String name = m.group(2);
            if (name.startsWith("#") || name.startsWith("@")) {
                continue;
            }
            String before = batch.identifiers().substring(0, m.start());
            Matcher ifs = IF.matcher(before);
            int guard = -1;
            while (ifs.find()) {
                guard = ifs.start();
            }
            creations.add(new Creation(m.group(1).toUpperCase(Locale.ROOT).replaceAll("\\s+", " "), name, m.start(),
                    guard));
        }
        for (Creation c : creations) {
            String where = script.name() + " batch " + batch.number() + ": CREATE " + c.kind() + " " + c.name();
            if (CODE_KINDS.contains(c.kind())) {
                problems.add(where + " without OR ALTER");
                continue;
            }
            if (c.guard() < 0) {
                if (!droppedEarlier(earlierInScript + batch.identifiers().substring(0, c.start()), c)) {
                    problems.add(where + " is not behind an existence check");
                }
                continue;
            }
            String condition = batch.code().substring(c.guard(), c.start()).toLowerCase(Locale.ROOT);
            if (!GUARD.matcher(condition).find()) {
                problems.add(where + ": its IF does not test for absence (IS NULL / NOT EXISTS)");
                continue;
            }
            boolean namesIt = condition.contains(simpleName(c.name()));
            boolean namesCompanion = creations.stream().anyMatch(o -> o != c && o.guard() == c.guard()
                    && condition.contains(simpleName(o.name())));
            if (!namesIt && !namesCompanion) {
                problems.add(where + ": its guard checks for something else");
            }
        }
        return creations.size();
    }

    /** Drop-and-recreate (the security policy, whose schema-bound predicates can change only while it is gone). */
    private static boolean droppedEarlier(String earlier, Creation c) {
        Matcher d = DROP.matcher(earlier);
        while (d.find()) {
            String kind = d.group(1).toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
            if (kind.equals(c.kind()) && TsqlText.key(d.group(2)).equals(TsqlText.key(c.name()))) {
                String before = earlier.substring(Math.max(0, d.start() - 400), d.start()).toUpperCase(Locale.ROOT);
                return before.contains("IF EXISTS");
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Ordering

    private static Map<String, Position> definitions() {
        Map<String, Position> defined = new HashMap<>();
        for (Script script : scripts) {
            for (Batch batch : script.batches()) {
                Matcher code = CODE_OBJECT.matcher(batch.identifiers());
                if (code.find()) {
                    defined.putIfAbsent(definitionKey(code.group(2), code.group(3)),
                            new Position(script.order(), batch.number(), code.start(3)));
                    continue;
                }
                Matcher m = DDL.matcher(batch.code());
                while (m.find()) {
                    String name = m.group(2);
                    String kind = m.group(1).toUpperCase(Locale.ROOT);
                    if (name.startsWith("#") || name.startsWith("@") || kind.equals("INDEX")) {
                        continue;
                    }
                    defined.putIfAbsent(definitionKey(kind, name), new Position(script.order(), batch.number(),
                            m.start(2)));
                }
            }
        }
        return defined;
    }

    private record Reference(String key, Position at, String script) {
    }

    private static List<Reference> references(Map<String, Position> defined) {
        List<Reference> refs = new ArrayList<>();
        for (Script script : scripts) {
            for (Batch batch : script.batches()) {
                String ids = batch.identifiers();
                List<int[]> dropped = new ArrayList<>();
                Matcher d = DROP.matcher(ids);
                while (d.find()) {
                    dropped.add(new int[] {d.start(2), d.end(2)});
                }
                List<Reference> found = new ArrayList<>();
                Matcher q = QUALIFIED.matcher(ids);
                while (q.find()) {
                    String schema = q.group(1).toLowerCase(Locale.ROOT);
                    found.add(new Reference(schema + "." + TsqlText.key(q.group(2)),
                            new Position(script.order(), batch.number(), q.start()), script.name()));
                    if (!schema.equals("dbo")) {
                        found.add(new Reference("schema:" + schema,
                                new Position(script.order(), batch.number(), q.start()), script.name()));
                    }
                }
                Matcher b = BROKER_NAME.matcher(ids);
                while (b.find()) {
                    found.add(new Reference("broker:" + TsqlText.key(b.group(1)),
                            new Position(script.order(), batch.number(), b.start()), script.name()));
                }
                Matcher p = PRINCIPAL.matcher(ids);
                while (p.find()) {
                    found.add(new Reference("principal:" + p.group(1).toLowerCase(Locale.ROOT),
                            new Position(script.order(), batch.number(), p.start()), script.name()));
                }
                Matcher e = EXECUTE_AS_USER.matcher(batch.code());
                while (e.find()) {
                    found.add(new Reference("principal:" + e.group(1).toLowerCase(Locale.ROOT),
                            new Position(script.order(), batch.number(), e.start(1)), script.name()));
                }
                for (Reference r : found) {
                    boolean inDrop = dropped.stream().anyMatch(s -> r.at().offset() >= s[0] && r.at().offset() < s[1]);
                    if (defined.containsKey(r.key()) && !inDrop) {
                        refs.add(r);
                    }
                }
            }
        }
        return refs;
    }

    @Test
    void everyObjectIsCreatedBeforeAnythingReferencesIt() {
        Map<String, Position> defined = definitions();
        assertThat(defined).containsKeys("dbo.atoms", "dbo.stagingatoms", "dbo.atomchunktype", "schema:graph",
                "principal:hart_system", "broker://hartonomous/provenance/syncinitiator", "dbo.sp_writechunk",
                "security.tenantisolationpolicy");
        List<Reference> refs = references(defined);
        List<String> problems = new ArrayList<>();
        for (Reference r : refs) {
            Position def = defined.get(r.key());
            if (r.at().compareTo(def) < 0) {
                problems.add(r.script() + " batch " + r.at().batch() + " uses " + r.key() + " before "
                        + scripts.get(def.script()).name() + " batch " + def.batch() + " creates it");
            }
        }
        assertThat(problems).as("references that come before the object exists").isEmpty();
        assertThat(refs).as("references checked").hasSizeGreaterThan(300);
    }

    // ---------------------------------------------------------------------------------------------------------
    // What the engine calls

    private static Map<String, ProcedureDefinition> procedures() {
        Map<String, ProcedureDefinition> procs = new LinkedHashMap<>();
        for (Script script : scripts) {
            if (script.name().startsWith("optional/")) {
                continue; // never deployed by default: the engine cannot rely on it
            }
            for (Batch batch : script.batches()) {
                Matcher code = CODE_OBJECT.matcher(batch.identifiers());
                if (!code.find() || !code.group(2).toUpperCase(Locale.ROOT).startsWith("PROC")) {
                    continue;
                }
                String ids = batch.identifiers();
                int headerEnd = ids.length();
                Matcher end = Pattern.compile("\\b(WITH|AS)\\b", I).matcher(ids);
                int depth = 0;
                int from = code.end();
                for (int i = from; i < ids.length(); i++) {
                    char c = ids.charAt(i);
                    if (c == '(') {
                        depth++;
                    } else if (c == ')') {
                        depth--;
                    } else if (depth == 0 && end.find(i) && end.start() == i) {
                        headerEnd = i;
                        break;
                    }
                }
                String header = ids.substring(from, headerEnd).strip();
                if (header.startsWith("(") && header.endsWith(")")) {
                    header = header.substring(1, header.length() - 1);
                }
                List<Param> params = new ArrayList<>();
                for (String part : TsqlText.splitTopLevel(header)) {
                    Matcher pm = Pattern.compile("^@(\\w+)\\s+([\\w.\\[\\]]+(?:\\s*\\([^)]*\\))?)(.*)$", I | Pattern.DOTALL)
                            .matcher(part.strip());
                    assertThat(pm.matches()).as(script.name() + ": parameter '" + part + "'").isTrue();
                    String rest = pm.group(3);
                    params.add(new Param(pm.group(1), pm.group(2).replaceAll("\\s+", ""), rest.contains("="),
                            Pattern.compile("\\bOUT(PUT)?\\b", I).matcher(rest).find(),
                            Pattern.compile("\\bREADONLY\\b", I).matcher(rest).find()));
                }
                Matcher begin = Pattern.compile("\\bBEGIN\\b", I).matcher(batch.code());
                String options = begin.find(headerEnd) ? batch.code().substring(headerEnd, begin.start()) : "";
                procs.put(TsqlText.key(code.group(3)), new ProcedureDefinition(code.group(3), script.name(),
                        List.copyOf(params), options, batch.code()));
            }
        }
        return procs;
    }

    @Test
    void everyProcedureTheEngineCallsExistsWithTheParametersItPasses() {
        Map<String, ProcedureDefinition> procs = procedures();
        assertThat(procs).hasSizeGreaterThan(60);
        Set<String> tableTypes = new HashSet<>();
        for (TableType t : TableType.values()) {
            tableTypes.add(TsqlText.key(t.typeName()));
        }
        List<String> problems = new ArrayList<>();
        for (Procedure p : Procedures.ALL) {
            ProcedureDefinition def = procs.get(TsqlText.key(p.name()));
            if (def == null) {
                problems.add(p.name() + " is not created in sql/");
                continue;
            }
            if (!def.name().equals(p.name())) {
                problems.add(p.name() + " is spelt " + def.name() + " in " + def.script());
            }
            int last = -1;
            for (String name : p.parameters()) {
                Param declared = def.param(name);
                if (declared == null) {
                    problems.add(p.name() + " has no parameter @" + name + " (declares " + def.params() + ")");
                    continue;
                }
                int at = def.params().indexOf(declared);
                if (at < last) {
                    problems.add(p.name() + ": @" + name + " is passed out of the declared order");
                }
                last = at;
                TableType table = p.tables().get(name);
                if (table != null) {
                    if (!TsqlText.key(declared.type()).equals(TsqlText.key(table.typeName())) || !declared.readOnly()) {
                        problems.add(p.name() + ": @" + name + " is declared " + declared.type()
                                + ", not " + table.typeName() + " READONLY");
                    }
                } else if (tableTypes.contains(TsqlText.key(declared.type()))) {
                    problems.add(p.name() + ": @" + name + " is table-valued but the engine binds a scalar");
                }
                if (declared.output()) {
                    problems.add(p.name() + ": @" + name + " is OUTPUT; the engine reads results, not outputs");
                }
            }
            for (Param declared : def.params()) {
                if (!declared.hasDefault() && !declared.output() && !declared.readOnly()
                        && !p.parameters().contains(declared.name())) {
                    problems.add(p.name() + " requires @" + declared.name() + " but the engine does not pass it");
                }
                if (declared.readOnly() && !p.parameters().contains(declared.name())) {
                    problems.add(p.name() + ": table-valued @" + declared.name() + " is not passed");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** The procedures the engine calls and every procedure they EXEC, transitively. */
    private static List<ProcedureDefinition> reachableFromTheEngine(Map<String, ProcedureDefinition> procs) {
        List<ProcedureDefinition> reached = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<ProcedureDefinition> todo = new ArrayList<>();
        for (Procedure p : Procedures.ALL) {
            todo.add(procs.get(TsqlText.key(p.name())));
        }
        while (!todo.isEmpty()) {
            ProcedureDefinition def = todo.removeLast();
            if (def == null || !seen.add(TsqlText.key(def.name()))) {
                continue;
            }
            reached.add(def);
            Matcher e = EXEC_PROC.matcher(TsqlText.identifiers(def.body()));
            while (e.find()) {
                todo.add(procs.get(TsqlText.key(e.group(1))));
            }
        }
        return reached;
    }

    @Test
    void theErrorsTheProceduresThrowAreTheOnesTheEngineMaps() {
        Set<Integer> thrown = new TreeSet<>();
        for (ProcedureDefinition def : reachableFromTheEngine(procedures())) {
            Matcher t = THROW.matcher(TsqlText.identifiers(def.body()));
            while (t.find()) {
                thrown.add(Integer.parseInt(t.group(1)));
            }
        }
        assertThat(thrown).as("THROW numbers reachable from the engine's calls")
                .containsExactlyInAnyOrderElementsOf(SqlErrors.PROCEDURE_ERRORS);
    }

    /**
     * The engine's login holds only role grants. Ownership chaining covers the tables and procedures a procedure
     * touches, but not Service Broker: BEGIN DIALOG needs REFERENCES on the contract and RECEIVE on the initiator's
     * queue, SEND needs RECEIVE on the sender's queue, END CONVERSATION needs the conversation's owner, all checked
     * against the current user (Microsoft's "Permissions" sections). A procedure the engine reaches that talks to
     * Service Broker must therefore run as its owner (or a named user).
     */
    @Test
    void proceduresTheEngineReachesThatUseServiceBrokerRunAsTheirOwner() {
        Pattern broker = Pattern.compile("\\bBEGIN\\s+DIALOG\\b|\\bSEND\\s+ON\\s+CONVERSATION\\b|\\bEND\\s+CONVERSATION\\b"
                + "|\\bRECEIVE\\b", I);
        Pattern executeAs = Pattern.compile("\\bWITH\\b.*\\bEXECUTE\\s+AS\\s+(OWNER|SELF|'\\w+')", I | Pattern.DOTALL);
        List<String> callerContext = new ArrayList<>();
        int brokerProcedures = 0;
        for (ProcedureDefinition def : reachableFromTheEngine(procedures())) {
            if (broker.matcher(TsqlText.identifiers(def.body())).find()) {
                brokerProcedures++;
                if (!executeAs.matcher(def.options()).find()) {
                    callerContext.add(def.name() + " (" + def.script() + ")");
                }
            }
        }
        assertThat(brokerProcedures).as("the provenance sync is reached (graph nodes and edges)").isPositive();
        assertThat(callerContext).as("Service Broker statements run with the caller's permissions").isEmpty();
    }

    /**
     * What SqlServerProvenanceFeed and ProvenanceSyncBodies rely on, in the definitions deployed last: the receive
     * procedure goes on past the one conversation group a RECEIVE returns (every change is its own dialog), the
     * queue it reads has no automatic poison-message handling (the feed rolls back while Neo4j is down, and five
     * rollbacks would disable the queue), and every body sent names the fields the engine reads, stamped with
     * changedAt.
     */
    @Test
    void theProvenanceSyncSendsWhatTheFeedReads() {
        Map<String, ProcedureDefinition> procs = procedures();
        ProcedureDefinition receive = procs.get(TsqlText.key(Procedures.RECEIVE_PROVENANCE_SYNC.name()));
        String receiving = TsqlText.identifiers(receive.body());
        assertThat(receiving).as(receive.script() + ": RECEIVE again in a loop")
                .containsPattern(Pattern.compile("\\bWHILE\\b[\\s\\S]*\\bRECEIVE\\b", I))
                .containsPattern(Pattern.compile("\\bWAITFOR\\s*\\(\\s*RECEIVE\\b", I))
                .containsPattern(Pattern.compile("\\bEND\\s+CONVERSATION\\b", I));
        assertThat(receive.body()).contains("AS MessageOrder").contains("AS Body");

        ProcedureDefinition enqueue = procs.get("provenance.sp_enqueueprovenancesync");
        assertThat(enqueue.body()).as(enqueue.script() + ": stamps the time of the change")
                .containsPattern(Pattern.compile("JSON_MODIFY\\s*\\(\\s*@Body\\s*,\\s*N?'\\$\\.changedAt'", I))
                .containsPattern(Pattern.compile("\\bSYSUTCDATETIME\\s*\\(\\s*\\)", I));

        Map<String, List<String>> fields = Map.of(
                "node", List.of("tenantId", "nodeId", "kind", "refId", "label"),
                "edge", List.of("tenantId", "edgeId", "fromNodeId", "toNodeId", "relation"),
                "node-removed", List.of("tenantId", "nodeId"),
                "edge-removed", List.of("tenantId", "edgeId"));
        Set<String> sent = new TreeSet<>();
        for (ProcedureDefinition def : procs.values()) {
            if (!Pattern.compile("\\bEXEC(UTE)?\\s+provenance\\.sp_EnqueueProvenanceSync\\b", I)
                    .matcher(def.body()).find()) {
                continue;
            }
            Matcher change = Pattern.compile("'([\\w-]+)'\\s+AS\\s+change\\b", I).matcher(def.body());
            assertThat(change.find()).as(def.name() + " names its change").isTrue();
            do {
                String kind = change.group(1);
                assertThat(fields).as(def.name() + " sends a change the engine knows").containsKey(kind);
                for (String field : fields.get(kind)) {
                    assertThat(def.body()).as(def.name() + " (" + def.script() + ") sends " + field)
                            .containsPattern(Pattern.compile("\\bAS\\s+" + field + "\\b"));
                }
                sent.add(kind + " from " + def.name());
            } while (change.find());
            assertThat(def.body()).containsPattern(Pattern.compile("FOR\\s+JSON\\s+PATH\\s*,\\s*WITHOUT_ARRAY_WRAPPER", I));
        }
        assertThat(sent).containsExactly("edge from graph.sp_PutEdge", "edge-removed from dbo.sp_RemoveGraphNodes",
                "node from graph.sp_PutNode", "node-removed from dbo.sp_RemoveGraphNodes");
        assertThat(procs.get("graph.sp_putnode").body()).as("relabels are sent too")
                .containsPattern(Pattern.compile("ELSE\\s+IF\\s+@Label\\s+IS\\s+NOT\\s+NULL[^;]*?\\bBEGIN\\b.*?"
                        + "SET\\s+@changed\\s*=\\s*1", I | Pattern.DOTALL));

        Pattern poisonOff = Pattern.compile("\\bALTER\\s+QUEUE\\s+provenance\\.ProvenanceSyncQueue\\s+WITH\\s+"
                + "POISON_MESSAGE_HANDLING\\s*\\(\\s*STATUS\\s*=\\s*OFF\\s*\\)", I);
        assertThat(scripts).as("a script switches poison-message handling off for the sync queue")
                .anySatisfy(script -> assertThat(script.batches()).anySatisfy(
                        b -> assertThat(b.code()).containsPattern(poisonOff)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Columns of staging tables and table types

    private static List<SqlColumn> columnsOf(String kind, String name) {
        for (Script script : scripts) {
            for (Batch batch : script.batches()) {
                Matcher m = DDL.matcher(batch.identifiers());
                while (m.find()) {
                    if (m.group(1).equalsIgnoreCase(kind) && TsqlText.key(m.group(2)).equals(TsqlText.key(name))) {
                        int open = batch.identifiers().indexOf('(', m.end());
                        List<SqlColumn> columns = new ArrayList<>();
                        for (String part : TsqlText.splitTopLevel(TsqlText.parenthesised(batch.identifiers(), open))) {
                            String first = part.split("\\s+")[0].toUpperCase(Locale.ROOT);
                            if (Set.of("CONSTRAINT", "PRIMARY", "UNIQUE", "INDEX", "PERIOD", "CHECK", "FOREIGN")
                                    .contains(first)) {
                                continue;
                            }
                            Matcher c = Pattern.compile("^(\\[?\\w+\\]?)\\s+(\\w+)\\s*(?:\\(\\s*(\\w+)\\s*(?:,[^)]*)?\\))?",
                                    I).matcher(part);
                            assertThat(c.find()).as(name + " column '" + part + "'").isTrue();
                            columns.add(new SqlColumn(TsqlText.key(c.group(1)), c.group(2).toUpperCase(Locale.ROOT),
                                    c.group(3)));
                        }
                        return columns;
                    }
                }
            }
        }
        throw new AssertionError(kind + " " + name + " is not created in sql/");
    }

    private static String describe(Column c) {
        return TsqlText.key(c.name()) + " " + switch (c.jdbcType()) {
            case Types.BIGINT -> "BIGINT";
            case Types.INTEGER -> "INT";
            case Types.TINYINT -> "TINYINT";
            case Types.BIT -> "BIT";
            case Types.BINARY -> "BINARY(" + c.precision() + ")";
            case Types.VARBINARY -> "VARBINARY(" + (c.precision() == Column.MAX ? "MAX" : c.precision()) + ")";
            case Types.VARCHAR -> "VARCHAR(" + c.precision() + ")";
            case Types.NVARCHAR -> "NVARCHAR(" + c.precision() + ")";
            case microsoft.sql.Types.GUID -> c.precision() == 36 ? "UNIQUEIDENTIFIER" : "GUID of bad length";
            default -> "type " + c.jdbcType();
        };
    }

    private static String describe(SqlColumn c) {
        return c.name() + " " + c.type() + (c.length() == null ? "" : "(" + c.length() + ")");
    }

    @Test
    void bulkCopyColumnsMatchTheStagingTablesColumnByColumn() {
        for (StagingTable table : StagingTable.values()) {
            List<String> engine = table.columns().stream().map(SqlScriptsStructureTest::describe).toList();
            List<String> sql = columnsOf("TABLE", table.tableName()).stream().map(SqlScriptsStructureTest::describe)
                    .toList();
            assertThat(engine).as(table.tableName() + ": name, type and order of every column").isEqualTo(sql);
        }
    }

    @Test
    void tableValuedParametersMatchTheirTableTypesColumnByColumn() {
        for (TableType type : TableType.values()) {
            List<String> engine = type.columns().stream().map(SqlScriptsStructureTest::describe).toList();
            List<String> sql = columnsOf("TYPE", type.typeName()).stream().map(SqlScriptsStructureTest::describe)
                    .toList();
            assertThat(engine).as(type.typeName()).isEqualTo(sql);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Permissions and verification

    @Test
    void theRolesMayDoEverythingTheEngineDoes() {
        Script grants = scripts.stream().filter(s -> s.name().equals("095_permissions.sql")).findFirst()
                .orElseThrow();
        Map<String, Set<String>> granted = new HashMap<>();
        Map<String, Set<String>> grantees = new HashMap<>();
        for (Batch batch : grants.batches()) {
            Matcher g = GRANT.matcher(batch.identifiers());
            while (g.find()) {
                String securable = g.group(2).toUpperCase(Locale.ROOT) + "::" + TsqlText.key(g.group(3));
                for (String permission : g.group(1).split(",")) {
                    granted.computeIfAbsent(securable, k -> new TreeSet<>())
                            .add(permission.strip().toUpperCase(Locale.ROOT));
                }
                grantees.computeIfAbsent(securable, k -> new TreeSet<>()).add(g.group(4).toLowerCase(Locale.ROOT));
            }
        }
        // The engine's schema probe must be visible to a login in any one role (metadata follows permissions).
        Set<String> probeRoles = new TreeSet<>();
        for (Procedure probe : SqlServerEngine.SCHEMA_PROBES) {
            probeRoles.addAll(grantees.getOrDefault("OBJECT::" + TsqlText.key(probe.name()), Set.of()));
            assertThat(SqlServerEngine.SCHEMA_PROBE).contains("N'" + probe.name() + "'");
        }
        assertThat(probeRoles).containsAll(List.of("hart_ingest", "hart_api", "hart_admin"));
        List<String> missing = new ArrayList<>();
        for (Procedure p : Procedures.ALL) {
            if (!granted.getOrDefault("OBJECT::" + TsqlText.key(p.name()), Set.of()).contains("EXECUTE")) {
                missing.add("EXECUTE on " + p.name());
            }
        }
        for (TableType t : TableType.values()) {
            if (!granted.getOrDefault("TYPE::" + TsqlText.key(t.typeName()), Set.of()).contains("EXECUTE")) {
                missing.add("EXECUTE on type " + t.typeName());
            }
        }
        for (StagingTable t : StagingTable.values()) {
            if (!granted.getOrDefault("OBJECT::" + TsqlText.key(t.tableName()), Set.of())
                    .containsAll(Set.of("SELECT", "INSERT"))) {
                missing.add("SELECT, INSERT on " + t.tableName() + " (bulk copy)");
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void theVerificationScriptChecksEveryObjectTheEngineNeeds() {
        String verify = scripts.stream().filter(s -> s.name().equals("099_verify.sql")).findFirst().orElseThrow()
                .text();
        List<String> names = new ArrayList<>();
        Procedures.ALL.forEach(p -> names.add(p.name()));
        for (TableType t : TableType.values()) {
            names.add(t.typeName());
        }
        for (StagingTable t : StagingTable.values()) {
            names.add(t.tableName());
        }
        assertThat(names).allSatisfy(n -> assertThat(verify).contains("N'" + n + "'"));
    }
    // ---------------------------------------------------------------------------------------------------------
    // Safety of concurrent and repeated runs (the review of sql/ in issue 14)

    private static String scriptText(String name) {
        return scripts.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().text();
    }

    private static String procedureCode(String name) {
        ProcedureDefinition def = procedures().get(TsqlText.key(name));
        assertThat(def).as(name).isNotNull();
        return TsqlText.code(def.body());
    }

    /** A tenant allowed to update its own row could otherwise move it to another tenant by rewriting TenantId. */
    @Test
    void everyTableBlockedAfterInsertIsBlockedAfterUpdateToo() {
        Matcher blocked = Pattern.compile("ADD\\s+BLOCK\\s+PREDICATE\\s+([\\w.]+)\\(([^)]*)\\)\\s+ON\\s+([\\w.]+)\\s+"
                + "AFTER\\s+INSERT", I).matcher(scriptText("050_security.sql"));
        String security = scriptText("050_security.sql");
        List<String> tables = new ArrayList<>();
        while (blocked.find()) {
            tables.add(blocked.group(3));
            assertThat(security).as(blocked.group(3) + " blocked AFTER UPDATE").containsPattern(Pattern.compile(
                    "ADD\\s+BLOCK\\s+PREDICATE\\s+" + Pattern.quote(blocked.group(1)) + "\\(" + Pattern.quote(blocked.group(2))
                            + "\\)\\s+ON\\s+" + Pattern.quote(blocked.group(3)) + "\\s+AFTER\\s+UPDATE", I));
        }
        assertThat(tables).contains("dbo.AtomOwners", "graph.AtomGraphNodes", "graph.AtomGraphEdges",
                "billing.UsageLedgerAnalytics", "dbo.IngestionJobs", "dbo.AtomEmbeddings");
    }

    /** A failure between the history table and its versioned table must not leave a lone history table behind. */
    @Test
    void versionedTablesAreCreatedWithTheirHistoryInOneTransaction() {
        Pattern versioned = Pattern.compile("\\bSYSTEM_VERSIONING\\s*=\\s*ON\\b", I);
        int seen = 0;
        for (Script script : scripts) {
            for (Batch batch : script.batches()) {
                String code = batch.identifiers();
                Matcher m = versioned.matcher(code);
                if (!m.find() || isCodeBatch(batch)) {
                    continue;
                }
                seen++;
                String where = script.name() + " batch " + batch.number();
                int begin = indexOf(code, "\\bBEGIN\\s+TRAN(SACTION)?\\b");
                int create = indexOf(code, "\\bCREATE\\s+TABLE\\b");
                int commit = indexOf(code, "\\bCOMMIT\\s+TRAN(SACTION)?\\b");
                assertThat(indexOf(code, "\\bSET\\s+XACT_ABORT\\s+ON\\b")).as(where + ": XACT_ABORT").isNotNegative();
                assertThat(begin).as(where + ": BEGIN TRANSACTION before the first CREATE TABLE").isNotNegative()
                        .isLessThan(create);
                assertThat(commit).as(where + ": COMMIT after the versioned table").isGreaterThan(m.start());
            }
        }
        assertThat(seen).as("Atoms and ModelLayers are system-versioned (tensor segments keep their own history)")
                .isEqualTo(2);
    }

    private static int indexOf(String code, String regex) {
        Matcher m = Pattern.compile(regex, I).matcher(code);
        return m.find() ? m.start() : -1;
    }

    /**
     * Versioned rows carry their transaction's begin time: a snapshot named while a weight update is open would see
     * that update AS OF its TakenAt. Writers hold the model's applock shared from before their transaction begins;
     * the snapshot holds it exclusively while it reads the time.
     */
    @Test
    void weightSnapshotsWaitForWeightWritersThroughOneApplock() {
        Pattern shared = Pattern.compile("sp_getapplock\\s+@Resource\\s*=\\s*@weightLock\\s*,\\s*@LockMode\\s*=\\s*"
                + "'Shared'\\s*,\\s*@LockOwner\\s*=\\s*'Session'", I);
        for (Procedure writer : List.of(Procedures.UPDATE_WEIGHTS, Procedures.ROLLBACK_WEIGHTS)) {
            String code = procedureCode(writer.name());
            Matcher lock = shared.matcher(code);
            assertThat(lock.find()).as(writer.name() + " takes the weight lock shared, as a session lock").isTrue();
            assertThat(lock.start()).as(writer.name() + ": before its transaction begins")
                    .isLessThan(indexOf(code, "\\bBEGIN\\s+TRANSACTION\\b"));
            assertThat(code).as(writer.name() + " releases it on commit and on error")
                    .containsPattern(Pattern.compile("COMMIT\\s+TRANSACTION;\\s*EXEC\\s+sys\\.sp_releaseapplock", I))
                    .containsPattern(Pattern.compile("BEGIN\\s+CATCH[\\s\\S]*sp_releaseapplock", I));
        }
        String snapshot = procedureCode(Procedures.CREATE_WEIGHT_SNAPSHOT.name());
        Matcher exclusive = Pattern.compile("sp_getapplock\\s+@Resource\\s*=\\s*@weightLock\\s*,\\s*@LockMode\\s*=\\s*"
                + "'Exclusive'\\s*,\\s*@LockOwner\\s*=\\s*'Session'", I).matcher(snapshot);
        assertThat(exclusive.find()).as("the snapshot takes the weight lock exclusively").isTrue();
        assertThat(exclusive.start()).as("before it reads the time").isLessThan(indexOf(snapshot, "SYSUTCDATETIME"));
        assertThat(snapshot).containsPattern(Pattern.compile("BEGIN\\s+CATCH[\\s\\S]*sp_releaseapplock", I));
    }

    /**
     * A TABLOCK bulk load into a heap holds a bulk-update lock that keeps every non-bulk process out, so one job's load
     * held back other jobs' merges and sweeps: staging is clustered on BatchId, indexed on JobId, never escalates, and
     * is loaded without TABLOCK.
     */
    @Test
    void stagingLetsJobsLoadAndMergeSideBySide() throws Exception {
        String staging = scriptText("030_staging.sql");
        for (String table : List.of("StagingAtoms", "StagingSegments", "StagingCompositions",
                "StagingTensorSegments")) {
            assertThat(staging).as(table)
                    .containsPattern(Pattern.compile("CREATE\\s+CLUSTERED\\s+INDEX\\s+CX_" + table
                            + "_Batch\\s+ON\\s+dbo\\." + table + "\\s*\\(\\s*BatchId\\b", I))
                    .containsPattern(Pattern.compile("CREATE\\s+NONCLUSTERED\\s+INDEX\\s+IX_" + table
                            + "_Job\\s+ON\\s+dbo\\." + table + "\\s*\\(\\s*JobId\\s*\\)", I))
                    .containsPattern(Pattern.compile("ALTER\\s+TABLE\\s+dbo\\." + table
                            + "\\s+SET\\s*\\(\\s*LOCK_ESCALATION\\s*=\\s*DISABLE\\s*\\)", I));
        }
        assertThat(new BulkChunkWriter(SqlServerSettings.DEFAULTS).bulkOptions().isTableLock()).isFalse();
        for (String merge : List.of("dbo.sp_WriteChunk", "dbo.sp_WriteChunkFromTables")) {
            assertThat(procedureCode(merge)).as(merge).doesNotContainPattern(Pattern.compile("\\bTABLOCKX?\\b", I));
        }
    }

    /** With landmarks read outside the transaction a concurrent replacement could leave a stale point behind. */
    @Test
    void anEmbeddingIsProjectedInsideTheTransactionThatStoresIt() {
        String put = procedureCode(Procedures.PUT_EMBEDDING.name());
        assertThat(indexOf(put, "\\bBEGIN\\s+TRANSACTION\\b")).isNotNegative()
                .isLessThan(indexOf(put, "\\bEXEC\\s+dbo\\.sp_ComputeSpatialProjection\\b"));
        assertThat(procedureCode("dbo.sp_ComputeSpatialProjection"))
                .containsPattern(Pattern.compile("FROM\\s+dbo\\.SpatialLandmarks\\s+WITH\\s*\\(\\s*HOLDLOCK\\s*\\)", I));
    }

    /** '+' makes SHORTEST_PATH walk the whole graph before the depth filter; the quantifier bounds the walk. */
    @Test
    void lineageWalksAreBoundedByTheLargestDepthAllowed() {
        String lineage = procedureCode(Procedures.QUERY_LINEAGE.name());
        Matcher walk = Pattern.compile("SHORTEST_PATH\\s*\\((.*?)\\)\\s*\\)", I).matcher(lineage);
        int walks = 0;
        while (walk.find()) {
            walks++;
            assertThat(walk.group(1)).as("walk " + walks).endsWith("{1,32}").doesNotContain("+");
        }
        assertThat(walks).as("downstream and upstream").isEqualTo(2);
    }

    /**
     * Inference records and receipts (027, 079): every table is its tenant's (filter and block predicates), weight
     * versions are visible with their model, receipts have a guard trigger that refuses updates and deletes outside
     * the purge of their model, and no role may update or delete them directly.
     */
    @Test
    void inferenceReceiptsAreTheTenantsAndStayAsWritten() {
        String security = scriptText("050_security.sql");
        String tables = scriptText("027_tables_inference.sql");
        String permissions = scriptText("095_permissions.sql");
        for (String table : List.of("Inferences", "InferenceReceipts", "InferenceInputAtoms", "InferenceReceiptTensors",
                "InferenceEvidence")) {
            for (String predicate : List.of("FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON dbo." + table + ",",
                    "BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo." + table + " AFTER INSERT",
                    "BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo." + table + " AFTER UPDATE")) {
                assertThat(security).as(table).contains(predicate);
            }
            Matcher trigger = Pattern.compile("CREATE\\s+OR\\s+ALTER\\s+TRIGGER\\s+dbo\\.TR_" + table
                    + "_Guard\\s+ON\\s+dbo\\." + table + "\\s+AFTER\\s+UPDATE,\\s*DELETE\\b(.*?)\\bEND;\\s*$",
                    I | Pattern.DOTALL | Pattern.MULTILINE).matcher(tables);
            assertThat(trigger.find()).as(table + " has its guard trigger").isTrue();
            assertThat(trigger.group(1)).as(table + ": refuses, except while its model is purged")
                    .contains("SESSION_CONTEXT(N'hart.PurgeModel')").containsPattern("THROW\\s+50409");
            assertThat(permissions).contains("DENY UPDATE, DELETE ON OBJECT::dbo." + table + " TO hart_ingest, "
                    + "hart_api, hart_admin;");
        }
        assertThat(security).contains("FILTER PREDICATE security.fn_ModelPredicate(ModelId) ON dbo.ModelWeightChanges");
        String purge = procedureCode("dbo.sp_RemoveModelInferences");
        assertThat(purge).as("names the model for the deletes and forgets it, also on error")
                .containsPattern(Pattern.compile("@key\\s*=\\s*N'hart\\.PurgeModel',\\s*@value\\s*=\\s*@ModelId", I))
                .containsPattern(Pattern.compile("BEGIN\\s+CATCH\\s+EXEC\\s+sys\\.sp_set_session_context\\s+@key\\s*=\\s*"
                        + "N'hart\\.PurgeModel',\\s*@value\\s*=\\s*NULL", I));
        String batch = procedureCode(Procedures.RUN_DELETION_BATCH.name());
        assertThat(indexOf(batch, "EXEC\\s+dbo\\.sp_RemoveModelInferences")).as("runs go before their model").isNotNegative()
                .isLessThan(indexOf(batch, "DELETE\\s+FROM\\s+dbo\\.Models\\b"));
        assertThat(procedureCode(Procedures.REQUEST_DELETION.name())).as("the leaving tenant's runs go at once")
                .containsPattern(Pattern.compile("EXEC\\s+dbo\\.sp_RemoveModelInferences\\s+@ModelId\\s*=\\s*@ModelId,\\s*"
                        + "@TenantId\\s*=\\s*@TenantId", I));
    }

    /**
     * Concepts (028, 083): every table is its tenant's and written once (no role updates or deletes), the domains
     * have their spatial index, and a generation, its record, evidence and provenance are one transaction that ends
     * the record SUCCEEDED before it commits.
     */
    @Test
    void conceptGenerationsAreTheTenantsAndWrittenInOneTransaction() {
        String security = scriptText("050_security.sql");
        String permissions = scriptText("095_permissions.sql");
        for (String table : List.of("ConceptGenerations", "Concepts", "AtomConcepts", "ConceptEvolution")) {
            for (String predicate : List.of("FILTER PREDICATE security.fn_TenantPredicate(TenantId) ON dbo." + table + ",",
                    "BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo." + table + " AFTER INSERT",
                    "BLOCK PREDICATE security.fn_TenantPredicate(TenantId) ON dbo." + table + " AFTER UPDATE")) {
                assertThat(security).as(table).contains(predicate);
            }
            assertThat(permissions).contains("DENY UPDATE, DELETE ON OBJECT::dbo." + table + " TO hart_ingest, "
                    + "hart_api, hart_admin;");
        }
        assertThat(scriptText("028_tables_reasoning.sql"))
                .containsPattern(Pattern.compile("CREATE\\s+SPATIAL\\s+INDEX\\s+SIX_Concepts_Domain\\s+ON\\s+"
                        + "dbo\\.Concepts\\s*\\(\\s*Domain\\s*\\)", I));
        for (Procedure p : List.of(Procedures.LIST_CONCEPT_POINTS, Procedures.GET_CONCEPT_GENERATION,
                Procedures.GET_CONCEPT_MEMBERSHIP, Procedures.RECORD_CONCEPT_GENERATION, Procedures.GET_CONCEPTS,
                Procedures.GET_CONCEPT_MEMBERS, Procedures.GET_CONCEPT_NEIGHBOURS, Procedures.GET_CONCEPT_EVOLUTION,
                Procedures.GET_CONCEPT_AT, Procedures.GET_ATOM_CONCEPTS)) {
            assertThat(permissions).contains("GRANT EXECUTE ON OBJECT::" + p.name() + " TO hart_api;");
        }
        String record = procedureCode(Procedures.RECORD_CONCEPT_GENERATION.name());
        int begin = indexOf(record, "\\bBEGIN\\s+TRANSACTION\\b");
        int commit = indexOf(record, "\\bCOMMIT\\s+TRANSACTION\\b");
        for (String step : List.of("INSERT\\s+INTO\\s+dbo\\.Inferences\\b", "INSERT\\s+INTO\\s+dbo\\.ConceptGenerations\\b",
                "INSERT\\s+INTO\\s+dbo\\.Concepts\\b", "INSERT\\s+INTO\\s+dbo\\.AtomConcepts\\b",
                "INSERT\\s+INTO\\s+dbo\\.ConceptEvolution\\b", "INSERT\\s+INTO\\s+dbo\\.InferenceEvidence\\b",
                "EXEC\\s+graph\\.sp_PutNode\\b", "SET\\s+Status\\s*=\\s*'SUCCEEDED'")) {
            assertThat(indexOf(record, step)).as(step).isGreaterThan(begin).isLessThan(commit);
        }
        assertThat(record).as("the last generation is read under lock")
                .containsPattern(Pattern.compile("FROM\\s+dbo\\.ConceptGenerations\\s+WITH\\s*\\(\\s*UPDLOCK,\\s*HOLDLOCK", I));
    }

    /** A weight version is the begin time SQL Server stamps on the changed rows, written before the commit. */
    @Test
    void weightWritersAppendTheirVersionInsideTheirTransaction() {
        for (Procedure writer : List.of(Procedures.UPDATE_WEIGHTS, Procedures.ROLLBACK_WEIGHTS)) {
            String code = procedureCode(writer.name());
            // The version is @Now, the ValidFrom the procedure gives the segment versions it writes.
            int append = indexOf(code, "INSERT\\s+INTO\\s+dbo\\.ModelWeightChanges\\s*\\(\\s*ModelId,\\s*ChangedAt\\s*\\)"
                    + "\\s*VALUES\\s*\\(\\s*@ModelId,\\s*@Now\\s*\\)");
            assertThat(code).as(writer.name() + " writes its versions at @Now")
                    .containsPattern(Pattern.compile("ValidFrom\\s*=\\s*@Now", I));
            assertThat(append).as(writer.name() + " appends the time of the versions it wrote").isNotNegative()
                    .isGreaterThan(indexOf(code, "\\bBEGIN\\s+TRANSACTION\\b"))
                    .isLessThan(indexOf(code, "\\bCOMMIT\\s+TRANSACTION\\b"));
        }
        assertThat(procedureCode(Procedures.GET_WEIGHT_VERSION.name()))
                .containsPattern(Pattern.compile("MAX\\(ChangedAt\\)\\s+FROM\\s+dbo\\.ModelWeightChanges\\s+WHERE\\s+"
                        + "ModelId\\s*=\\s*@ModelId\\s+AND\\s+ChangedAt\\s*<=\\s*@At", I));
    }

    /** The opt-in ANN script: its refresh resets the INT IDENTITY and the roles may call its procedures. */
    @Test
    void theOptionalVectorIndexTruncatesItsCopyAndGrantsItsProcedures() {
        String ann = scriptText("optional/diskann_vector_index.sql");
        String code = TsqlText.identifiers(ann);
        assertThat(code).containsPattern(Pattern.compile("\\bTRUNCATE\\s+TABLE\\s+dbo\\.AtomEmbeddingsAnn\\b", I))
                .doesNotContainPattern(Pattern.compile("\\bDELETE\\s+FROM\\s+dbo\\.AtomEmbeddingsAnn\\b", I));
        assertThat(ann).contains("GRANT EXECUTE ON OBJECT::dbo.sp_ApproximateVectorSearch TO hart_api;",
                "GRANT EXECUTE ON OBJECT::dbo.sp_RebuildVectorIndex TO hart_admin;");
    }
}
