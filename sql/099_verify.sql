-- Verification: every object the storage tier needs exists and the database is configured as the scripts set
-- it. Reads only; fails the deployment (error 50500, listing what is missing) if anything is not in place.

SET NOCOUNT ON;
DECLARE @missing TABLE (What NVARCHAR(400) NOT NULL);

DECLARE @objects TABLE (ObjectName NVARCHAR(256) NOT NULL, ObjectType NVARCHAR(2) NOT NULL);
INSERT INTO @objects (ObjectName, ObjectType)
VALUES
    (N'dbo.Atoms', N'U'), (N'dbo.AtomsHistory', N'U'), (N'dbo.AtomOwners', N'U'), (N'dbo.AtomCompositionRows', N'U'),
    (N'dbo.CompositionSegments', N'U'), (N'dbo.CompositionDictionary', N'U'), (N'dbo.AtomCompositions', N'V'),
    (N'dbo.fn_SegmentPositions', N'IF'), (N'dbo.fn_SegmentExtent', N'IF'), (N'dbo.fn_OrdinalWidth', N'IF'),
    (N'dbo.fn_OrdinalHex', N'IF'), (N'dbo.fn_CompositionsInRegion', N'IF'), (N'dbo.StagingSegments', N'U'),
    (N'dbo.sp_GetCompositionWindow', N'P'), (N'dbo.sp_MigrateCompositionRows', N'P'),
    (N'dbo.Models', N'U'), (N'dbo.ModelLayers', N'U'), (N'dbo.ModelLayersHistory', N'U'),
    (N'dbo.TensorSegments', N'U'), (N'dbo.TensorSegmentsHistory', N'U'), (N'dbo.TensorDictionary', N'U'),
    (N'dbo.TensorAtomCoefficients', N'V'), (N'dbo.TensorAtomCoefficientsHistory', N'V'),
    (N'dbo.fn_TensorGrid', N'IF'), (N'dbo.fn_TensorPositions', N'IF'), (N'dbo.fn_WeightVersionTime', N'IF'),
    (N'dbo.StagingTensorSegments', N'U'), (N'dbo.sp_GetTensorGrids', N'P'), (N'dbo.sp_GetTensorWindow', N'P'),
    (N'dbo.WeightSnapshots', N'U'), (N'dbo.AtomEmbeddings', N'U'), (N'dbo.SpatialLandmarks', N'U'),
    (N'graph.AtomGraphNodes', N'U'), (N'graph.AtomGraphEdges', N'U'), (N'dbo.IngestionJobs', N'U'),
    (N'ops.QueueMessages', N'U'), (N'ops.DeadLetters', N'U'), (N'ops.QueueSettings', N'U'),
    (N'provenance.SyncFailures', N'U'), (N'dbo.TenantApiKeys', N'U'), (N'billing.UsageLedger', N'U'),
    (N'billing.UsageLedgerAnalytics', N'U'), (N'billing.RatePlans', N'U'),
    (N'billing.OperationRates', N'U'), (N'billing.BillingMultipliers', N'U'), (N'billing.TenantRatePlans', N'U'),
    (N'ops.Settings', N'U'), (N'ops.ImprovementHistory', N'U'),
    (N'ops.OodaActions', N'U'), (N'dbo.StagingAtoms', N'U'), (N'dbo.StagingCompositions', N'U'),
    (N'dbo.DeletionJobs', N'U'),
    (N'dbo.sp_RequestDeletion', N'P'), (N'dbo.sp_RunDeletionBatch', N'P'), (N'dbo.sp_GetDeletionJob', N'P'),
    (N'dbo.sp_UnfinishedDeletions', N'P'), (N'dbo.sp_RemoveFileGraph', N'P'), (N'dbo.sp_RemoveGraphNodes', N'P'),
    (N'dbo.sp_RemoveModelInferences', N'P'),
    (N'dbo.Inferences', N'U'), (N'dbo.InferenceReceipts', N'U'), (N'dbo.InferenceInputAtoms', N'U'),
    (N'dbo.InferenceReceiptTensors', N'U'), (N'dbo.ModelWeightChanges', N'U'), (N'dbo.InferenceRecords', N'V'),
    (N'dbo.TR_Inferences_Guard', N'TR'), (N'dbo.TR_InferenceReceipts_Guard', N'TR'),
    (N'dbo.TR_InferenceInputAtoms_Guard', N'TR'), (N'dbo.TR_InferenceReceiptTensors_Guard', N'TR'),
    (N'dbo.sp_BeginInference', N'P'), (N'dbo.sp_EndInference', N'P'), (N'dbo.sp_GetInference', N'P'),
    (N'dbo.sp_ListInferences', N'P'), (N'dbo.sp_GetWeightVersion', N'P'), (N'dbo.sp_ReadInferenceAtoms', N'P'),
    (N'dbo.sp_LinkInferenceAtoms', N'P'),
    (N'dbo.InferenceEvidence', N'U'), (N'dbo.TR_InferenceEvidence_Guard', N'TR'), (N'dbo.sp_BeginReasoning', N'P'),
    (N'dbo.sp_GetInferenceEvidence', N'P'), (N'dbo.sp_ListInferenceChildren', N'P'),
    (N'dbo.sp_InferenceNodeProperties', N'P'),
    (N'dbo.ConceptGenerations', N'U'), (N'dbo.Concepts', N'U'), (N'dbo.AtomConcepts', N'U'),
    (N'dbo.ConceptEvolution', N'U'), (N'dbo.ConceptRecords', N'V'),
    (N'dbo.sp_ListConceptPoints', N'P'), (N'dbo.sp_GetConceptGeneration', N'P'),
    (N'dbo.sp_GetConceptMembership', N'P'), (N'dbo.sp_RecordConceptGeneration', N'P'),
    (N'dbo.sp_GetConcepts', N'P'), (N'dbo.sp_GetConceptMembers', N'P'), (N'dbo.sp_GetConceptNeighbours', N'P'),
    (N'dbo.sp_GetConceptEvolution', N'P'), (N'dbo.sp_GetConceptAt', N'P'), (N'dbo.sp_GetAtomConcepts', N'P'),
    (N'dbo.sp_GenerateOptimalPath', N'P'), (N'dbo.sp_GenerateWithAttention', N'P'),
    (N'dbo.sp_StartIngestionJob', N'P'), (N'dbo.sp_GetIngestionJob', N'P'), (N'dbo.sp_RegisterModel', N'P'),
    (N'dbo.sp_WriteChunk', N'P'), (N'dbo.sp_WriteChunkFromTables', N'P'), (N'dbo.sp_CompleteIngestionJob', N'P'),
    (N'dbo.sp_FailIngestionJob', N'P'), (N'dbo.sp_GetAtom', N'P'), (N'dbo.sp_GetAtomByHash', N'P'),
    (N'dbo.sp_GetCompositionCount', N'P'),
    (N'dbo.sp_ListModels', N'P'), (N'dbo.sp_GetModel', N'P'), (N'dbo.sp_GetModelLayers', N'P'),
    (N'dbo.sp_GetModelStructure', N'P'),
    (N'dbo.sp_GetTensorAsOf', N'P'), (N'dbo.sp_UpdateWeights', N'P'), (N'dbo.sp_RollbackWeightsToTimestamp', N'P'),
    (N'dbo.sp_CreateWeightSnapshot', N'P'), (N'dbo.sp_ListWeightSnapshots', N'P'),
    (N'dbo.sp_RestoreWeightSnapshot', N'P'), (N'dbo.sp_EnsureSpatialLandmarks', N'P'),
    (N'dbo.sp_ComputeSpatialProjection', N'P'), (N'dbo.sp_GetSpatialLandmarkSample', N'P'),
    (N'dbo.sp_ReplaceSpatialLandmarks', N'P'), (N'dbo.sp_PutEmbedding', N'P'), (N'dbo.sp_GetEmbeddings', N'P'),
    (N'dbo.sp_ExactVectorSearch', N'P'), (N'dbo.sp_HybridSearch', N'P'), (N'graph.sp_EnsureNode', N'P'),
    (N'graph.sp_EnsureEdge', N'P'), (N'graph.sp_PutNode', N'P'), (N'graph.sp_PutEdge', N'P'), (N'graph.sp_QueryLineage', N'P'), (N'provenance.sp_EnqueueProvenanceSync', N'P'),
    (N'provenance.sp_ReceiveProvenanceSync', N'P'), (N'provenance.sp_ProvenanceInitiatorActivation', N'P'),
    (N'ops.sp_EnqueueMessage', N'P'), (N'ops.sp_ReceiveMessages', N'P'), (N'ops.sp_CompleteMessage', N'P'),
    (N'ops.sp_AbandonMessage', N'P'), (N'ops.sp_QueueDepth', N'P'), (N'dbo.sp_CreateApiKey', N'P'),
    (N'dbo.sp_FindApiKeyByHash', N'P'), (N'dbo.sp_RevokeApiKey', N'P'), (N'dbo.sp_ListApiKeys', N'P'),
    (N'billing.sp_InsertUsageNative', N'P'), (N'billing.sp_RecordUsage', N'P'), (N'billing.sp_GetUsage', N'P'),
    (N'billing.sp_FlushUsageToAnalytics', N'P'), (N'billing.sp_GetUsageStatement', N'P'),
    (N'billing.sp_GetRatePlans', N'P'), (N'billing.sp_GetTenantRatePlan', N'P'), (N'billing.sp_PutRatePlan', N'P'),
    (N'billing.sp_PutOperationRate', N'P'), (N'billing.sp_PutMultiplier', N'P'), (N'billing.sp_AssignRatePlan', N'P'),
    (N'billing.sp_GetAssignedRatePlan', N'P'), (N'billing.sp_RemoveOperationRate', N'P'),
    (N'billing.sp_RemoveMultiplier', N'P'), (N'ops.sp_UnfinishedJobs', N'P'), (N'ops.sp_RowCounts', N'P'),
    (N'ops.sp_MeasureSpatialRange', N'P'), (N'ops.sp_EnsureSpatialIndex', N'P'), (N'ops.sp_SendOodaMessage', N'P'),
    (N'ops.sp_AnalyzeCycle', N'P'), (N'ops.sp_HypothesizeCycle', N'P'), (N'ops.sp_ActCycle', N'P'),
    (N'ops.sp_LearnCycle', N'P'), (N'ops.sp_RunOodaCycle', N'P'), (N'ops.sp_StartOodaCycle', N'P'),
    (N'ops.sp_ApproveOodaAction', N'P'), (N'ops.sp_RejectOodaAction', N'P'), (N'ops.sp_Analyze', N'P'),
    (N'ops.sp_OodaPhaseFailed', N'P'),
    (N'ops.sp_Hypothesize', N'P'), (N'ops.sp_Act', N'P'), (N'ops.sp_Learn', N'P'),
    (N'ops.sp_OodaInitiatorActivation', N'P'), (N'ops.sp_ScheduleOodaCycles', N'P'),
    (N'ops.sp_ObserveStorage', N'P'), (N'ops.sp_MeasureStorage', N'P'), (N'ops.sp_PurgeHistory', N'P'),
    (N'ops.sp_OodaStatus', N'P'), (N'ops.sp_OodaRunCycle', N'P'), (N'ops.sp_OodaListCycles', N'P'),
    (N'ops.sp_OodaListObservations', N'P'), (N'ops.sp_OodaListProposals', N'P'), (N'ops.sp_OodaDecide', N'P'),
    (N'ops.sp_OodaAct', N'P'), (N'ops.sp_OodaClaimRebuild', N'P'), (N'ops.sp_OodaFinishRebuild', N'P'),
    (N'ops.sp_OodaSetRunning', N'P'), (N'ops.sp_OodaConfigure', N'P'),
    (N'ops.fn_Setting', N'FN'), (N'ops.fn_OodaRunning', N'FN'), (N'ops.fn_HistoryCutoff', N'FN'),
    (N'ops.fn_LandmarkGrowth', N'IF'), (N'ops.fn_HistoryPastRetention', N'IF'),
    (N'ops.fn_MaxDeliveries', N'FN'), (N'ops.sp_GetMaxDeliveries', N'P'), (N'ops.sp_SetMaxDeliveries', N'P'),
    (N'ops.sp_AddDeadLetter', N'P'), (N'ops.sp_QueueStats', N'P'), (N'ops.sp_ListDeadLetters', N'P'),
    (N'ops.sp_GetDeadLetter', N'P'), (N'ops.sp_RetryDeadLetter', N'P'), (N'ops.sp_DiscardDeadLetter', N'P'),
    (N'provenance.sp_RecordSyncFailure', N'P'),
    (N'security.fn_TenantPredicate', N'IF'), (N'security.fn_AtomPredicate', N'IF'),
    (N'security.fn_ParentAtomPredicate', N'IF'), (N'security.fn_ModelPredicate', N'IF'),
    (N'security.fn_EmbeddingPredicate', N'IF'),
    (N'security.TenantIsolationPolicy', N'SP'),
    (N'ops.OodaAnalyzeQueue', N'SQ'), (N'ops.OodaHypothesizeQueue', N'SQ'), (N'ops.OodaActQueue', N'SQ'),
    (N'ops.OodaLearnQueue', N'SQ'), (N'ops.OodaInitiatorQueue', N'SQ'), (N'provenance.ProvenanceSyncQueue', N'SQ'),
    (N'provenance.ProvenanceSyncInitiatorQueue', N'SQ');

