package io.hartonomous.storage.engine.sqlserver;

import java.util.List;

/**
 * Every procedure of sql/ the engine calls, with the parameters it passes. One place, so the structural test can
 * check the whole list against sql/ and the unit tests can pin each statement's text.
 */
final class Procedures {
    // Ingest (070)
    static final Procedure START_INGESTION_JOB = Procedure.of("dbo.sp_StartIngestionJob",
            "Modality", "Name", "ContentHash", "BytesTotal", "Metadata", "SourcePath", "ChildIndex");
    static final Procedure GET_INGESTION_JOB = Procedure.of("dbo.sp_GetIngestionJob", "JobId");
    static final Procedure REGISTER_MODEL = Procedure.of("dbo.sp_RegisterModel",
            "JobId", "Name", "Format", "Metadata", "Layers", "Structure").withTable("Layers", TableType.MODEL_LAYER);
    static final Procedure WRITE_CHUNK = Procedure.of("dbo.sp_WriteChunk", "JobId", "ChunkIndex", "BatchId",
            "BytesDone");
    static final Procedure WRITE_CHUNK_FROM_TABLES = Procedure.of("dbo.sp_WriteChunkFromTables",
                    "JobId", "ChunkIndex", "BytesDone", "Atoms", "Segments", "Compositions", "TensorSegments")
            .withTable("Atoms", TableType.ATOM_CHUNK)
            .withTable("Segments", TableType.SEGMENT_CHUNK)
            .withTable("Compositions", TableType.COMPOSITION_CHUNK)
            .withTable("TensorSegments", TableType.TENSOR_SEGMENT_CHUNK);
    static final Procedure GET_TENSOR_GRIDS = Procedure.of("dbo.sp_GetTensorGrids", "JobId", "FromLayer", "ToLayer");
    static final Procedure COMPLETE_INGESTION_JOB = Procedure.of("dbo.sp_CompleteIngestionJob", "JobId", "Metadata");
    static final Procedure FAIL_INGESTION_JOB = Procedure.of("dbo.sp_FailIngestionJob", "JobId", "Error");

    // Atoms (071)
    static final Procedure GET_ATOM = Procedure.of("dbo.sp_GetAtom", "AtomId");
    static final Procedure GET_ATOM_BY_HASH = Procedure.of("dbo.sp_GetAtomByHash", "ContentHash");
    static final Procedure GET_COMPOSITION_WINDOW = Procedure.of("dbo.sp_GetCompositionWindow",
            "ParentAtomId", "FromSequence", "Limit");
    static final Procedure GET_COMPOSITION_COUNT = Procedure.of("dbo.sp_GetCompositionCount", "ParentAtomId");

    // Models (072)
    static final Procedure LIST_MODELS = Procedure.of("dbo.sp_ListModels");
    static final Procedure GET_MODEL = Procedure.of("dbo.sp_GetModel", "ModelId");
    static final Procedure GET_MODEL_LAYERS = Procedure.of("dbo.sp_GetModelLayers", "ModelId");
    static final Procedure GET_MODEL_STRUCTURE = Procedure.of("dbo.sp_GetModelStructure", "ModelId");
    static final Procedure GET_TENSOR_AS_OF = Procedure.of("dbo.sp_GetTensorAsOf", "ModelId", "LayerIdx", "AsOf");
    static final Procedure GET_TENSOR_WINDOW = Procedure.of("dbo.sp_GetTensorWindow",
            "ModelId", "LayerIdx", "FromIndex", "Limit", "AsOf");
    static final Procedure UPDATE_WEIGHTS = Procedure.of("dbo.sp_UpdateWeights", "ModelId", "LayerIdx", "Updates")
            .withTable("Updates", TableType.WEIGHT_UPDATE);
    static final Procedure ROLLBACK_WEIGHTS = Procedure.of("dbo.sp_RollbackWeightsToTimestamp",
            "ModelId", "To", "DryRun");
    static final Procedure CREATE_WEIGHT_SNAPSHOT = Procedure.of("dbo.sp_CreateWeightSnapshot", "ModelId", "Name");
    static final Procedure LIST_WEIGHT_SNAPSHOTS = Procedure.of("dbo.sp_ListWeightSnapshots", "ModelId");

