-- Permissions of the roles from 015_principals.sql. Everything goes through procedures (ownership chaining gives
-- them the table access they need), except the staging heaps the ingest tier bulk-loads. GRANT is idempotent.
-- hart_ingest: write procedures and staging only (plus the reads an ingest needs: its jobs, atoms, API keys).
-- hart_api: read procedures and usage; also client-supplied embeddings (PUT /api/atoms/{id}/embeddings) and the
--           provenance sync consumer, both of which the API process runs.
-- hart_admin: operator procedures. A service principal may hold several roles (the API typically hart_api and
--             hart_admin, for admin-scope requests such as weight rollback).

-- hart_ingest
GRANT EXECUTE ON OBJECT::dbo.sp_StartIngestionJob TO hart_ingest;
GRANT EXECUTE ON OBJECT::dbo.sp_GetIngestionJob TO hart_ingest;
GRANT EXECUTE ON OBJECT::dbo.sp_RegisterModel TO hart_ingest;
GRANT EXECUTE ON OBJECT::dbo.sp_GetTensorGrids TO hart_ingest;
GRANT EXECUTE ON OBJECT::dbo.sp_WriteChunk TO hart_ingest;
GRANT EXECUTE ON OBJECT::dbo.sp_WriteChunkFromTables TO hart_ingest;
GRANT EXECUTE ON OBJECT::dbo.sp_CompleteIngestionJob TO hart_ingest;
GRANT EXECUTE ON OBJECT::dbo.sp_FailIngestionJob TO hart_ingest;
GRANT EXECUTE ON OBJECT::dbo.sp_GetAtom TO hart_ingest;
GRANT EXECUTE ON OBJECT::dbo.sp_GetAtomByHash TO hart_ingest;
GRANT EXECUTE ON OBJECT::dbo.sp_EnsureSpatialLandmarks TO hart_ingest;
GRANT EXECUTE ON OBJECT::dbo.sp_ComputeSpatialProjection TO hart_ingest;
GRANT EXECUTE ON OBJECT::dbo.sp_PutEmbedding TO hart_ingest;
GRANT EXECUTE ON OBJECT::graph.sp_EnsureNode TO hart_ingest;
GRANT EXECUTE ON OBJECT::graph.sp_EnsureEdge TO hart_ingest;
GRANT EXECUTE ON OBJECT::billing.sp_RecordUsage TO hart_ingest;
GRANT EXECUTE ON OBJECT::billing.sp_GetTenantRatePlan TO hart_ingest;
GRANT EXECUTE ON OBJECT::dbo.sp_FindApiKeyByHash TO hart_ingest;
GRANT EXECUTE ON OBJECT::ops.sp_UnfinishedJobs TO hart_ingest;
GRANT EXECUTE ON OBJECT::ops.sp_EnqueueMessage TO hart_ingest;
GRANT EXECUTE ON OBJECT::ops.sp_ReceiveMessages TO hart_ingest;
GRANT EXECUTE ON OBJECT::ops.sp_CompleteMessage TO hart_ingest;
GRANT EXECUTE ON OBJECT::ops.sp_AbandonMessage TO hart_ingest;
GRANT EXECUTE ON OBJECT::ops.sp_QueueDepth TO hart_ingest;
-- Bulk copy needs INSERT, and SELECT to read the destination's column metadata.
GRANT SELECT, INSERT ON OBJECT::dbo.StagingAtoms TO hart_ingest;
GRANT SELECT, INSERT ON OBJECT::dbo.StagingSegments TO hart_ingest;
GRANT SELECT, INSERT ON OBJECT::dbo.StagingCompositions TO hart_ingest;
GRANT SELECT, INSERT ON OBJECT::dbo.StagingTensorSegments TO hart_ingest;
GRANT EXECUTE ON TYPE::dbo.AtomChunkType TO hart_ingest;
GRANT EXECUTE ON TYPE::dbo.SegmentChunkType TO hart_ingest;
GRANT EXECUTE ON TYPE::dbo.CompositionChunkType TO hart_ingest;
GRANT EXECUTE ON TYPE::dbo.TensorSegmentChunkType TO hart_ingest;
GRANT EXECUTE ON TYPE::dbo.ModelLayerType TO hart_ingest;
GO