INSERT INTO @missing (What)
SELECT CONCAT(N'object ', ObjectName, N' (type ', ObjectType, N')')
FROM @objects
WHERE OBJECT_ID(ObjectName, ObjectType) IS NULL;

INSERT INTO @missing (What)
SELECT CONCAT(N'schema ', s.SchemaName)
FROM (VALUES (N'graph'), (N'provenance'), (N'billing'), (N'ops'), (N'security')) AS s (SchemaName)
WHERE SCHEMA_ID(s.SchemaName) IS NULL;

INSERT INTO @missing (What)
SELECT CONCAT(N'table type ', t.TypeName)
FROM (VALUES (N'dbo.AtomChunkType'), (N'dbo.SegmentChunkType'), (N'dbo.CompositionChunkType'), (N'dbo.TensorSegmentChunkType'),
             (N'dbo.ModelLayerType'), (N'dbo.WeightUpdateType')) AS t (TypeName)
WHERE TYPE_ID(t.TypeName) IS NULL;

INSERT INTO @missing (What)
SELECT CONCAT(N'role or user ', p.PrincipalName)
FROM (VALUES (N'hart_ingest'), (N'hart_api'), (N'hart_admin'), (N'hart_system')) AS p (PrincipalName)
WHERE DATABASE_PRINCIPAL_ID(p.PrincipalName) IS NULL;