    // Vectors (073)
    static final Procedure ENSURE_SPATIAL_LANDMARKS = Procedure.of("dbo.sp_EnsureSpatialLandmarks",
            "EmbeddingType", "Landmark");
    static final Procedure GET_SPATIAL_LANDMARK_SAMPLE = Procedure.of("dbo.sp_GetSpatialLandmarkSample",
            "EmbeddingType", "Top");
    static final Procedure REPLACE_SPATIAL_LANDMARKS = Procedure.of("dbo.sp_ReplaceSpatialLandmarks",
            "EmbeddingType", "Landmarks");
    static final Procedure PUT_EMBEDDING = Procedure.of("dbo.sp_PutEmbedding",
            "AtomId", "EmbeddingType", "Dimension", "Vector", "BuiltIn");
    static final Procedure GET_EMBEDDINGS = Procedure.of("dbo.sp_GetEmbeddings", "AtomId");
    static final Procedure EXACT_VECTOR_SEARCH = Procedure.of("dbo.sp_ExactVectorSearch",
            "Vector", "K", "Metric", "EmbeddingType", "Modality", "Subtype", "CreatedFrom", "CreatedTo");
    static final Procedure HYBRID_SEARCH = Procedure.of("dbo.sp_HybridSearch",
            "Vector", "K", "Metric", "EmbeddingType", "Modality", "Subtype", "CreatedFrom", "CreatedTo", "Candidates");

    // Graph and its provenance sync (074)
    static final Procedure ENSURE_NODE = Procedure.of("graph.sp_EnsureNode", "NodeKind", "RefId", "Label");
    static final Procedure ENSURE_EDGE = Procedure.of("graph.sp_EnsureEdge", "FromNodeId", "ToNodeId", "Relation");
    static final Procedure QUERY_LINEAGE = Procedure.of("graph.sp_QueryLineage",
            "NodeKind", "RefId", "MaxDepth", "Direction");
    static final Procedure RECEIVE_PROVENANCE_SYNC = Procedure.of("provenance.sp_ReceiveProvenanceSync",
            "MaxMessages", "TimeoutMilliseconds");

    // Queue, API keys, usage, engine-wide views (075)
    static final Procedure ENQUEUE_MESSAGE = Procedure.of("ops.sp_EnqueueMessage", "QueueName", "Body");
    static final Procedure RECEIVE_MESSAGES = Procedure.of("ops.sp_ReceiveMessages",
            "QueueName", "MaxMessages", "LeaseMilliseconds");
    static final Procedure COMPLETE_MESSAGE = Procedure.of("ops.sp_CompleteMessage", "MessageId", "LeaseToken");
    static final Procedure ABANDON_MESSAGE = Procedure.of("ops.sp_AbandonMessage", "MessageId", "LeaseToken", "Error");
    static final Procedure QUEUE_DEPTH = Procedure.of("ops.sp_QueueDepth", "QueueName");
    static final Procedure CREATE_API_KEY = Procedure.of("dbo.sp_CreateApiKey",
            "TenantId", "Name", "KeyHash", "Scopes", "RateLimitPerMinute", "ExpiresAt");
    static final Procedure FIND_API_KEY_BY_HASH = Procedure.of("dbo.sp_FindApiKeyByHash", "KeyHash");
    static final Procedure REVOKE_API_KEY = Procedure.of("dbo.sp_RevokeApiKey", "KeyId");
    static final Procedure LIST_API_KEYS = Procedure.of("dbo.sp_ListApiKeys");
    static final Procedure RECORD_USAGE = Procedure.of("billing.sp_RecordUsage", "Operation", "Units", "Cost",
            "BaseRate", "UnitName", "Multipliers", "PlanName", "Currency");
    static final Procedure GET_USAGE = Procedure.of("billing.sp_GetUsage", "From", "To", "GroupBy");
    static final Procedure GET_USAGE_STATEMENT = Procedure.of("billing.sp_GetUsageStatement", "From", "To");
    static final Procedure GET_RATE_PLANS = Procedure.of("billing.sp_GetRatePlans", "PlanName", "Operation");
    static final Procedure GET_TENANT_RATE_PLAN = Procedure.of("billing.sp_GetTenantRatePlan", "Operation");
    static final Procedure PUT_RATE_PLAN = Procedure.of("billing.sp_PutRatePlan", "PlanName", "Currency");
    static final Procedure PUT_OPERATION_RATE = Procedure.of("billing.sp_PutOperationRate", "PlanName", "Operation",
            "BaseRate", "UnitName");
    static final Procedure PUT_MULTIPLIER = Procedure.of("billing.sp_PutMultiplier", "PlanName", "MultiplierId",
            "Kind", "Criteria", "Factor");
    static final Procedure REMOVE_OPERATION_RATE = Procedure.of("billing.sp_RemoveOperationRate", "PlanName",
            "Operation");
    static final Procedure REMOVE_MULTIPLIER = Procedure.of("billing.sp_RemoveMultiplier", "PlanName",
            "MultiplierId");
    static final Procedure ASSIGN_RATE_PLAN = Procedure.of("billing.sp_AssignRatePlan", "TenantId", "PlanName");
    static final Procedure GET_ASSIGNED_RATE_PLAN = Procedure.of("billing.sp_GetAssignedRatePlan", "TenantId");
    static final Procedure UNFINISHED_JOBS = Procedure.of("ops.sp_UnfinishedJobs");
    static final Procedure ROW_COUNTS = Procedure.of("ops.sp_RowCounts");