-- hart_api
GRANT EXECUTE ON OBJECT::dbo.sp_GetAtom TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetAtomByHash TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetCompositionWindow TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetCompositionCount TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetIngestionJob TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_ListModels TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetModel TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetModelLayers TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetModelStructure TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetTensorAsOf TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetTensorWindow TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_ListWeightSnapshots TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetEmbeddings TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_ComputeSpatialProjection TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_ExactVectorSearch TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_HybridSearch TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_EnsureSpatialLandmarks TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_PutEmbedding TO hart_api;
GRANT EXECUTE ON OBJECT::graph.sp_QueryLineage TO hart_api;
-- Deleting files (078): DELETE /api/atoms/{id}, GET /api/jobs/{id}, and resuming unfinished deletions at start.
GRANT EXECUTE ON OBJECT::dbo.sp_RequestDeletion TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_RunDeletionBatch TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetDeletionJob TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_UnfinishedDeletions TO hart_api;
-- Model runs (079): POST /api/models/{id}/run records them, GET /api/inference reads them.
GRANT EXECUTE ON OBJECT::dbo.sp_BeginInference TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_EndInference TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetInference TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_ListInferences TO hart_api;
-- Concepts (083, issue 13): POST /api/concepts/discover records generations, the concept reads answer the rest.
GRANT EXECUTE ON OBJECT::dbo.sp_ListConceptPoints TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetConceptGeneration TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetConceptMembership TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_RecordConceptGeneration TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetConcepts TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetConceptMembers TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetConceptNeighbours TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetConceptEvolution TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetConceptAt TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetAtomConcepts TO hart_api;
-- Reasoning runs (082, issue 13): their records with evidence, and the explain endpoint's reads.
GRANT EXECUTE ON OBJECT::dbo.sp_BeginReasoning TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetInferenceEvidence TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_ListInferenceChildren TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GetWeightVersion TO hart_api;
-- Reasoning (083): POST /api/reasoning/path, POST /api/inference/generate.
GRANT EXECUTE ON OBJECT::dbo.sp_GenerateOptimalPath TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_GenerateWithAttention TO hart_api;
GRANT EXECUTE ON OBJECT::billing.sp_RecordUsage TO hart_api;
GRANT EXECUTE ON OBJECT::billing.sp_GetUsage TO hart_api;
GRANT EXECUTE ON OBJECT::billing.sp_GetUsageStatement TO hart_api;
GRANT EXECUTE ON OBJECT::billing.sp_GetTenantRatePlan TO hart_api;
GRANT EXECUTE ON OBJECT::dbo.sp_FindApiKeyByHash TO hart_api;
GRANT EXECUTE ON OBJECT::ops.sp_RowCounts TO hart_api;
GRANT EXECUTE ON OBJECT::ops.sp_QueueDepth TO hart_api;
GRANT EXECUTE ON OBJECT::provenance.sp_ReceiveProvenanceSync TO hart_api;
GO

-- hart_admin
GRANT EXECUTE ON OBJECT::dbo.sp_CreateApiKey TO hart_admin;
-- Converting composition rows into segments again (098 does it once per deployment).
GRANT EXECUTE ON OBJECT::dbo.sp_MigrateCompositionRows TO hart_admin;
-- Rebuilding a type's projection (VectorStore.rebuildProjection): a maintenance operation.
GRANT EXECUTE ON OBJECT::dbo.sp_GetSpatialLandmarkSample TO hart_admin;
GRANT EXECUTE ON OBJECT::dbo.sp_ReplaceSpatialLandmarks TO hart_admin;
GRANT EXECUTE ON OBJECT::dbo.sp_RevokeApiKey TO hart_admin;
GRANT EXECUTE ON OBJECT::dbo.sp_ListApiKeys TO hart_admin;
GRANT EXECUTE ON OBJECT::dbo.sp_UpdateWeights TO hart_admin;
GRANT EXECUTE ON OBJECT::dbo.sp_RollbackWeightsToTimestamp TO hart_admin;
GRANT EXECUTE ON OBJECT::dbo.sp_CreateWeightSnapshot TO hart_admin;
GRANT EXECUTE ON OBJECT::dbo.sp_RestoreWeightSnapshot TO hart_admin;
GRANT EXECUTE ON TYPE::dbo.WeightUpdateType TO hart_admin;
GRANT EXECUTE ON OBJECT::billing.sp_FlushUsageToAnalytics TO hart_admin;
-- Rate plans: operators price the tiers' uses.
GRANT EXECUTE ON OBJECT::billing.sp_GetRatePlans TO hart_admin;
GRANT EXECUTE ON OBJECT::billing.sp_PutRatePlan TO hart_admin;
GRANT EXECUTE ON OBJECT::billing.sp_PutOperationRate TO hart_admin;
GRANT EXECUTE ON OBJECT::billing.sp_PutMultiplier TO hart_admin;
GRANT EXECUTE ON OBJECT::billing.sp_RemoveOperationRate TO hart_admin;
GRANT EXECUTE ON OBJECT::billing.sp_RemoveMultiplier TO hart_admin;
GRANT EXECUTE ON OBJECT::billing.sp_AssignRatePlan TO hart_admin;
GRANT EXECUTE ON OBJECT::billing.sp_GetAssignedRatePlan TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_RunOodaCycle TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_StartOodaCycle TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_ScheduleOodaCycles TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_ApproveOodaAction TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_RejectOodaAction TO hart_admin;
-- The OODA loop as StorageEngine.ooda() drives it (081).
GRANT EXECUTE ON OBJECT::ops.sp_OodaStatus TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_OodaRunCycle TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_OodaListCycles TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_OodaListObservations TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_OodaListProposals TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_OodaDecide TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_OodaAct TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_OodaClaimRebuild TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_OodaFinishRebuild TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_OodaSetRunning TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_OodaConfigure TO hart_admin;
GRANT SELECT ON OBJECT::ops.ImprovementHistory TO hart_admin;
GRANT SELECT ON OBJECT::ops.OodaActions TO hart_admin;
GRANT SELECT, UPDATE ON OBJECT::ops.Settings TO hart_admin;
GO