INSERT INTO @missing (What)
SELECT CONCAT(N'message type ', m.Name)
FROM (VALUES (N'//hartonomous/ooda/Cycle'), (N'//hartonomous/ooda/Observed'), (N'//hartonomous/ooda/Proposed'),
             (N'//hartonomous/ooda/Acted'), (N'//hartonomous/provenance/GraphChange')) AS m (Name)
WHERE NOT EXISTS (SELECT 1 FROM sys.service_message_types AS t WHERE t.name = m.Name);

INSERT INTO @missing (What)
SELECT CONCAT(N'contract ', c.Name)
FROM (VALUES (N'//hartonomous/ooda/Contract'), (N'//hartonomous/provenance/SyncContract')) AS c (Name)
WHERE NOT EXISTS (SELECT 1 FROM sys.service_contracts AS t WHERE t.name = c.Name);

INSERT INTO @missing (What)
SELECT CONCAT(N'service ', v.Name)
FROM (VALUES (N'//hartonomous/ooda/Analyze'), (N'//hartonomous/ooda/Hypothesize'), (N'//hartonomous/ooda/Act'),
             (N'//hartonomous/ooda/Learn'), (N'//hartonomous/ooda/Initiator'),
             (N'//hartonomous/provenance/SyncTarget'), (N'//hartonomous/provenance/SyncInitiator')) AS v (Name)