    // Deleting files (078)
    static final Procedure REQUEST_DELETION = Procedure.of("dbo.sp_RequestDeletion", "TenantId", "FileAtomId", "Erase");
    static final Procedure GET_DELETION_JOB = Procedure.of("dbo.sp_GetDeletionJob", "JobId");
    static final Procedure RUN_DELETION_BATCH = Procedure.of("dbo.sp_RunDeletionBatch", "JobId", "MaxRows");
    static final Procedure UNFINISHED_DELETIONS = Procedure.of("dbo.sp_UnfinishedDeletions");
    // Inference records and weight versions (079)
    static final Procedure BEGIN_INFERENCE = Procedure.of("dbo.sp_BeginInference", "ModelId", "Operation", "AsOf",
            "Units", "ModelAtomId", "WeightVersion", "InputSha256", "InputAtoms", "Tensors", "ParentInferenceId");
    static final Procedure END_INFERENCE = Procedure.of("dbo.sp_EndInference", "InferenceId", "Status", "DurationMs",
            "OutputSummary", "Error", "ProducedAtoms");
    static final Procedure GET_INFERENCE = Procedure.of("dbo.sp_GetInference", "InferenceId");
    static final Procedure LIST_INFERENCES = Procedure.of("dbo.sp_ListInferences", "ModelId", "Since", "Limit");
    static final Procedure GET_WEIGHT_VERSION = Procedure.of("dbo.sp_GetWeightVersion", "ModelId", "AsOf");
    // Reasoning runs with their evidence (082, issue 13)
    static final Procedure BEGIN_REASONING = Procedure.of("dbo.sp_BeginReasoning", "Operation", "ParentInferenceId",
            "Units", "InputAtoms", "Evidence");
    static final Procedure GET_INFERENCE_EVIDENCE = Procedure.of("dbo.sp_GetInferenceEvidence", "InferenceId");
    static final Procedure LIST_INFERENCE_CHILDREN = Procedure.of("dbo.sp_ListInferenceChildren", "InferenceId");
    // Concepts (083, issue 13)
    static final Procedure LIST_CONCEPT_POINTS = Procedure.of("dbo.sp_ListConceptPoints", "EmbeddingType");
    static final Procedure GET_CONCEPT_GENERATION = Procedure.of("dbo.sp_GetConceptGeneration", "EmbeddingType",
            "AsOf", "GenerationId");
    static final Procedure GET_CONCEPT_MEMBERSHIP = Procedure.of("dbo.sp_GetConceptMembership", "GenerationId");
    static final Procedure RECORD_CONCEPT_GENERATION = Procedure.of("dbo.sp_RecordConceptGeneration",
            "EmbeddingType", "Metric", "Eps", "MinPts", "Points", "PreviousGeneration", "DurationMs", "Summary",
            "Concepts", "Noise", "Evolution");
    static final Procedure GET_CONCEPTS = Procedure.of("dbo.sp_GetConcepts", "GenerationId", "ConceptId");
    static final Procedure GET_CONCEPT_MEMBERS = Procedure.of("dbo.sp_GetConceptMembers", "ConceptId");
    static final Procedure GET_CONCEPT_NEIGHBOURS = Procedure.of("dbo.sp_GetConceptNeighbours", "ConceptId");
    static final Procedure GET_CONCEPT_EVOLUTION = Procedure.of("dbo.sp_GetConceptEvolution", "GenerationId");
    static final Procedure GET_CONCEPT_AT = Procedure.of("dbo.sp_GetConceptAt", "EmbeddingType", "X", "Y", "AsOf");
    static final Procedure GET_ATOM_CONCEPTS = Procedure.of("dbo.sp_GetAtomConcepts", "AtomId", "AsOf");
    // Reasoning over embeddings (083)
    static final Procedure GENERATE_OPTIMAL_PATH = Procedure.of("dbo.sp_GenerateOptimalPath",
            "FromAtomId", "ToAtomId", "EmbeddingType", "K", "Metric", "MaxExpanded", "Heuristic");
    static final Procedure GENERATE_WITH_ATTENTION = Procedure.of("dbo.sp_GenerateWithAttention",
            "Context", "ContextAtomId", "EmbeddingType", "Steps", "K", "Temperature", "Seed", "Metric");
    // The OODA loop as operators drive it (081; the phases themselves are 080)
    static final Procedure OODA_STATUS = Procedure.of("ops.sp_OodaStatus");
    static final Procedure OODA_RUN_CYCLE = Procedure.of("ops.sp_OodaRunCycle");
    static final Procedure OODA_LIST_CYCLES = Procedure.of("ops.sp_OodaListCycles", "Limit", "CycleId");
    static final Procedure OODA_LIST_OBSERVATIONS = Procedure.of("ops.sp_OodaListObservations", "Limit", "CycleId");
    static final Procedure OODA_LIST_PROPOSALS = Procedure.of("ops.sp_OodaListProposals", "Limit", "CycleId");
    static final Procedure OODA_DECIDE = Procedure.of("ops.sp_OodaDecide", "ProposalId", "Approve", "DecidedBy");
    static final Procedure OODA_ACT = Procedure.of("ops.sp_OodaAct", "CycleId");
    static final Procedure OODA_CLAIM_REBUILD = Procedure.of("ops.sp_OodaClaimRebuild");
    static final Procedure OODA_FINISH_REBUILD = Procedure.of("ops.sp_OodaFinishRebuild", "ProposalId", "Done", "Error");
    static final Procedure OODA_SET_RUNNING = Procedure.of("ops.sp_OodaSetRunning", "Running");
    static final Procedure OODA_CONFIGURE = Procedure.of("ops.sp_OodaConfigure",
            "DryRun", "RequireApproval", "MaxChangesPerCycle", "HistoryRetentionSeconds");
    // Dead letters and queue figures (062)
    static final Procedure GET_MAX_DELIVERIES = Procedure.of("ops.sp_GetMaxDeliveries", "QueueName");
    static final Procedure SET_MAX_DELIVERIES = Procedure.of("ops.sp_SetMaxDeliveries", "QueueName", "MaxDeliveries");
    static final Procedure QUEUE_STATS = Procedure.of("ops.sp_QueueStats");
    static final Procedure LIST_DEAD_LETTERS = Procedure.of("ops.sp_ListDeadLetters", "QueueName", "Limit");
    static final Procedure GET_DEAD_LETTER = Procedure.of("ops.sp_GetDeadLetter", "DeadLetterId");
    static final Procedure RETRY_DEAD_LETTER = Procedure.of("ops.sp_RetryDeadLetter", "DeadLetterId");
    static final Procedure DISCARD_DEAD_LETTER = Procedure.of("ops.sp_DiscardDeadLetter", "DeadLetterId");
    static final Procedure RECORD_SYNC_FAILURE = Procedure.of("provenance.sp_RecordSyncFailure", "Handles", "Error");

