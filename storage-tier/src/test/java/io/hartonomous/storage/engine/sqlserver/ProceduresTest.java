package io.hartonomous.storage.engine.sqlserver;

import microsoft.sql.Vector;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The exact statement the engine sends for every procedure, and how parameters reach their slots. */
class ProceduresTest {

    /** Every statement, spelled out: a changed parameter list or order must show up here. */
    private static final Map<Procedure, String> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put(Procedures.START_INGESTION_JOB, "EXEC dbo.sp_StartIngestionJob @Modality = ?, @Name = ?, "
                + "@ContentHash = ?, @BytesTotal = ?, @Metadata = ?, @SourcePath = ?, @ChildIndex = ?");
        EXPECTED.put(Procedures.GET_INGESTION_JOB, "EXEC dbo.sp_GetIngestionJob @JobId = ?");
        EXPECTED.put(Procedures.REGISTER_MODEL, "EXEC dbo.sp_RegisterModel @JobId = ?, @Name = ?, @Format = ?, "
                + "@Metadata = ?, @Layers = ?, @Structure = ?");
        EXPECTED.put(Procedures.WRITE_CHUNK, "EXEC dbo.sp_WriteChunk @JobId = ?, @ChunkIndex = ?, @BatchId = ?, "
                + "@BytesDone = ?");
        EXPECTED.put(Procedures.WRITE_CHUNK_FROM_TABLES, "EXEC dbo.sp_WriteChunkFromTables @JobId = ?, "
                + "@ChunkIndex = ?, @BytesDone = ?, @Atoms = ?, @Segments = ?, @Compositions = ?, @TensorSegments = ?");
        EXPECTED.put(Procedures.GET_TENSOR_GRIDS, "EXEC dbo.sp_GetTensorGrids @JobId = ?, @FromLayer = ?, "
                + "@ToLayer = ?");
        EXPECTED.put(Procedures.COMPLETE_INGESTION_JOB, "EXEC dbo.sp_CompleteIngestionJob @JobId = ?, @Metadata = ?");
        EXPECTED.put(Procedures.FAIL_INGESTION_JOB, "EXEC dbo.sp_FailIngestionJob @JobId = ?, @Error = ?");
        EXPECTED.put(Procedures.GET_ATOM, "EXEC dbo.sp_GetAtom @AtomId = ?");
        EXPECTED.put(Procedures.GET_ATOM_BY_HASH, "EXEC dbo.sp_GetAtomByHash @ContentHash = ?");
        EXPECTED.put(Procedures.GET_COMPOSITION_WINDOW, "EXEC dbo.sp_GetCompositionWindow @ParentAtomId = ?, "
                + "@FromSequence = ?, @Limit = ?");
        EXPECTED.put(Procedures.GET_COMPOSITION_COUNT, "EXEC dbo.sp_GetCompositionCount @ParentAtomId = ?");
        EXPECTED.put(Procedures.LIST_MODELS, "EXEC dbo.sp_ListModels");
        EXPECTED.put(Procedures.GET_MODEL, "EXEC dbo.sp_GetModel @ModelId = ?");
        EXPECTED.put(Procedures.GET_MODEL_LAYERS, "EXEC dbo.sp_GetModelLayers @ModelId = ?");
        EXPECTED.put(Procedures.GET_MODEL_STRUCTURE, "EXEC dbo.sp_GetModelStructure @ModelId = ?");
        EXPECTED.put(Procedures.GET_TENSOR_AS_OF, "EXEC dbo.sp_GetTensorAsOf @ModelId = ?, @LayerIdx = ?, @AsOf = ?");
        EXPECTED.put(Procedures.GET_TENSOR_WINDOW, "EXEC dbo.sp_GetTensorWindow @ModelId = ?, @LayerIdx = ?, "
                + "@FromIndex = ?, @Limit = ?, @AsOf = ?");
        EXPECTED.put(Procedures.UPDATE_WEIGHTS, "EXEC dbo.sp_UpdateWeights @ModelId = ?, @LayerIdx = ?, "
                + "@Updates = ?");
        EXPECTED.put(Procedures.ROLLBACK_WEIGHTS, "EXEC dbo.sp_RollbackWeightsToTimestamp @ModelId = ?, @To = ?, "
                + "@DryRun = ?");
        EXPECTED.put(Procedures.CREATE_WEIGHT_SNAPSHOT, "EXEC dbo.sp_CreateWeightSnapshot @ModelId = ?, @Name = ?");
        EXPECTED.put(Procedures.LIST_WEIGHT_SNAPSHOTS, "EXEC dbo.sp_ListWeightSnapshots @ModelId = ?");
        EXPECTED.put(Procedures.ENSURE_SPATIAL_LANDMARKS, "EXEC dbo.sp_EnsureSpatialLandmarks @EmbeddingType = ?, "
                + "@Landmark = ?");
        EXPECTED.put(Procedures.GET_SPATIAL_LANDMARK_SAMPLE, "EXEC dbo.sp_GetSpatialLandmarkSample "
                + "@EmbeddingType = ?, @Top = ?");
        EXPECTED.put(Procedures.REPLACE_SPATIAL_LANDMARKS, "EXEC dbo.sp_ReplaceSpatialLandmarks "
                + "@EmbeddingType = ?, @Landmarks = ?");
        EXPECTED.put(Procedures.PUT_EMBEDDING, "EXEC dbo.sp_PutEmbedding @AtomId = ?, @EmbeddingType = ?, "
                + "@Dimension = ?, @Vector = ?, @BuiltIn = ?");
        EXPECTED.put(Procedures.GET_EMBEDDINGS, "EXEC dbo.sp_GetEmbeddings @AtomId = ?");
        EXPECTED.put(Procedures.EXACT_VECTOR_SEARCH, "EXEC dbo.sp_ExactVectorSearch @Vector = ?, @K = ?, "
                + "@Metric = ?, @EmbeddingType = ?, @Modality = ?, @Subtype = ?, @CreatedFrom = ?, @CreatedTo = ?");
        EXPECTED.put(Procedures.HYBRID_SEARCH, "EXEC dbo.sp_HybridSearch @Vector = ?, @K = ?, @Metric = ?, "
                + "@EmbeddingType = ?, @Modality = ?, @Subtype = ?, @CreatedFrom = ?, @CreatedTo = ?, "
                + "@Candidates = ?");
        EXPECTED.put(Procedures.ENSURE_NODE, "EXEC graph.sp_EnsureNode @NodeKind = ?, @RefId = ?, @Label = ?");
        EXPECTED.put(Procedures.ENSURE_EDGE, "EXEC graph.sp_EnsureEdge @FromNodeId = ?, @ToNodeId = ?, "
                + "@Relation = ?");
        EXPECTED.put(Procedures.QUERY_LINEAGE, "EXEC graph.sp_QueryLineage @NodeKind = ?, @RefId = ?, "
                + "@MaxDepth = ?, @Direction = ?");
        EXPECTED.put(Procedures.RECEIVE_PROVENANCE_SYNC, "EXEC provenance.sp_ReceiveProvenanceSync @MaxMessages = ?, "
                + "@TimeoutMilliseconds = ?");
        EXPECTED.put(Procedures.ENQUEUE_MESSAGE, "EXEC ops.sp_EnqueueMessage @QueueName = ?, @Body = ?");
        EXPECTED.put(Procedures.RECEIVE_MESSAGES, "EXEC ops.sp_ReceiveMessages @QueueName = ?, @MaxMessages = ?, "
                + "@LeaseMilliseconds = ?");
        EXPECTED.put(Procedures.COMPLETE_MESSAGE, "EXEC ops.sp_CompleteMessage @MessageId = ?, @LeaseToken = ?");
        EXPECTED.put(Procedures.ABANDON_MESSAGE, "EXEC ops.sp_AbandonMessage @MessageId = ?, @LeaseToken = ?, "
                + "@Error = ?");
        EXPECTED.put(Procedures.QUEUE_DEPTH, "EXEC ops.sp_QueueDepth @QueueName = ?");
        EXPECTED.put(Procedures.CREATE_API_KEY, "EXEC dbo.sp_CreateApiKey @TenantId = ?, @Name = ?, @KeyHash = ?, "
                + "@Scopes = ?, @RateLimitPerMinute = ?, @ExpiresAt = ?");
        EXPECTED.put(Procedures.FIND_API_KEY_BY_HASH, "EXEC dbo.sp_FindApiKeyByHash @KeyHash = ?");
        EXPECTED.put(Procedures.REVOKE_API_KEY, "EXEC dbo.sp_RevokeApiKey @KeyId = ?");
        EXPECTED.put(Procedures.LIST_API_KEYS, "EXEC dbo.sp_ListApiKeys");
        EXPECTED.put(Procedures.RECORD_USAGE, "EXEC billing.sp_RecordUsage @Operation = ?, @Units = ?, @Cost = ?, "
                + "@BaseRate = ?, @UnitName = ?, @Multipliers = ?, @PlanName = ?, @Currency = ?");
        EXPECTED.put(Procedures.GET_USAGE_STATEMENT, "EXEC billing.sp_GetUsageStatement @From = ?, @To = ?");
        EXPECTED.put(Procedures.GET_RATE_PLANS, "EXEC billing.sp_GetRatePlans @PlanName = ?, @Operation = ?");
        EXPECTED.put(Procedures.GET_TENANT_RATE_PLAN, "EXEC billing.sp_GetTenantRatePlan @Operation = ?");
        EXPECTED.put(Procedures.PUT_RATE_PLAN, "EXEC billing.sp_PutRatePlan @PlanName = ?, @Currency = ?");
        EXPECTED.put(Procedures.PUT_OPERATION_RATE, "EXEC billing.sp_PutOperationRate @PlanName = ?, @Operation = ?, "
                + "@BaseRate = ?, @UnitName = ?");
        EXPECTED.put(Procedures.PUT_MULTIPLIER, "EXEC billing.sp_PutMultiplier @PlanName = ?, @MultiplierId = ?, "
                + "@Kind = ?, @Criteria = ?, @Factor = ?");
        EXPECTED.put(Procedures.REMOVE_OPERATION_RATE,
                "EXEC billing.sp_RemoveOperationRate @PlanName = ?, @Operation = ?");
        EXPECTED.put(Procedures.REMOVE_MULTIPLIER, "EXEC billing.sp_RemoveMultiplier @PlanName = ?, @MultiplierId = ?");
        EXPECTED.put(Procedures.ASSIGN_RATE_PLAN, "EXEC billing.sp_AssignRatePlan @TenantId = ?, @PlanName = ?");
        EXPECTED.put(Procedures.GET_ASSIGNED_RATE_PLAN, "EXEC billing.sp_GetAssignedRatePlan @TenantId = ?");
        EXPECTED.put(Procedures.GET_USAGE, "EXEC billing.sp_GetUsage @From = ?, @To = ?, @GroupBy = ?");
        EXPECTED.put(Procedures.UNFINISHED_JOBS, "EXEC ops.sp_UnfinishedJobs");
        EXPECTED.put(Procedures.ROW_COUNTS, "EXEC ops.sp_RowCounts");
        EXPECTED.put(Procedures.REQUEST_DELETION, "EXEC dbo.sp_RequestDeletion @TenantId = ?, @FileAtomId = ?, "
                + "@Erase = ?");
        EXPECTED.put(Procedures.GET_DELETION_JOB, "EXEC dbo.sp_GetDeletionJob @JobId = ?");
        EXPECTED.put(Procedures.RUN_DELETION_BATCH, "EXEC dbo.sp_RunDeletionBatch @JobId = ?, @MaxRows = ?");
        EXPECTED.put(Procedures.UNFINISHED_DELETIONS, "EXEC dbo.sp_UnfinishedDeletions");
        EXPECTED.put(Procedures.BEGIN_INFERENCE, "EXEC dbo.sp_BeginInference @ModelId = ?, @Operation = ?, "
                + "@AsOf = ?, @Units = ?, @ModelAtomId = ?, @WeightVersion = ?, @InputSha256 = ?, @InputAtoms = ?, "
                + "@Tensors = ?, @ParentInferenceId = ?");
        EXPECTED.put(Procedures.END_INFERENCE, "EXEC dbo.sp_EndInference @InferenceId = ?, @Status = ?, "
                + "@DurationMs = ?, @OutputSummary = ?, @Error = ?, @ProducedAtoms = ?");
        EXPECTED.put(Procedures.GET_INFERENCE, "EXEC dbo.sp_GetInference @InferenceId = ?");
        EXPECTED.put(Procedures.LIST_INFERENCES, "EXEC dbo.sp_ListInferences @ModelId = ?, @Since = ?, @Limit = ?");
        EXPECTED.put(Procedures.GET_WEIGHT_VERSION, "EXEC dbo.sp_GetWeightVersion @ModelId = ?, @AsOf = ?");
        EXPECTED.put(Procedures.BEGIN_REASONING, "EXEC dbo.sp_BeginReasoning @Operation = ?, "
                + "@ParentInferenceId = ?, @Units = ?, @InputAtoms = ?, @Evidence = ?");
        EXPECTED.put(Procedures.GET_INFERENCE_EVIDENCE, "EXEC dbo.sp_GetInferenceEvidence @InferenceId = ?");
        EXPECTED.put(Procedures.LIST_INFERENCE_CHILDREN, "EXEC dbo.sp_ListInferenceChildren @InferenceId = ?");
        EXPECTED.put(Procedures.LIST_CONCEPT_POINTS, "EXEC dbo.sp_ListConceptPoints @EmbeddingType = ?");
        EXPECTED.put(Procedures.GET_CONCEPT_GENERATION, "EXEC dbo.sp_GetConceptGeneration @EmbeddingType = ?, "
                + "@AsOf = ?, @GenerationId = ?");
        EXPECTED.put(Procedures.GET_CONCEPT_MEMBERSHIP, "EXEC dbo.sp_GetConceptMembership @GenerationId = ?");
        EXPECTED.put(Procedures.RECORD_CONCEPT_GENERATION, "EXEC dbo.sp_RecordConceptGeneration "
                + "@EmbeddingType = ?, @Metric = ?, @Eps = ?, @MinPts = ?, @Points = ?, @PreviousGeneration = ?, "
                + "@DurationMs = ?, @Summary = ?, @Concepts = ?, @Noise = ?, @Evolution = ?");
        EXPECTED.put(Procedures.GET_CONCEPTS, "EXEC dbo.sp_GetConcepts @GenerationId = ?, @ConceptId = ?");
        EXPECTED.put(Procedures.GET_CONCEPT_MEMBERS, "EXEC dbo.sp_GetConceptMembers @ConceptId = ?");
        EXPECTED.put(Procedures.GET_CONCEPT_NEIGHBOURS, "EXEC dbo.sp_GetConceptNeighbours @ConceptId = ?");
        EXPECTED.put(Procedures.GET_CONCEPT_EVOLUTION, "EXEC dbo.sp_GetConceptEvolution @GenerationId = ?");
        EXPECTED.put(Procedures.GET_CONCEPT_AT, "EXEC dbo.sp_GetConceptAt @EmbeddingType = ?, @X = ?, @Y = ?, "
                + "@AsOf = ?");
        EXPECTED.put(Procedures.GET_ATOM_CONCEPTS, "EXEC dbo.sp_GetAtomConcepts @AtomId = ?, @AsOf = ?");
        EXPECTED.put(Procedures.GENERATE_OPTIMAL_PATH, "EXEC dbo.sp_GenerateOptimalPath @FromAtomId = ?, "
                + "@ToAtomId = ?, @EmbeddingType = ?, @K = ?, @Metric = ?, @MaxExpanded = ?, @Heuristic = ?");
        EXPECTED.put(Procedures.GENERATE_WITH_ATTENTION, "EXEC dbo.sp_GenerateWithAttention @Context = ?, "
                + "@ContextAtomId = ?, @EmbeddingType = ?, @Steps = ?, @K = ?, @Temperature = ?, @Seed = ?, "
                + "@Metric = ?");
        EXPECTED.put(Procedures.OODA_STATUS, "EXEC ops.sp_OodaStatus");
        EXPECTED.put(Procedures.OODA_RUN_CYCLE, "EXEC ops.sp_OodaRunCycle");
        EXPECTED.put(Procedures.OODA_LIST_CYCLES, "EXEC ops.sp_OodaListCycles @Limit = ?, @CycleId = ?");
        EXPECTED.put(Procedures.OODA_LIST_OBSERVATIONS, "EXEC ops.sp_OodaListObservations @Limit = ?, @CycleId = ?");
        EXPECTED.put(Procedures.OODA_LIST_PROPOSALS, "EXEC ops.sp_OodaListProposals @Limit = ?, @CycleId = ?");
        EXPECTED.put(Procedures.OODA_DECIDE, "EXEC ops.sp_OodaDecide @ProposalId = ?, @Approve = ?, @DecidedBy = ?");
        EXPECTED.put(Procedures.OODA_ACT, "EXEC ops.sp_OodaAct @CycleId = ?");
        EXPECTED.put(Procedures.OODA_CLAIM_REBUILD, "EXEC ops.sp_OodaClaimRebuild");
        EXPECTED.put(Procedures.OODA_FINISH_REBUILD, "EXEC ops.sp_OodaFinishRebuild @ProposalId = ?, @Done = ?, "
                + "@Error = ?");
        EXPECTED.put(Procedures.OODA_SET_RUNNING, "EXEC ops.sp_OodaSetRunning @Running = ?");
        EXPECTED.put(Procedures.OODA_CONFIGURE, "EXEC ops.sp_OodaConfigure @DryRun = ?, @RequireApproval = ?, "
                + "@MaxChangesPerCycle = ?, @HistoryRetentionSeconds = ?");
        EXPECTED.put(Procedures.GET_MAX_DELIVERIES, "EXEC ops.sp_GetMaxDeliveries @QueueName = ?");
        EXPECTED.put(Procedures.SET_MAX_DELIVERIES, "EXEC ops.sp_SetMaxDeliveries @QueueName = ?, @MaxDeliveries = ?");
        EXPECTED.put(Procedures.QUEUE_STATS, "EXEC ops.sp_QueueStats");
        EXPECTED.put(Procedures.LIST_DEAD_LETTERS, "EXEC ops.sp_ListDeadLetters @QueueName = ?, @Limit = ?");
        EXPECTED.put(Procedures.GET_DEAD_LETTER, "EXEC ops.sp_GetDeadLetter @DeadLetterId = ?");
        EXPECTED.put(Procedures.RETRY_DEAD_LETTER, "EXEC ops.sp_RetryDeadLetter @DeadLetterId = ?");
        EXPECTED.put(Procedures.DISCARD_DEAD_LETTER, "EXEC ops.sp_DiscardDeadLetter @DeadLetterId = ?");
        EXPECTED.put(Procedures.RECORD_SYNC_FAILURE, "EXEC provenance.sp_RecordSyncFailure @Handles = ?, @Error = ?");
    }

    @Test
    void everyProcedureHasItsExactStatementText() {
        assertThat(Procedures.ALL).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
        for (Map.Entry<Procedure, String> e : EXPECTED.entrySet()) {
            assertThat(e.getKey().sql()).as(e.getKey().name()).isEqualTo(e.getValue());
        }
    }

    @Test
    void allListsEveryProcedureConstantOnce() throws IllegalAccessException {
        List<Procedure> declared = new ArrayList<>();
        for (Field f : Procedures.class.getDeclaredFields()) {
            if (f.getType() == Procedure.class && Modifier.isStatic(f.getModifiers())) {
                declared.add((Procedure) f.get(null));
            }
        }
        assertThat(Procedures.ALL).containsExactlyInAnyOrderElementsOf(declared).doesNotHaveDuplicates();
        assertThat(Procedures.ALL.stream().map(Procedure::name)).doesNotHaveDuplicates();
    }

    @Test
    void tableValuedParametersNameTheirTableTypes() {
        assertThat(Procedures.WRITE_CHUNK_FROM_TABLES.tables()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Atoms", TableType.ATOM_CHUNK, "Segments", TableType.SEGMENT_CHUNK,
                "Compositions", TableType.COMPOSITION_CHUNK, "TensorSegments", TableType.TENSOR_SEGMENT_CHUNK));
        assertThat(Procedures.REGISTER_MODEL.tables()).containsExactly(Map.entry("Layers", TableType.MODEL_LAYER));
        assertThat(Procedures.UPDATE_WEIGHTS.tables()).containsExactly(Map.entry("Updates", TableType.WEIGHT_UPDATE));
        assertThat(TableType.ATOM_CHUNK.typeName()).isEqualTo("dbo.AtomChunkType");
    }

    @Test
    void parametersMapToTheirOneBasedSlotsAndUnknownOnesAreRefused() {
        Procedure p = Procedures.WRITE_CHUNK;
        assertThat(p.index("JobId")).isEqualTo(1);
        assertThat(p.index("ChunkIndex")).isEqualTo(2);
        assertThat(p.index("BatchId")).isEqualTo(3);
        assertThat(p.index("BytesDone")).isEqualTo(4);
        assertThatThrownBy(() -> p.index("jobId")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dbo.sp_WriteChunk has no parameter @jobId");
        assertThatThrownBy(() -> Procedure.of("sp_NoSchema")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Procedure.of("dbo.sp_X", "A", "A")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Procedure.of("dbo.sp_X", "@A")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Procedure.of("dbo.sp_X", "A").withTable("B", TableType.ATOM_CHUNK))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static PreparedStatement recorded(RecordingJdbc jdbc, Procedure p) throws Exception {
        return jdbc.dataSource().getConnection().prepareStatement(p.sql());
    }

    @Test
    void callsBindByNameIntoTheProcedureSlots() throws Exception {
        RecordingJdbc jdbc = new RecordingJdbc();
        UUID batch = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
        try (ProcedureCall call = new ProcedureCall(Procedures.WRITE_CHUNK, recorded(jdbc, Procedures.WRITE_CHUNK))) {
            // Set out of order on purpose: the slots come from the names.
            call.setLong("BytesDone", 99).setGuid("BatchId", batch).setInt("ChunkIndex", 3).setLong("JobId", 7);
            call.execute();
        }
        RecordingJdbc.Statement s = jdbc.statements.getFirst();
        assertThat(s.sql).isEqualTo("EXEC dbo.sp_WriteChunk @JobId = ?, @ChunkIndex = ?, @BatchId = ?, @BytesDone = ?");
        assertThat(s.values()).containsExactly(7L, 3, batch.toString(), 99L);
    }

    @Test
    void nullsAreTypedTimesAreUtcAndVectorsArePadded() throws Exception {
        RecordingJdbc jdbc = new RecordingJdbc();
        Procedure p = Procedures.EXACT_VECTOR_SEARCH;
        Instant from = Instant.parse("2026-03-01T10:15:30.123456789Z");
        try (ProcedureCall call = new ProcedureCall(p, recorded(jdbc, p))) {
            call.setVector("Vector", new float[] {1.5f, -2f}).setInt("K", 5).setString("Metric", "cosine")
                    .setString("EmbeddingType", null).setString("Modality", "image").setString("Subtype", null)
                    .setInstant("CreatedFrom", from).setInstant("CreatedTo", null);
            call.execute();
        }
        RecordingJdbc.Statement s = jdbc.statements.getFirst();
        Vector vector = (Vector) s.parameters.get(1);
        assertThat(vector.getDimensionCount()).isEqualTo(1998);
        assertThat(vector.getVectorDimensionType()).isEqualTo(Vector.VectorDimensionType.FLOAT32);
        assertThat(vector.getData()[0]).isEqualTo(1.5f);
        assertThat(vector.getData()[1]).isEqualTo(-2f);
        assertThat(vector.getData()[1997]).isEqualTo(0f);
        assertThat(s.setters.getFirst()).isEqualTo("setObject");
        assertThat(s.parameters.get(2)).isEqualTo(5);
        assertThat(s.parameters.get(4)).isEqualTo(new RecordingJdbc.Null(Types.NVARCHAR));
        assertThat(s.parameters.get(7)).isEqualTo(LocalDateTime.parse("2026-03-01T10:15:30.123456789"));
        assertThat(s.parameters.get(8)).isEqualTo(new RecordingJdbc.Null(Types.TIMESTAMP));
    }

    @Test
    void aJobsChildIndexIsAnIntAndAWholeFileSendsATypedNull() throws Exception {
        RecordingJdbc jdbc = new RecordingJdbc();
        Procedure p = Procedures.START_INGESTION_JOB;
        for (Integer child : new Integer[] {2, null}) {
            try (ProcedureCall call = new ProcedureCall(p, recorded(jdbc, p))) {
                call.setString("Modality", "image").setString("Name", "a.gif").setBytes("ContentHash", new byte[32])
                        .setLong("BytesTotal", 10).setString("Metadata", "{}").setString("SourcePath", "/spool/a")
                        .setIntOrNull("ChildIndex", child);
                call.execute();
            }
        }
        assertThat(jdbc.statements.get(0).parameters.get(7)).isEqualTo(2);
        assertThat(jdbc.statements.get(1).parameters.get(7)).isEqualTo(new RecordingJdbc.Null(Types.INTEGER));
    }

    @Test
    void aCallWithAnUnsetParameterIsRefusedBeforeItRuns() throws Exception {
        RecordingJdbc jdbc = new RecordingJdbc();
        Procedure p = Procedures.COMPLETE_MESSAGE;
        try (ProcedureCall call = new ProcedureCall(p, recorded(jdbc, p))) {
            call.setLong("MessageId", 1);
            assertThatThrownBy(call::execute).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("@LeaseToken was not set");
            assertThatThrownBy(() -> call.setTable("LeaseToken", ChunkRows.layers(List.of())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not table-valued");
        }
        Procedure tvp = Procedures.UPDATE_WEIGHTS;
        try (ProcedureCall call = new ProcedureCall(tvp, recorded(jdbc, tvp))) {
            assertThatThrownBy(() -> call.setString("Updates", "x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("table-valued");
            assertThatThrownBy(() -> call.setTable("Updates", ChunkRows.layers(List.of())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dbo.WeightUpdateType");
        }
        assertThat(jdbc.executions).as("nothing ran").isZero();
    }

    @Test
    void theTenantStatementIsTheDocumentedSessionContextCall() {
        assertThat(Session.SET_TENANT).isEqualTo("EXEC sys.sp_set_session_context @key = N'TenantId', @value = ?");
    }
}