WHERE NOT EXISTS (SELECT 1 FROM sys.services AS t WHERE t.name = v.Name);

INSERT INTO @missing (What)
SELECT CONCAT(N'activation on ', q.QueueName)
FROM (VALUES (N'OodaAnalyzeQueue'), (N'OodaHypothesizeQueue'), (N'OodaActQueue'), (N'OodaLearnQueue'),
             (N'OodaInitiatorQueue'), (N'ProvenanceSyncInitiatorQueue')) AS q (QueueName)
WHERE NOT EXISTS (
    SELECT 1 FROM sys.service_queues AS t
    WHERE t.name = q.QueueName AND t.activation_procedure IS NOT NULL
      -- While the OODA emergency stop holds, ops.sp_OodaSetRunning keeps the OODA queues' activation off.
      AND (t.is_activation_enabled = 1 OR (q.QueueName LIKE N'Ooda%' AND ops.fn_OodaRunning() = 0)));

INSERT INTO @missing (What)
SELECT CONCAT(N'index ', i.IndexName, N' on ', i.TableName)
FROM (VALUES (N'dbo.CompositionSegments', N'SIX_CompositionSegments_Envelope'),
             (N'dbo.CompositionSegments', N'IX_CompositionSegments_Span'),
             (N'dbo.CompositionDictionary', N'IX_CompositionDictionary_Atom'),
             (N'dbo.AtomCompositionRows', N'SIX_AtomCompositionRows_SpatialKey'),
             (N'dbo.TensorDictionary', N'IX_TensorDictionary_Atom'),
             (N'dbo.TensorSegmentsHistory', N'IX_TensorSegmentsHistory_ValidTo'),
             (N'dbo.AtomEmbeddings', N'SIX_AtomEmbeddings_SpatialKey'),
             (N'billing.UsageLedgerAnalytics', N'CCI_UsageLedgerAnalytics')) AS i (TableName, IndexName)