    static final List<Procedure> ALL = List.of(
            START_INGESTION_JOB, GET_INGESTION_JOB, REGISTER_MODEL, WRITE_CHUNK, WRITE_CHUNK_FROM_TABLES,
            GET_TENSOR_GRIDS, COMPLETE_INGESTION_JOB, FAIL_INGESTION_JOB,
            GET_ATOM, GET_ATOM_BY_HASH, GET_COMPOSITION_WINDOW, GET_COMPOSITION_COUNT,
            LIST_MODELS, GET_MODEL, GET_MODEL_LAYERS, GET_MODEL_STRUCTURE, GET_TENSOR_AS_OF, GET_TENSOR_WINDOW,
            UPDATE_WEIGHTS,
            ROLLBACK_WEIGHTS,
            CREATE_WEIGHT_SNAPSHOT, LIST_WEIGHT_SNAPSHOTS,
            ENSURE_SPATIAL_LANDMARKS, GET_SPATIAL_LANDMARK_SAMPLE, REPLACE_SPATIAL_LANDMARKS, PUT_EMBEDDING,
            GET_EMBEDDINGS, EXACT_VECTOR_SEARCH, HYBRID_SEARCH,
            ENSURE_NODE, ENSURE_EDGE, QUERY_LINEAGE, RECEIVE_PROVENANCE_SYNC,
            ENQUEUE_MESSAGE, RECEIVE_MESSAGES, COMPLETE_MESSAGE, ABANDON_MESSAGE, QUEUE_DEPTH,
            CREATE_API_KEY, FIND_API_KEY_BY_HASH, REVOKE_API_KEY, LIST_API_KEYS,
            RECORD_USAGE, GET_USAGE, UNFINISHED_JOBS, ROW_COUNTS,
            REQUEST_DELETION, GET_DELETION_JOB, RUN_DELETION_BATCH, UNFINISHED_DELETIONS,
            BEGIN_INFERENCE, END_INFERENCE, GET_INFERENCE, LIST_INFERENCES, GET_WEIGHT_VERSION,
            BEGIN_REASONING, GET_INFERENCE_EVIDENCE, LIST_INFERENCE_CHILDREN,
            LIST_CONCEPT_POINTS, GET_CONCEPT_GENERATION, GET_CONCEPT_MEMBERSHIP, RECORD_CONCEPT_GENERATION,
            GET_CONCEPTS, GET_CONCEPT_MEMBERS, GET_CONCEPT_NEIGHBOURS, GET_CONCEPT_EVOLUTION, GET_CONCEPT_AT,
            GET_ATOM_CONCEPTS,
            GENERATE_OPTIMAL_PATH, GENERATE_WITH_ATTENTION,
            OODA_STATUS, OODA_RUN_CYCLE, OODA_LIST_CYCLES, OODA_LIST_OBSERVATIONS, OODA_LIST_PROPOSALS, OODA_DECIDE,
            OODA_ACT, OODA_CLAIM_REBUILD, OODA_FINISH_REBUILD, OODA_SET_RUNNING, OODA_CONFIGURE,
            GET_MAX_DELIVERIES, SET_MAX_DELIVERIES, QUEUE_STATS, LIST_DEAD_LETTERS, GET_DEAD_LETTER, RETRY_DEAD_LETTER,
            DISCARD_DEAD_LETTER, RECORD_SYNC_FAILURE,
            GET_USAGE_STATEMENT, GET_RATE_PLANS, GET_TENANT_RATE_PLAN, PUT_RATE_PLAN, PUT_OPERATION_RATE,
            PUT_MULTIPLIER, ASSIGN_RATE_PLAN, GET_ASSIGNED_RATE_PLAN, REMOVE_OPERATION_RATE, REMOVE_MULTIPLIER);

    private Procedures() {
    }
}