-- hart_system: dbo.sp_FailIngestionJob switches system versioning off and on around removing a failed model's
-- layers and their history, which needs control of the temporal table and its history table (tensor segment
-- versions are ordinary rows the procedures write, reached through ownership chaining).
GRANT CONTROL ON OBJECT::dbo.ModelLayers TO hart_system;
GRANT CONTROL ON OBJECT::dbo.ModelLayersHistory TO hart_system;
-- dbo.sp_RunDeletionBatch (078) does the same for an erased file's layers, and for the file atom's own
-- rows in dbo.AtomsHistory (its metadata).
GRANT CONTROL ON OBJECT::dbo.Atoms TO hart_system;
GRANT CONTROL ON OBJECT::dbo.AtomsHistory TO hart_system;
-- ops.sp_PurgeHistory keeps the history rows a weight snapshot needs; its DELETE is dynamic SQL (compiled while
-- versioning is off), which no ownership chain covers.
GRANT SELECT ON OBJECT::dbo.WeightSnapshots TO hart_system;
GO

-- Dead letters (062): the general queue's receivers read their queue's limit; the API's provenance consumer charges
-- failed deliveries; operators (the API's admin endpoints) see and manage dead letters. ops.sp_AddDeadLetter is for
-- the OODA activation procedures (they run as their owner) and operators.
GRANT EXECUTE ON OBJECT::ops.sp_GetMaxDeliveries TO hart_ingest;
GRANT EXECUTE ON OBJECT::ops.sp_GetMaxDeliveries TO hart_api;
GRANT EXECUTE ON OBJECT::provenance.sp_RecordSyncFailure TO hart_api;
GRANT EXECUTE ON OBJECT::ops.sp_QueueStats TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_ListDeadLetters TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_GetDeadLetter TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_RetryDeadLetter TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_DiscardDeadLetter TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_SetMaxDeliveries TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_GetMaxDeliveries TO hart_admin;
GRANT EXECUTE ON OBJECT::ops.sp_AddDeadLetter TO hart_admin;

-- Inference receipts are immutable and records change only through 079 (the guard triggers of 027 enforce it for
-- every writer): no role may update or delete them directly. Procedures reach them by ownership chaining, which
-- does not check these permissions.
DENY UPDATE, DELETE ON OBJECT::dbo.Inferences TO hart_ingest, hart_api, hart_admin;
DENY UPDATE, DELETE ON OBJECT::dbo.InferenceReceipts TO hart_ingest, hart_api, hart_admin;
DENY UPDATE, DELETE ON OBJECT::dbo.InferenceInputAtoms TO hart_ingest, hart_api, hart_admin;
DENY UPDATE, DELETE ON OBJECT::dbo.InferenceReceiptTensors TO hart_ingest, hart_api, hart_admin;
DENY UPDATE, DELETE ON OBJECT::dbo.InferenceEvidence TO hart_ingest, hart_api, hart_admin;
-- Concept generations are written once by dbo.sp_RecordConceptGeneration (083) and never changed.
DENY UPDATE, DELETE ON OBJECT::dbo.ConceptGenerations TO hart_ingest, hart_api, hart_admin;
DENY UPDATE, DELETE ON OBJECT::dbo.Concepts TO hart_ingest, hart_api, hart_admin;
DENY UPDATE, DELETE ON OBJECT::dbo.AtomConcepts TO hart_ingest, hart_api, hart_admin;
DENY UPDATE, DELETE ON OBJECT::dbo.ConceptEvolution TO hart_ingest, hart_api, hart_admin;
GO