WHERE NOT EXISTS (SELECT 1 FROM sys.indexes AS t WHERE t.object_id = OBJECT_ID(i.TableName) AND t.name = i.IndexName);

INSERT INTO @missing (What)
SELECT CONCAT(N'system versioning on ', v.TableName)
FROM (VALUES (N'dbo.Atoms'), (N'dbo.ModelLayers')) AS v (TableName)
WHERE NOT EXISTS (
    SELECT 1 FROM sys.tables AS t WHERE t.object_id = OBJECT_ID(v.TableName) AND t.temporal_type = 2);

IF NOT EXISTS (
    SELECT 1 FROM sys.tables WHERE object_id = OBJECT_ID(N'graph.AtomGraphNodes') AND is_node = 1)
    INSERT INTO @missing (What) VALUES (N'graph.AtomGraphNodes AS NODE');
IF NOT EXISTS (
    SELECT 1 FROM sys.tables WHERE object_id = OBJECT_ID(N'graph.AtomGraphEdges') AND is_edge = 1)
    INSERT INTO @missing (What) VALUES (N'graph.AtomGraphEdges AS EDGE');
IF NOT EXISTS (SELECT 1 FROM sys.edge_constraints WHERE parent_object_id = OBJECT_ID(N'graph.AtomGraphEdges'))
    INSERT INTO @missing (What) VALUES (N'edge constraint on graph.AtomGraphEdges');
IF NOT EXISTS (
    SELECT 1 FROM sys.tables
    WHERE object_id = OBJECT_ID(N'billing.UsageLedger') AND is_memory_optimized = 1
      AND durability_desc = N'SCHEMA_AND_DATA')
    INSERT INTO @missing (What) VALUES (N'billing.UsageLedger memory-optimized with SCHEMA_AND_DATA durability');
IF NOT EXISTS (SELECT 1 FROM sys.filegroups WHERE type = N'FX')
    INSERT INTO @missing (What) VALUES (N'memory-optimized filegroup');
IF NOT EXISTS (
    SELECT 1 FROM sys.security_policies
    WHERE object_id = OBJECT_ID(N'security.TenantIsolationPolicy') AND is_enabled = 1 AND is_schema_bound = 1)
    INSERT INTO @missing (What) VALUES (N'enabled, schema-bound security policy security.TenantIsolationPolicy');
-- GENERATE_SERIES, which expands segments (sql/020), exists from compatibility level 160 on.
IF NOT EXISTS (SELECT 1 FROM sys.databases WHERE database_id = DB_ID() AND compatibility_level >= 160)
    INSERT INTO @missing (What) VALUES (N'compatibility level 160 or higher (GENERATE_SERIES)');
IF NOT EXISTS (SELECT 1 FROM sys.databases WHERE database_id = DB_ID() AND is_broker_enabled = 1)
    INSERT INTO @missing (What) VALUES (N'Service Broker enabled (ENABLE_BROKER)');
IF NOT EXISTS (SELECT 1 FROM sys.databases WHERE database_id = DB_ID() AND snapshot_isolation_state = 1)
    INSERT INTO @missing (What) VALUES (N'ALLOW_SNAPSHOT_ISOLATION ON');
IF NOT EXISTS (SELECT 1 FROM sys.databases WHERE database_id = DB_ID() AND is_read_committed_snapshot_on = 1)
    INSERT INTO @missing (What) VALUES (N'READ_COMMITTED_SNAPSHOT ON');
IF NOT EXISTS (SELECT 1 FROM sys.database_query_store_options WHERE actual_state_desc = N'READ_WRITE')
    INSERT INTO @missing (What) VALUES (N'Query Store in READ_WRITE mode');

IF EXISTS (SELECT 1 FROM @missing)
BEGIN
    DECLARE @report NVARCHAR(2048) = LEFT(
        CONCAT(N'Storage tier verification failed; missing: ',
               (SELECT STRING_AGG(What, N'; ') FROM @missing)), 2048);
    THROW 50500, @report, 1;
END;

PRINT N'Storage tier verified: all objects present, Service Broker enabled, security policy on.';
GO
