-- The self-tuning OODA loop: Analyze (observe) -> Hypothesize (orient, propose) -> Act (decide, apply) -> Learn.
-- Observations: Query Store slow queries and plan regressions, index fragmentation, stale statistics, queue depths,
-- embedding types grown past their landmarks, history past retention and usage hotspots.
-- Actions are limited to safe kinds - UPDATE STATISTICS, ALTER INDEX REORGANIZE / REBUILD, forcing the last-good
-- plan through Query Store (unforced by Learn when it made things worse), purging history past retention and
-- rebuilding a type's projection (derived in the engine, see 081) - and honour ops.Settings: OodaRunning (0: the
-- emergency stop, nothing runs), OodaDryRun (record, change nothing), OodaRequireApproval (wait for an approval)
-- and OodaMaxChangesPerCycle. Every observation, proposal, action and outcome is recorded in ops.ImprovementHistory.
-- Each phase is a procedure of its own (ops.sp_AnalyzeCycle, ...); the phases that read server state or change
-- indexes, statistics and plans run as the owner (dbo), so operators only need EXECUTE on them. Service Broker chains them: the activation
-- procedures ops.sp_Analyze, ops.sp_Hypothesize, ops.sp_Act and ops.sp_Learn receive a phase's message, run the
-- phase and send the cycle on. ops.sp_RunOodaCycle runs all four in line instead (operators, tests).

CREATE OR ALTER FUNCTION ops.fn_Setting (@SettingName VARCHAR(64))
RETURNS NVARCHAR(256)
AS
BEGIN
    RETURN (SELECT SettingValue FROM ops.Settings WHERE SettingName = @SettingName);
END;
GO

-- 0 while the emergency stop (ops.sp_OodaSetRunning) holds: no phase runs, whoever starts it.
CREATE OR ALTER FUNCTION ops.fn_OodaRunning ()
RETURNS BIT
AS
BEGIN
    RETURN COALESCE(TRY_CAST(ops.fn_Setting('OodaRunning') AS BIT), 1);
END;
GO

-- Sends a cycle to the next phase's service on a new dialog (the receiving phase ends it when done).
-- As the owner: BEGIN DIALOG needs REFERENCES on the contract and RECEIVE on the initiator's queue, SEND needs RECEIVE
-- on the sender's queue, all checked against the current user (the "Permissions" sections of BEGIN DIALOG
-- CONVERSATION and SEND); hart_admin holds none of them.
CREATE OR ALTER PROCEDURE ops.sp_SendOodaMessage
    @Phase   VARCHAR(16),
    @CycleId UNIQUEIDENTIFIER
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @dialog UNIQUEIDENTIFIER;
    DECLARE @body NVARCHAR(MAX) = (SELECT @CycleId AS cycleId FOR JSON PATH, WITHOUT_ARRAY_WRAPPER);
    IF @Phase = 'ANALYZE'
    BEGIN
        BEGIN DIALOG CONVERSATION @dialog
            FROM SERVICE [//hartonomous/ooda/Initiator] TO SERVICE N'//hartonomous/ooda/Analyze'
            ON CONTRACT [//hartonomous/ooda/Contract] WITH ENCRYPTION = OFF;
        SEND ON CONVERSATION (@dialog) MESSAGE TYPE [//hartonomous/ooda/Cycle] (@body);
    END
    ELSE IF @Phase = 'HYPOTHESIZE'
    BEGIN
        BEGIN DIALOG CONVERSATION @dialog
            FROM SERVICE [//hartonomous/ooda/Initiator] TO SERVICE N'//hartonomous/ooda/Hypothesize'
            ON CONTRACT [//hartonomous/ooda/Contract] WITH ENCRYPTION = OFF;
        SEND ON CONVERSATION (@dialog) MESSAGE TYPE [//hartonomous/ooda/Observed] (@body);
    END
    ELSE IF @Phase = 'ACT'
    BEGIN
        BEGIN DIALOG CONVERSATION @dialog
            FROM SERVICE [//hartonomous/ooda/Initiator] TO SERVICE N'//hartonomous/ooda/Act'
            ON CONTRACT [//hartonomous/ooda/Contract] WITH ENCRYPTION = OFF;
        SEND ON CONVERSATION (@dialog) MESSAGE TYPE [//hartonomous/ooda/Proposed] (@body);
    END
    ELSE IF @Phase = 'LEARN'
    BEGIN
        BEGIN DIALOG CONVERSATION @dialog
            FROM SERVICE [//hartonomous/ooda/Initiator] TO SERVICE N'//hartonomous/ooda/Learn'
            ON CONTRACT [//hartonomous/ooda/Contract] WITH ENCRYPTION = OFF;
        SEND ON CONVERSATION (@dialog) MESSAGE TYPE [//hartonomous/ooda/Acted] (@body);
    END
    ELSE
        THROW 50400, N'phase must be ANALYZE, HYPOTHESIZE, ACT or LEARN', 1;
END;
GO

-- Per embedding type (or one): its embeddings, those stored before its landmarks were last written (the seeded one
-- or dbo.sp_ReplaceSpatialLandmarks), and the growth factor between them.
CREATE OR ALTER FUNCTION ops.fn_LandmarkGrowth (@EmbeddingType NVARCHAR(64))
RETURNS TABLE
AS
RETURN
    SELECT l.EmbeddingType, c.Embeddings, c.AtBuild,
           CAST(c.Embeddings AS FLOAT) / CASE WHEN c.AtBuild < 1 THEN 1 ELSE c.AtBuild END AS Growth
    FROM (SELECT EmbeddingType, MIN(CreatedAt) AS BuiltAt FROM dbo.SpatialLandmarks
          WHERE @EmbeddingType IS NULL OR EmbeddingType = @EmbeddingType
          GROUP BY EmbeddingType) AS l
    CROSS APPLY (SELECT COUNT_BIG(*) AS Embeddings,
                        COUNT_BIG(CASE WHEN e.CreatedAt <= l.BuiltAt THEN 1 END) AS AtBuild
                 FROM dbo.AtomEmbeddings AS e
                 WHERE e.EmbeddingType = l.EmbeddingType) AS c;
GO

-- Where the history retention (HistoryRetentionSeconds) ends: history rows valid until before it are past it.
CREATE OR ALTER FUNCTION ops.fn_HistoryCutoff ()
RETURNS DATETIME2(7)
AS
BEGIN
    RETURN DATEADD(SECOND, -COALESCE(TRY_CAST(ops.fn_Setting('HistoryRetentionSeconds') AS INT), 7776000),
                   SYSUTCDATETIME());
END;
GO

-- History valid until before @Cutoff that no weight snapshot needs: a snapshot is restored AS OF its TakenAt, which
-- reads the versions valid then (ValidFrom <= TakenAt < ValidTo), so those are kept however old they are.
-- ops.sp_PurgeHistory deletes exactly these. The weights' history keeps the name of the row table it replaces,
-- TensorAtomCoefficientsHistory, and is counted as that table's rows were: in weight values, SUM(Replaced) of the
-- segment versions (dbo.TensorSegmentsHistory).
CREATE OR ALTER FUNCTION ops.fn_HistoryPastRetention (@Cutoff DATETIME2(7))
RETURNS TABLE
AS
RETURN
    SELECT N'TensorAtomCoefficientsHistory' AS TableName,
           (SELECT COALESCE(SUM(CAST(h.Replaced AS BIGINT)), 0) FROM dbo.TensorSegmentsHistory AS h
            WHERE h.ValidTo < @Cutoff
              AND NOT EXISTS (SELECT 1 FROM dbo.WeightSnapshots AS s
                              WHERE s.ModelId = h.ModelId AND s.TakenAt >= h.ValidFrom AND s.TakenAt < h.ValidTo))
               AS PastRetention
    UNION ALL
    SELECT N'ModelLayersHistory',
           (SELECT COUNT_BIG(*) FROM dbo.ModelLayersHistory AS h
            WHERE h.ValidTo < @Cutoff
              AND NOT EXISTS (SELECT 1 FROM dbo.WeightSnapshots AS s
                              WHERE s.ModelId = h.ModelId AND s.TakenAt >= h.ValidFrom AND s.TakenAt < h.ValidTo));
GO

-- The observations about the storage's own rows, which are every tenant's: runs as hart_system, the one user the
-- row-level security predicates let see every tenant (015_principals.sql); the owner would see none of them.
CREATE OR ALTER PROCEDURE ops.sp_ObserveStorage
    @CycleId UNIQUEIDENTIFIER,
    @DryRun  BIT
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @dryRun BIT = @DryRun;
    DECLARE @growth FLOAT = COALESCE(TRY_CAST(ops.fn_Setting('OodaLandmarkGrowth') AS FLOAT), 2.0);
    DECLARE @minEmbeddings BIGINT = COALESCE(TRY_CAST(ops.fn_Setting('OodaMinEmbeddings') AS BIGINT), 2);
    DECLARE @cutoff DATETIME2(7) = ops.fn_HistoryCutoff();
    DECLARE @usageStart DATETIME2(7) = DATEADD(SECOND,
        -COALESCE(TRY_CAST(ops.fn_Setting('OodaUsageWindowSeconds') AS INT), 3600), SYSUTCDATETIME());
    DECLARE @hotspot BIGINT = COALESCE(TRY_CAST(ops.fn_Setting('OodaUsageHotspotRequests') AS BIGINT), 10000);

    -- Embedding types grown @growth times since their landmarks were derived: embeddings stored after the type's
    -- landmarks (dbo.sp_ReplaceSpatialLandmarks writes them anew) against those stored before.
    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, TargetObject, Detail, DryRun, Outcome, MetricBefore)
    SELECT @CycleId, 'ANALYZE', 'STALE_LANDMARKS', g.EmbeddingType,
           (SELECT g.EmbeddingType AS embeddingType, g.Embeddings AS embeddings, g.AtBuild AS atBuild
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER),
           @dryRun, 'OBSERVED', g.Growth
    FROM ops.fn_LandmarkGrowth(NULL) AS g
    WHERE g.Embeddings >= @minEmbeddings AND g.Growth >= @growth;

    -- History rows older than the retention.
    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, TargetObject, Detail, DryRun, Outcome, MetricBefore)
    SELECT @CycleId, 'ANALYZE', 'HISTORY_PAST_RETENTION', h.TableName,
           (SELECT h.TableName AS tableName, h.PastRetention AS rowsPastRetention, @cutoff AS cutoff
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER),
           @dryRun, 'OBSERVED', h.PastRetention
    FROM ops.fn_HistoryPastRetention(@cutoff) AS h
    WHERE h.PastRetention > 0;

    -- Usage hotspots: one tenant's operation requested often over the window. Reported, never acted on.
    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, TargetObject, Detail, DryRun, Outcome, MetricBefore)
    SELECT @CycleId, 'ANALYZE', 'USAGE_HOTSPOT', CONCAT(u.TenantId, N'/', u.Operation),
           (SELECT u.TenantId AS tenantId, u.Operation AS operation, COUNT_BIG(*) AS requests, SUM(u.Units) AS units
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER),
           @dryRun, 'OBSERVED', COUNT_BIG(*)
    FROM billing.UsageLedger AS u
    WHERE u.RecordedAt >= @usageStart
    GROUP BY u.TenantId, u.Operation
    HAVING COUNT_BIG(*) >= @hotspot;
END;
GO

-- The figure of one observation now, for Learn: STALE_LANDMARKS (growth factor of a type) or
-- HISTORY_PAST_RETENTION (rows of a history table). As hart_system, for the reason above; NULL for other kinds.
CREATE OR ALTER PROCEDURE ops.sp_MeasureStorage
    @Kind   VARCHAR(32),
    @Target NVARCHAR(776),
    @Value  FLOAT OUTPUT
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    SET @Value = NULL;
    IF @Kind = 'STALE_LANDMARKS'
        SELECT @Value = g.Growth FROM ops.fn_LandmarkGrowth(CAST(@Target AS NVARCHAR(64))) AS g;
    ELSE IF @Kind = 'HISTORY_PAST_RETENTION'
        SELECT @Value = h.PastRetention FROM ops.fn_HistoryPastRetention(ops.fn_HistoryCutoff()) AS h
        WHERE h.TableName = @Target;
END;
GO

-- Deletes the history of one history table that ops.fn_HistoryPastRetention counts (past the retention, needed by
-- no snapshot).
-- TensorAtomCoefficientsHistory: segment versions, whole, in transactions of at most @BatchRows weight values (at
-- least one version); then, per model whose versions went, under its tensor lock (dbo.sp_UpdateWeights), the
-- dictionary entries no current position uses (Occurrences = 0) that no version left points at (a deleted model's
-- whole dictionary once its last version is gone). Their atoms stay: the row model's purge left its leaves too.
-- ModelLayersHistory: the history table of a system-versioned table refuses DELETE while versioning is on, so
-- versioning is switched off and on around each batch (as dbo.sp_FailIngestionJob does), in one transaction with
-- XACT_ABORT so a failure never leaves versioning off. Batches of @BatchRows keep the schema lock that switch takes
-- short; other sessions wait on it. As hart_system, which holds CONTROL on dbo.ModelLayers and its history and
-- SELECT on the snapshots (095), and sees every tenant's rows. No revert: the rows are gone.
CREATE OR ALTER PROCEDURE ops.sp_PurgeHistory
    @TableName NVARCHAR(128),
    @BatchRows INT = 50000
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @cutoff DATETIME2(7) = ops.fn_HistoryCutoff();
    DECLARE @deleted INT = @BatchRows;
    DECLARE @model BIGINT, @tensorLock NVARCHAR(255), @lockResult INT, @message NVARCHAR(2048);
    IF @BatchRows IS NULL OR @BatchRows < 1
        THROW 50400, N'@BatchRows must be at least 1', 1;
    IF @TableName = N'TensorAtomCoefficientsHistory'
    BEGIN
        CREATE TABLE #Batch (
            ModelId    BIGINT       NOT NULL,
            LayerIdx   INT          NOT NULL,
            FirstIndex BIGINT       NOT NULL,
            ValidTo    DATETIME2(7) NOT NULL,
            PRIMARY KEY CLUSTERED (ModelId, LayerIdx, FirstIndex, ValidTo)
        );
        CREATE TABLE #Models (ModelId BIGINT NOT NULL PRIMARY KEY);
        CREATE TABLE #Used (Ordinal INT NOT NULL PRIMARY KEY);
        WHILE @deleted > 0
        BEGIN
            BEGIN TRANSACTION;
            INSERT INTO #Batch (ModelId, LayerIdx, FirstIndex, ValidTo)
            SELECT o.ModelId, o.LayerIdx, o.FirstIndex, o.ValidTo
            FROM (
                SELECT TOP (@BatchRows) h.ModelId, h.LayerIdx, h.FirstIndex, h.ValidTo, h.Replaced,
                       SUM(CAST(h.Replaced AS BIGINT))
                           OVER (ORDER BY h.ValidTo, h.ModelId, h.LayerIdx, h.FirstIndex ROWS UNBOUNDED PRECEDING)
                           AS Through
                FROM dbo.TensorSegmentsHistory AS h
                WHERE h.ValidTo < @cutoff
                  AND NOT EXISTS (SELECT 1 FROM dbo.WeightSnapshots AS s
                                  WHERE s.ModelId = h.ModelId AND s.TakenAt >= h.ValidFrom AND s.TakenAt < h.ValidTo)
                ORDER BY h.ValidTo, h.ModelId, h.LayerIdx, h.FirstIndex
            ) AS o
            WHERE o.Through - o.Replaced < @BatchRows;
            DELETE h
            FROM dbo.TensorSegmentsHistory AS h
            INNER JOIN #Batch AS b
                ON b.ModelId = h.ModelId AND b.LayerIdx = h.LayerIdx AND b.FirstIndex = h.FirstIndex
               AND b.ValidTo = h.ValidTo;
            SET @deleted = @@ROWCOUNT;
            INSERT INTO #Models (ModelId)
            SELECT DISTINCT b.ModelId FROM #Batch AS b
            WHERE NOT EXISTS (SELECT 1 FROM #Models AS m WHERE m.ModelId = b.ModelId);
            DELETE FROM #Batch;
            COMMIT TRANSACTION;
        END;

        SET @model = (SELECT MIN(ModelId) FROM #Models);
        WHILE @model IS NOT NULL
        BEGIN
            BEGIN TRANSACTION;
            SET @tensorLock = CONCAT(N'hart.tensors.', @model);
            EXEC @lockResult = sys.sp_getapplock @Resource = @tensorLock, @LockMode = 'Exclusive',
                                                 @LockOwner = 'Transaction', @LockTimeout = 60000;
            IF @lockResult < 0
            BEGIN
                SET @message = CONCAT(N'model ', @model, N': timed out waiting for a weight update to finish');
                THROW 50409, @message, 1;
            END;
            IF EXISTS (SELECT 1 FROM dbo.TensorDictionary WHERE ModelId = @model AND Occurrences = 0)
            BEGIN
                INSERT INTO #Used (Ordinal)
                SELECT DISTINCT p.Ordinal
                FROM dbo.TensorSegmentsHistory AS h
                CROSS APPLY dbo.fn_SegmentPositions(h.FirstIndex, 1, 0, h.OrdinalWidth, h.Ordinals, 0,
                                                    h.PositionCount - 1) AS p
                WHERE h.ModelId = @model;
                DELETE d
                FROM dbo.TensorDictionary AS d
                WHERE d.ModelId = @model AND d.Occurrences = 0
                  AND NOT EXISTS (SELECT 1 FROM #Used AS u WHERE u.Ordinal = d.Ordinal);
                DELETE FROM #Used;
            END;
            COMMIT TRANSACTION;
            SET @model = (SELECT MIN(ModelId) FROM #Models WHERE ModelId > @model);
        END;
        RETURN;
    END;
    -- Compiled only when run, while the history table is an ordinary table.
    DECLARE @delete NVARCHAR(MAX) = CASE @TableName
        WHEN N'ModelLayersHistory' THEN N'DELETE TOP (@batch) h FROM dbo.ModelLayersHistory AS h'
    END + N'
        WHERE h.ValidTo < @cutoff
          AND NOT EXISTS (SELECT 1 FROM dbo.WeightSnapshots AS s
                          WHERE s.ModelId = h.ModelId AND s.TakenAt >= h.ValidFrom AND s.TakenAt < h.ValidTo);
        SET @deleted = @@ROWCOUNT;';
    IF @delete IS NULL
        THROW 50400, N'only TensorAtomCoefficientsHistory and ModelLayersHistory are purged', 1;
    WHILE @deleted = @BatchRows
    BEGIN
        BEGIN TRANSACTION;
        ALTER TABLE dbo.ModelLayers SET (SYSTEM_VERSIONING = OFF);
        EXEC sys.sp_executesql @delete, N'@batch INT, @cutoff DATETIME2(7), @deleted INT OUTPUT',
            @batch = @BatchRows, @cutoff = @cutoff, @deleted = @deleted OUTPUT;
        ALTER TABLE dbo.ModelLayers SET (SYSTEM_VERSIONING = ON (
            HISTORY_TABLE = dbo.ModelLayersHistory, DATA_CONSISTENCY_CHECK = OFF));
        COMMIT TRANSACTION;
    END;
END;
GO

-- Observe: records what needs attention as ANALYZE / OBSERVED rows of the cycle.
CREATE OR ALTER PROCEDURE ops.sp_AnalyzeCycle
    @CycleId UNIQUEIDENTIFIER
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @dryRun BIT = COALESCE(TRY_CAST(ops.fn_Setting('OodaDryRun') AS BIT), 1);
    DECLARE @ratio FLOAT = COALESCE(TRY_CAST(ops.fn_Setting('OodaRegressionRatio') AS FLOAT), 2.0);
    DECLARE @minExecutions BIGINT = COALESCE(TRY_CAST(ops.fn_Setting('OodaMinExecutions') AS BIGINT), 20);
    DECLARE @reorganizePercent FLOAT = COALESCE(TRY_CAST(ops.fn_Setting('OodaReorganizePercent') AS FLOAT), 10);
    DECLARE @minPages BIGINT = COALESCE(TRY_CAST(ops.fn_Setting('OodaMinPageCount') AS BIGINT), 1000);
    DECLARE @stalePercent FLOAT = COALESCE(TRY_CAST(ops.fn_Setting('OodaStaleStatisticsPercent') AS FLOAT), 20);
    DECLARE @queueAlert BIGINT = COALESCE(TRY_CAST(ops.fn_Setting('OodaQueueDepthAlert') AS BIGINT), 10000);
    DECLARE @slowMillis FLOAT = COALESCE(TRY_CAST(ops.fn_Setting('OodaSlowOperationMillis') AS FLOAT), 1000);
    DECLARE @recentStart DATETIMEOFFSET = DATEADD(HOUR, -1, SYSDATETIMEOFFSET());

    -- The cycle itself, so a cycle that observed nothing is still listed (ops.sp_OodaListCycles).
    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, DryRun, Outcome)
    VALUES (@CycleId, 'ANALYZE', 'CYCLE', @dryRun, 'OBSERVED');

    -- Query Store: queries whose executions of the last hour took @slowMillis or more on average (milliseconds;
    -- Query Store keeps microseconds). Reported, never acted on: a plan that got slower is a PLAN_REGRESSION below.
    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, TargetObject, Detail, DryRun, Outcome, MetricBefore)
    SELECT @CycleId, 'ANALYZE', 'SLOW_QUERY',
           CONCAT(N'query ', s.query_id,
                  CASE WHEN q.object_id <> 0
                       THEN CONCAT(N' (', OBJECT_SCHEMA_NAME(q.object_id), N'.', OBJECT_NAME(q.object_id), N')') END),
           (SELECT s.query_id AS queryId, s.executions, s.avg_ms AS meanMillis, s.max_ms AS maxMillis
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER),
           @dryRun, 'OBSERVED', s.avg_ms
    FROM (
        SELECT p.query_id, SUM(rs.count_executions) AS executions,
               SUM(rs.avg_duration * rs.count_executions) / NULLIF(SUM(rs.count_executions), 0) / 1000.0 AS avg_ms,
               MAX(rs.max_duration) / 1000.0 AS max_ms
        FROM sys.query_store_runtime_stats AS rs
        INNER JOIN sys.query_store_runtime_stats_interval AS i
            ON i.runtime_stats_interval_id = rs.runtime_stats_interval_id
        INNER JOIN sys.query_store_plan AS p ON p.plan_id = rs.plan_id
        WHERE i.start_time >= @recentStart
        GROUP BY p.query_id
    ) AS s
    INNER JOIN sys.query_store_query AS q ON q.query_id = s.query_id
    WHERE s.executions >= @minExecutions AND s.avg_ms >= @slowMillis;

    -- Query Store: a query whose plan of the last hour runs slower than @ratio times its best earlier plan.
    WITH per_plan AS (
        SELECT p.query_id, p.plan_id,
               SUM(CASE WHEN i.start_time >= @recentStart THEN rs.avg_duration * rs.count_executions END)
                   / NULLIF(SUM(CASE WHEN i.start_time >= @recentStart THEN rs.count_executions END), 0) AS recent_avg,
               SUM(CASE WHEN i.start_time >= @recentStart THEN rs.count_executions ELSE 0 END) AS recent_executions,
               SUM(CASE WHEN i.start_time < @recentStart THEN rs.avg_duration * rs.count_executions END)
                   / NULLIF(SUM(CASE WHEN i.start_time < @recentStart THEN rs.count_executions END), 0) AS earlier_avg,
               SUM(CASE WHEN i.start_time < @recentStart THEN rs.count_executions ELSE 0 END) AS earlier_executions
        FROM sys.query_store_runtime_stats AS rs
        INNER JOIN sys.query_store_runtime_stats_interval AS i
            ON i.runtime_stats_interval_id = rs.runtime_stats_interval_id
        INNER JOIN sys.query_store_plan AS p ON p.plan_id = rs.plan_id
        WHERE i.start_time >= DATEADD(DAY, -2, SYSDATETIMEOFFSET())
        GROUP BY p.query_id, p.plan_id
    ),
    recent AS (
        SELECT query_id, plan_id, recent_avg FROM per_plan WHERE recent_executions >= @minExecutions
    ),
    best_earlier AS (
        SELECT query_id, plan_id, earlier_avg,
               ROW_NUMBER() OVER (PARTITION BY query_id ORDER BY earlier_avg) AS position
        FROM per_plan
        WHERE earlier_executions >= @minExecutions
    )
    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, TargetObject, Detail, DryRun, Outcome, MetricBefore)
    SELECT @CycleId, 'ANALYZE', 'PLAN_REGRESSION', CONCAT(N'query ', r.query_id),
           (SELECT r.query_id AS queryId, r.plan_id AS regressedPlanId, b.plan_id AS lastGoodPlanId,
                   r.recent_avg AS recentAvgDurationUs, b.earlier_avg AS lastGoodAvgDurationUs
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER),
           @dryRun, 'OBSERVED', r.recent_avg
    FROM recent AS r
    INNER JOIN best_earlier AS b ON b.query_id = r.query_id AND b.position = 1 AND b.plan_id <> r.plan_id
    WHERE r.recent_avg > @ratio * b.earlier_avg
      AND NOT EXISTS (SELECT 1 FROM sys.query_store_plan AS f WHERE f.query_id = r.query_id AND f.is_forced_plan = 1);

    -- Rowstore indexes large and fragmented enough to matter.
    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, TargetObject, Detail, DryRun, Outcome, MetricBefore)
    SELECT @CycleId, 'ANALYZE', 'FRAGMENTATION',
           CONCAT(QUOTENAME(SCHEMA_NAME(o.schema_id)), N'.', QUOTENAME(o.name), N' ', QUOTENAME(i.name)),
           (SELECT o.object_id AS objectId, i.index_id AS indexId, SCHEMA_NAME(o.schema_id) AS schemaName,
                   o.name AS tableName, i.name AS indexName, s.avg_fragmentation_in_percent AS fragmentationPercent,
                   s.page_count AS pageCount
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER),
           @dryRun, 'OBSERVED', s.avg_fragmentation_in_percent
    FROM sys.dm_db_index_physical_stats(DB_ID(), NULL, NULL, NULL, 'LIMITED') AS s
    INNER JOIN sys.indexes AS i ON i.object_id = s.object_id AND i.index_id = s.index_id
    INNER JOIN sys.objects AS o ON o.object_id = s.object_id
    WHERE o.type = 'U' AND o.is_ms_shipped = 0 AND i.type IN (1, 2) AND s.alloc_unit_type_desc = N'IN_ROW_DATA'
      AND s.page_count >= @minPages AND s.avg_fragmentation_in_percent >= @reorganizePercent;

    -- Statistics on which a large share of the rows changed since they were last updated (staging churns by
    -- design and is left out).
    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, TargetObject, Detail, DryRun, Outcome, MetricBefore)
    SELECT @CycleId, 'ANALYZE', 'STALE_STATISTICS',
           CONCAT(QUOTENAME(SCHEMA_NAME(o.schema_id)), N'.', QUOTENAME(o.name), N' ', QUOTENAME(st.name)),
           (SELECT o.object_id AS objectId, st.stats_id AS statsId, SCHEMA_NAME(o.schema_id) AS schemaName,
                   o.name AS tableName, st.name AS statsName, sp.rows AS tableRows,
                   sp.modification_counter AS modifications
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER),
           @dryRun, 'OBSERVED', sp.modification_counter * 100.0 / sp.rows
    FROM sys.stats AS st
    INNER JOIN sys.objects AS o ON o.object_id = st.object_id
    CROSS APPLY sys.dm_db_stats_properties(st.object_id, st.stats_id) AS sp
    WHERE o.type = 'U' AND o.is_ms_shipped = 0 AND o.name NOT LIKE N'Staging%'
      AND sp.rows > 0 AND sp.modification_counter * 100.0 / sp.rows >= @stalePercent;

    -- Queue depths: Service Broker queues and the lease queue. Reported, never acted on.
    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, TargetObject, Detail, DryRun, Outcome, MetricBefore)
    SELECT @CycleId, 'ANALYZE', 'QUEUE_DEPTH', d.TargetObject,
           (SELECT d.QueueName AS queueName, d.Depth AS depth FOR JSON PATH, WITHOUT_ARRAY_WRAPPER),
           @dryRun, 'OBSERVED', d.Depth
    FROM (
        SELECT CONCAT(QUOTENAME(SCHEMA_NAME(q.schema_id)), N'.', QUOTENAME(q.name)) COLLATE DATABASE_DEFAULT
                   AS TargetObject,
               CAST(q.name AS NVARCHAR(128)) COLLATE DATABASE_DEFAULT AS QueueName, SUM(p.rows) AS Depth
        FROM sys.service_queues AS q
        INNER JOIN sys.internal_tables AS it ON it.parent_object_id = q.object_id
        INNER JOIN sys.partitions AS p ON p.object_id = it.object_id AND p.index_id = 1
        WHERE q.is_ms_shipped = 0
        GROUP BY q.schema_id, q.name
        UNION ALL
        SELECT CONCAT(N'ops.QueueMessages ', QUOTENAME(m.QueueName)) COLLATE DATABASE_DEFAULT,
               m.QueueName COLLATE DATABASE_DEFAULT, COUNT_BIG(*)
        FROM ops.QueueMessages AS m
        GROUP BY m.QueueName
    ) AS d
    WHERE d.Depth >= @queueAlert;

    -- Dead letters per queue (062): any is worth an operator's look; no action is proposed for them.
    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, TargetObject, Detail, DryRun, Outcome, MetricBefore)
    SELECT @CycleId, 'ANALYZE', 'DEAD_LETTERS', l.QueueName,
           (SELECT l.QueueName AS queueName, l.Letters AS deadLetters FOR JSON PATH, WITHOUT_ARRAY_WRAPPER),
           @dryRun, 'OBSERVED', l.Letters
    FROM (
        SELECT QueueName, COUNT_BIG(*) AS Letters FROM ops.DeadLetters GROUP BY QueueName
    ) AS l;

    -- Stale landmarks, history past retention, usage hotspots: every tenant's rows (see ops.sp_ObserveStorage).
    EXEC ops.sp_ObserveStorage @CycleId = @CycleId, @DryRun = @dryRun;
END;
GO

-- Orient: turns the cycle's observations into safe actions with exact commands (names come from the catalog and
-- are quoted), unless the same action is already waiting.
CREATE OR ALTER PROCEDURE ops.sp_HypothesizeCycle
    @CycleId UNIQUEIDENTIFIER
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @dryRun BIT = COALESCE(TRY_CAST(ops.fn_Setting('OodaDryRun') AS BIT), 1);
    DECLARE @requireApproval BIT = COALESCE(TRY_CAST(ops.fn_Setting('OodaRequireApproval') AS BIT), 1);
    DECLARE @rebuildPercent FLOAT = COALESCE(TRY_CAST(ops.fn_Setting('OodaRebuildPercent') AS FLOAT), 30);
    -- Online rebuilds need Enterprise or Developer edition (engine edition 3).
    DECLARE @online BIT = CASE WHEN CAST(SERVERPROPERTY('EngineEdition') AS INT) = 3 THEN 1 ELSE 0 END;
    DECLARE @state VARCHAR(16) = CASE WHEN @requireApproval = 1 THEN 'PROPOSED' ELSE 'APPROVED' END;
    DECLARE @proposed TABLE (ActionId BIGINT NOT NULL);

    INSERT INTO ops.OodaActions (CycleId, ActionKind, TargetObject, Command, Evidence, QueryId, PlanId, MetricBefore,
                                 ExpectedEffect, State)
    OUTPUT inserted.ActionId INTO @proposed (ActionId)
    SELECT @CycleId, a.ActionKind, h.TargetObject, a.Command, h.Detail, a.QueryId, a.PlanId, h.MetricBefore,
           CASE a.ActionKind
               WHEN 'REBUILD_INDEX' THEN CONCAT(N'rebuild the index: fragmentation ', ROUND(h.MetricBefore, 0), N'% -> about 0%')
               WHEN 'REORGANIZE_INDEX' THEN CONCAT(N'reorganize the index: fragmentation ', ROUND(h.MetricBefore, 0), N'% -> lower')
               WHEN 'UPDATE_STATISTICS' THEN CONCAT(N'update the statistics: rows changed since the last update ', ROUND(h.MetricBefore, 0), N'% -> 0%')
               WHEN 'FORCE_PLAN' THEN CONCAT(N'force the last good plan: average duration ', ROUND(h.MetricBefore, 0), N' us -> that plan''s; unforced by Learn if slower')
               WHEN 'PURGE_HISTORY' THEN CONCAT(N'delete the ', h.MetricBefore, N' history rows older than the retention -> 0 (AS OF before the cutoff is no longer possible)')
               WHEN 'REBUILD_PROJECTION' THEN CONCAT(N're-derive the landmarks from all embeddings and re-project them: growth x', ROUND(h.MetricBefore, 2), N' -> x1')
           END,
           @state
    FROM ops.ImprovementHistory AS h
    CROSS APPLY (
        SELECT
            CASE
                WHEN h.Kind = 'FRAGMENTATION' AND h.MetricBefore >= @rebuildPercent THEN 'REBUILD_INDEX'
                WHEN h.Kind = 'FRAGMENTATION' THEN 'REORGANIZE_INDEX'
                WHEN h.Kind = 'STALE_STATISTICS' THEN 'UPDATE_STATISTICS'
                WHEN h.Kind = 'PLAN_REGRESSION' THEN 'FORCE_PLAN'
                WHEN h.Kind = 'HISTORY_PAST_RETENTION' THEN 'PURGE_HISTORY'
                -- Derived in the engine (k-means in Java over dbo.sp_GetSpatialLandmarkSample), not by Act.
                WHEN h.Kind = 'STALE_LANDMARKS' THEN 'REBUILD_PROJECTION'
            END AS ActionKind,
            CASE
                WHEN h.Kind = 'FRAGMENTATION' THEN
                    CONCAT(N'ALTER INDEX ', QUOTENAME(JSON_VALUE(h.Detail, '$.indexName')), N' ON ',
                           QUOTENAME(JSON_VALUE(h.Detail, '$.schemaName')), N'.',
                           QUOTENAME(JSON_VALUE(h.Detail, '$.tableName')),
                           CASE WHEN h.MetricBefore < @rebuildPercent THEN N' REORGANIZE'
                                WHEN @online = 1 THEN N' REBUILD WITH (ONLINE = ON)'
                                ELSE N' REBUILD' END)
                WHEN h.Kind = 'STALE_STATISTICS' THEN
                    CONCAT(N'UPDATE STATISTICS ', QUOTENAME(JSON_VALUE(h.Detail, '$.schemaName')), N'.',
                           QUOTENAME(JSON_VALUE(h.Detail, '$.tableName')), N' ',
                           QUOTENAME(JSON_VALUE(h.Detail, '$.statsName')))
                WHEN h.Kind = 'PLAN_REGRESSION' THEN
                    CONCAT(N'EXEC sys.sp_query_store_force_plan @query_id = ',
                           TRY_CAST(JSON_VALUE(h.Detail, '$.queryId') AS BIGINT), N', @plan_id = ',
                           TRY_CAST(JSON_VALUE(h.Detail, '$.lastGoodPlanId') AS BIGINT), N';')
                WHEN h.Kind = 'HISTORY_PAST_RETENTION' THEN CONCAT(N'PURGE HISTORY ', h.TargetObject)
                WHEN h.Kind = 'STALE_LANDMARKS' THEN CONCAT(N'REBUILD PROJECTION ', h.TargetObject)
            END AS Command,
            CASE WHEN h.Kind = 'PLAN_REGRESSION' THEN TRY_CAST(JSON_VALUE(h.Detail, '$.queryId') AS BIGINT) END AS QueryId,
            CASE WHEN h.Kind = 'PLAN_REGRESSION'
                 THEN TRY_CAST(JSON_VALUE(h.Detail, '$.lastGoodPlanId') AS BIGINT) END AS PlanId
    ) AS a
    WHERE h.CycleId = @CycleId AND h.Phase = 'ANALYZE' AND a.ActionKind IS NOT NULL AND a.Command IS NOT NULL
      AND NOT EXISTS (
            SELECT 1 FROM ops.OodaActions AS w
            WHERE w.TargetObject = h.TargetObject AND w.ActionKind = a.ActionKind
              AND w.State IN ('PROPOSED', 'APPROVED'));

    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, Detail, Command, DryRun, Outcome, MetricBefore)
    SELECT @CycleId, 'HYPOTHESIZE', x.ActionKind, x.ActionId, x.TargetObject, x.Evidence, x.Command, @dryRun,
           'PROPOSED', x.MetricBefore
    FROM ops.OodaActions AS x
    INNER JOIN @proposed AS p ON p.ActionId = x.ActionId;
END;
GO

-- Decide and act: applies approved actions, oldest first, at most OodaMaxChangesPerCycle of them (@Acted: how many
-- it took on, so the engine's projection rebuilds stay within the same cap). A dry run (@DryRun, or the OodaDryRun
-- setting when @DryRun is NULL) records each as SKIPPED and changes nothing; the emergency stop acts on nothing. An
-- action is claimed (AppliedAt) before it runs, so two cycles at once never apply it twice. Never called inside a
-- caller's transaction (activation and the operator procedures call it in auto-commit), so a failed action's doomed
-- transaction is rolled back here.
CREATE OR ALTER PROCEDURE ops.sp_ActCycle
    @CycleId UNIQUEIDENTIFIER,
    @DryRun  BIT = NULL,
    @Acted   INT = NULL OUTPUT
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @dry BIT = COALESCE(@DryRun, TRY_CAST(ops.fn_Setting('OodaDryRun') AS BIT), 1);
    DECLARE @maxChanges INT = COALESCE(TRY_CAST(ops.fn_Setting('OodaMaxChangesPerCycle') AS INT), 5);
    DECLARE @actionId BIGINT, @kind VARCHAR(32), @target NVARCHAR(776), @command NVARCHAR(MAX), @done INT = 0;
    SET @Acted = 0;
    IF ops.fn_OodaRunning() = 0
        RETURN;

    SET @actionId = (SELECT MIN(ActionId) FROM ops.OodaActions
                     WHERE State = 'APPROVED' AND AppliedAt IS NULL AND ActionKind <> 'REBUILD_PROJECTION');
    WHILE @actionId IS NOT NULL AND @done < @maxChanges
    BEGIN
        SELECT @kind = ActionKind, @target = TargetObject, @command = Command
        FROM ops.OodaActions WHERE ActionId = @actionId;

        -- Only the command shapes Hypothesize builds are ever executed.
        IF NOT ((@kind = 'UPDATE_STATISTICS' AND @command LIKE N'UPDATE STATISTICS %')
                OR (@kind = 'REORGANIZE_INDEX' AND @command LIKE N'ALTER INDEX % REORGANIZE')
                OR (@kind = 'REBUILD_INDEX' AND @command LIKE N'ALTER INDEX % REBUILD%')
                OR (@kind = 'FORCE_PLAN' AND @command LIKE N'EXEC sys.sp_query_store_force_plan @query_id = %')
                OR (@kind = 'PURGE_HISTORY' AND @target IN (N'ModelLayersHistory', N'TensorAtomCoefficientsHistory')))
        BEGIN
            UPDATE ops.OodaActions SET State = 'FAILED', AppliedAt = SYSUTCDATETIME(),
                ErrorMessage = N'the command does not have the shape of a safe action and was not run'
            WHERE ActionId = @actionId;
            INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, Command, DryRun, Outcome, ErrorMessage)
            VALUES (@CycleId, 'ACT', @kind, @actionId, @target, @command, @dry, 'FAILED',
                    N'the command does not have the shape of a safe action and was not run');
        END
        ELSE IF @dry = 1
            INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, Command, DryRun, Outcome)
            VALUES (@CycleId, 'ACT', @kind, @actionId, @target, @command, 1, 'SKIPPED');
        ELSE
        BEGIN
            -- The claim: an action another cycle took meanwhile (or that was rejected) is not this cycle's change.
            UPDATE ops.OodaActions SET AppliedAt = SYSUTCDATETIME()
            WHERE ActionId = @actionId AND State = 'APPROVED' AND AppliedAt IS NULL;
            IF @@ROWCOUNT = 0
                SET @done = @done - 1;
            ELSE
            BEGIN
                BEGIN TRY
                    IF @kind = 'PURGE_HISTORY'
                        EXEC ops.sp_PurgeHistory @TableName = @target;
                    ELSE
                        EXEC sys.sp_executesql @command;
                    UPDATE ops.OodaActions SET State = 'APPLIED', AppliedAt = SYSUTCDATETIME() WHERE ActionId = @actionId;
                    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, Command, DryRun, Outcome)
                    VALUES (@CycleId, 'ACT', @kind, @actionId, @target, @command, 0, 'APPLIED');
                END TRY
                BEGIN CATCH
                    IF @@TRANCOUNT > 0
                        ROLLBACK TRANSACTION;
                    UPDATE ops.OodaActions SET State = 'FAILED', AppliedAt = SYSUTCDATETIME(),
                        ErrorMessage = LEFT(ERROR_MESSAGE(), 4000)
                    WHERE ActionId = @actionId;
                    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, Command, DryRun, Outcome, ErrorMessage)
                    VALUES (@CycleId, 'ACT', @kind, @actionId, @target, @command, 0, 'FAILED', LEFT(ERROR_MESSAGE(), 4000));
                END CATCH;
            END;
        END;
        SET @done = @done + 1;
        SET @actionId = (SELECT MIN(ActionId) FROM ops.OodaActions
                         WHERE State = 'APPROVED' AND AppliedAt IS NULL AND ActionKind <> 'REBUILD_PROJECTION'
                           AND ActionId > @actionId);
    END;
    SET @Acted = CASE WHEN @dry = 1 THEN 0 ELSE @done END;
END;
GO

-- Learn: checks applied actions by measuring the same observation again (MetricAfter, MeasuredEffect). A forced
-- plan that turned out slower than the regression it answered is unforced (unless running dry) and marked REVERTED;
-- the other kinds have no revert. Nothing happens while the emergency stop holds.
CREATE OR ALTER PROCEDURE ops.sp_LearnCycle
    @CycleId UNIQUEIDENTIFIER,
    @DryRun  BIT = NULL
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @dry BIT = COALESCE(@DryRun, TRY_CAST(ops.fn_Setting('OodaDryRun') AS BIT), 1);
    DECLARE @minExecutions BIGINT = COALESCE(TRY_CAST(ops.fn_Setting('OodaMinExecutions') AS BIGINT), 20);
    DECLARE @actionId BIGINT, @kind VARCHAR(32), @target NVARCHAR(776), @evidence NVARCHAR(MAX);
    DECLARE @before FLOAT, @after FLOAT, @executions BIGINT, @appliedAt DATETIME2(7), @queryId BIGINT, @planId BIGINT;
    IF ops.fn_OodaRunning() = 0
        RETURN;

    SET @actionId = (SELECT MIN(ActionId) FROM ops.OodaActions WHERE State = 'APPLIED');
    WHILE @actionId IS NOT NULL
    BEGIN
        SELECT @kind = ActionKind, @target = TargetObject, @evidence = Evidence, @before = MetricBefore,
               @appliedAt = AppliedAt, @queryId = QueryId, @planId = PlanId
        FROM ops.OodaActions WHERE ActionId = @actionId;
        SELECT @after = NULL, @executions = 0;

        IF @kind IN ('REORGANIZE_INDEX', 'REBUILD_INDEX')
        BEGIN
            SELECT @after = MAX(s.avg_fragmentation_in_percent)
            FROM sys.dm_db_index_physical_stats(
                DB_ID(), TRY_CAST(JSON_VALUE(@evidence, '$.objectId') AS INT),
                TRY_CAST(JSON_VALUE(@evidence, '$.indexId') AS INT), NULL, 'LIMITED') AS s
            WHERE s.alloc_unit_type_desc = N'IN_ROW_DATA';
            UPDATE ops.OodaActions SET State = 'VERIFIED', MetricAfter = @after,
                MeasuredEffect = CONCAT(N'fragmentation ', ROUND(@before, 1), N'% -> ', ROUND(@after, 1), N'% (no revert)')
            WHERE ActionId = @actionId;
            INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, DryRun, Outcome, MetricBefore, MetricAfter)
            VALUES (@CycleId, 'LEARN', @kind, @actionId, @target, @dry, 'VERIFIED', @before, @after);
        END
        ELSE IF @kind = 'UPDATE_STATISTICS'
        BEGIN
            SELECT @after = CASE WHEN sp.rows > 0 THEN sp.modification_counter * 100.0 / sp.rows END
            FROM sys.dm_db_stats_properties(
                TRY_CAST(JSON_VALUE(@evidence, '$.objectId') AS INT),
                TRY_CAST(JSON_VALUE(@evidence, '$.statsId') AS INT)) AS sp;
            UPDATE ops.OodaActions SET State = 'VERIFIED', MetricAfter = @after,
                MeasuredEffect = CONCAT(N'rows changed since the update ', ROUND(@before, 1), N'% -> ', ROUND(@after, 1), N'% (no revert)')
            WHERE ActionId = @actionId;
            INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, DryRun, Outcome, MetricBefore, MetricAfter)
            VALUES (@CycleId, 'LEARN', @kind, @actionId, @target, @dry, 'VERIFIED', @before, @after);
        END
        ELSE IF @kind = 'FORCE_PLAN'
        BEGIN
            -- Judge a forced plan only once it has run often enough since it was forced.
            SELECT @after = SUM(rs.avg_duration * rs.count_executions) / NULLIF(SUM(rs.count_executions), 0),
                   @executions = COALESCE(SUM(rs.count_executions), 0)
            FROM sys.query_store_runtime_stats AS rs
            INNER JOIN sys.query_store_runtime_stats_interval AS i
                ON i.runtime_stats_interval_id = rs.runtime_stats_interval_id
            WHERE rs.plan_id = @planId AND i.end_time > TODATETIMEOFFSET(@appliedAt, 0);

            IF @executions >= @minExecutions
            BEGIN
                IF @after > @before
                BEGIN
                    IF @dry = 0
                    BEGIN
                        BEGIN TRY
                            EXEC sys.sp_query_store_unforce_plan @query_id = @queryId, @plan_id = @planId;
                            UPDATE ops.OodaActions SET State = 'REVERTED', MetricAfter = @after,
                                MeasuredEffect = CONCAT(N'average duration ', ROUND(@before, 0), N' us -> ', ROUND(@after, 0), N' us: slower, plan unforced')
                            WHERE ActionId = @actionId;
                            INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, DryRun, Outcome, MetricBefore, MetricAfter)
                            VALUES (@CycleId, 'LEARN', @kind, @actionId, @target, 0, 'REVERTED', @before, @after);
                        END TRY
                        BEGIN CATCH
                            INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, DryRun, Outcome, MetricBefore, MetricAfter, ErrorMessage)
                            VALUES (@CycleId, 'LEARN', @kind, @actionId, @target, 0, 'FAILED', @before, @after, LEFT(ERROR_MESSAGE(), 4000));
                        END CATCH;
                    END
                    ELSE
                        INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, DryRun, Outcome, MetricBefore, MetricAfter)
                        VALUES (@CycleId, 'LEARN', @kind, @actionId, @target, 1, 'REGRESSED', @before, @after);
                END
                ELSE
                BEGIN
                    UPDATE ops.OodaActions SET State = 'VERIFIED', MetricAfter = @after,
                        MeasuredEffect = CONCAT(N'average duration ', ROUND(@before, 0), N' us -> ', ROUND(@after, 0), N' us')
                    WHERE ActionId = @actionId;
                    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, DryRun, Outcome, MetricBefore, MetricAfter)
                    VALUES (@CycleId, 'LEARN', @kind, @actionId, @target, @dry, 'VERIFIED', @before, @after);
                END;
            END;
        END
        ELSE IF @kind = 'PURGE_HISTORY'
        BEGIN
            EXEC ops.sp_MeasureStorage @Kind = 'HISTORY_PAST_RETENTION', @Target = @target, @Value = @after OUTPUT;
            UPDATE ops.OodaActions SET State = 'VERIFIED', MetricAfter = @after,
                MeasuredEffect = CONCAT(N'history rows past retention ', @before, N' -> ', @after, N' (no revert: the rows are gone)')
            WHERE ActionId = @actionId;
            INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, DryRun, Outcome, MetricBefore, MetricAfter)
            VALUES (@CycleId, 'LEARN', @kind, @actionId, @target, @dry, 'VERIFIED', @before, @after);
        END;
        SET @actionId = (SELECT MIN(ActionId) FROM ops.OodaActions WHERE State = 'APPLIED' AND ActionId > @actionId);
    END;
END;
GO

-- Runs one whole cycle in line (no Service Broker). Result: the cycle's history rows. Refused while stopped.
CREATE OR ALTER PROCEDURE ops.sp_RunOodaCycle
    @DryRun BIT = NULL
AS
BEGIN
    SET NOCOUNT ON;
    IF ops.fn_OodaRunning() = 0
        THROW 50409, N'the OODA loop is stopped (emergency stop): start it before running a cycle', 1;
    DECLARE @cycleId UNIQUEIDENTIFIER = NEWID();
    EXEC ops.sp_AnalyzeCycle @CycleId = @cycleId;
    EXEC ops.sp_HypothesizeCycle @CycleId = @cycleId;
    EXEC ops.sp_ActCycle @CycleId = @cycleId, @DryRun = @DryRun;
    EXEC ops.sp_LearnCycle @CycleId = @cycleId, @DryRun = @DryRun;
    SELECT ImprovementId, CycleId, Phase, Kind, ActionId, TargetObject, Detail, Command, DryRun, Outcome,
           MetricBefore, MetricAfter, ErrorMessage, RecordedAt
    FROM ops.ImprovementHistory
    WHERE CycleId = @cycleId
    ORDER BY ImprovementId;
END;
GO

-- Starts a cycle through Service Broker. Result: CycleId. Refused while stopped.
CREATE OR ALTER PROCEDURE ops.sp_StartOodaCycle
AS
BEGIN
    SET NOCOUNT ON;
    IF ops.fn_OodaRunning() = 0
        THROW 50409, N'the OODA loop is stopped (emergency stop): start it before running a cycle', 1;
    DECLARE @cycleId UNIQUEIDENTIFIER = NEWID();
    EXEC ops.sp_SendOodaMessage @Phase = 'ANALYZE', @CycleId = @cycleId;
    SELECT @cycleId AS CycleId;
END;
GO

CREATE OR ALTER PROCEDURE ops.sp_ApproveOodaAction
    @ActionId   BIGINT,
    @ApprovedBy NVARCHAR(128)
AS
BEGIN
    SET NOCOUNT ON;
    UPDATE ops.OodaActions
    SET State = 'APPROVED', DecidedAt = SYSUTCDATETIME(), DecidedBy = @ApprovedBy
    WHERE ActionId = @ActionId AND State = 'PROPOSED';
    SELECT CAST(CASE WHEN @@ROWCOUNT = 1 THEN 1 ELSE 0 END AS BIT) AS Approved;
END;
GO

CREATE OR ALTER PROCEDURE ops.sp_RejectOodaAction
    @ActionId   BIGINT,
    @RejectedBy NVARCHAR(128)
AS
BEGIN
    SET NOCOUNT ON;
    UPDATE ops.OodaActions
    SET State = 'REJECTED', DecidedAt = SYSUTCDATETIME(), DecidedBy = @RejectedBy
    WHERE ActionId = @ActionId AND State IN ('PROPOSED', 'APPROVED') AND AppliedAt IS NULL;
    SELECT CAST(CASE WHEN @@ROWCOUNT = 1 THEN 1 ELSE 0 END AS BIT) AS Rejected;
END;
GO

-- What an activation procedure does when its phase fails: records the failed phase in the cycle's history and parks
-- the message in ops.DeadLetters (062) with the error, so it is visible in GET /api/admin/queues and the queue keeps
-- flowing. A phase is not delivered again: its work ran in its own transactions up to the failure, so running it
-- once more could act twice; a later cycle observes afresh. Hence one delivery, then the dead-letter table.
CREATE OR ALTER PROCEDURE ops.sp_OodaPhaseFailed
    @CycleId   UNIQUEIDENTIFIER,
    @Phase     VARCHAR(16),
    @QueueName NVARCHAR(128),
    @Body      VARBINARY(MAX),
    @Error     NVARCHAR(4000)
AS
BEGIN
    SET NOCOUNT ON;
    IF XACT_STATE() <> 0
        ROLLBACK TRANSACTION;
    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, DryRun, Outcome, ErrorMessage)
    VALUES (COALESCE(@CycleId, NEWID()), @Phase, 'PHASE', 1, 'FAILED', @Error);
    DECLARE @text NVARCHAR(MAX) = CAST(@Body AS NVARCHAR(MAX));
    EXEC ops.sp_AddDeadLetter @QueueName = @QueueName, @Body = @text, @Error = @Error, @Deliveries = 1;
END;
GO

-- The activation procedures. Each drains its queue: for its phase's message it runs the phase, sends the cycle
-- to the next phase and ends the dialog; end-of-dialog and error messages just end the dialog. A phase that fails
-- is recorded and its message dead-lettered, not retried (ops.sp_OodaPhaseFailed; a rollback instead would
-- return a poison message to the queue, and five in a row disable it). The emergency stop
-- turns activation off (ops.sp_OodaSetRunning), but an instance already running keeps draining its queue, so each
-- also drops a cycle it receives while stopped.
CREATE OR ALTER PROCEDURE ops.sp_Analyze
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @handle UNIQUEIDENTIFIER, @type NVARCHAR(256), @body VARBINARY(MAX), @cycleId UNIQUEIDENTIFIER,
            @error NVARCHAR(4000);
    WHILE 1 = 1
    BEGIN
        SET @handle = NULL;
        WAITFOR (
            RECEIVE TOP (1) @handle = conversation_handle, @type = message_type_name, @body = message_body
            FROM ops.OodaAnalyzeQueue
        ), TIMEOUT 1000;
        IF @handle IS NULL
            BREAK;
        IF @type = N'//hartonomous/ooda/Cycle' AND ops.fn_OodaRunning() = 1
        BEGIN
            SET @cycleId = TRY_CAST(JSON_VALUE(CAST(@body AS NVARCHAR(MAX)), '$.cycleId') AS UNIQUEIDENTIFIER);
            BEGIN TRY
                EXEC ops.sp_AnalyzeCycle @CycleId = @cycleId;
                EXEC ops.sp_SendOodaMessage @Phase = 'HYPOTHESIZE', @CycleId = @cycleId;
            END TRY
            BEGIN CATCH
                SET @error = LEFT(ERROR_MESSAGE(), 4000);
                EXEC ops.sp_OodaPhaseFailed @CycleId = @cycleId, @Phase = 'ANALYZE',
                     @QueueName = N'ops.OodaAnalyzeQueue', @Body = @body, @Error = @error;
            END CATCH;
        END;
        END CONVERSATION @handle;
    END;
END;
GO

CREATE OR ALTER PROCEDURE ops.sp_Hypothesize
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @handle UNIQUEIDENTIFIER, @type NVARCHAR(256), @body VARBINARY(MAX), @cycleId UNIQUEIDENTIFIER,
            @error NVARCHAR(4000);
    WHILE 1 = 1
    BEGIN
        SET @handle = NULL;
        WAITFOR (
            RECEIVE TOP (1) @handle = conversation_handle, @type = message_type_name, @body = message_body
            FROM ops.OodaHypothesizeQueue
        ), TIMEOUT 1000;
        IF @handle IS NULL
            BREAK;
        IF @type = N'//hartonomous/ooda/Observed' AND ops.fn_OodaRunning() = 1
        BEGIN
            SET @cycleId = TRY_CAST(JSON_VALUE(CAST(@body AS NVARCHAR(MAX)), '$.cycleId') AS UNIQUEIDENTIFIER);
            BEGIN TRY
                EXEC ops.sp_HypothesizeCycle @CycleId = @cycleId;
                EXEC ops.sp_SendOodaMessage @Phase = 'ACT', @CycleId = @cycleId;
            END TRY
            BEGIN CATCH
                SET @error = LEFT(ERROR_MESSAGE(), 4000);
                EXEC ops.sp_OodaPhaseFailed @CycleId = @cycleId, @Phase = 'HYPOTHESIZE',
                     @QueueName = N'ops.OodaHypothesizeQueue', @Body = @body, @Error = @error;
            END CATCH;
        END;
        END CONVERSATION @handle;
    END;
END;
GO

CREATE OR ALTER PROCEDURE ops.sp_Act
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @handle UNIQUEIDENTIFIER, @type NVARCHAR(256), @body VARBINARY(MAX), @cycleId UNIQUEIDENTIFIER,
            @error NVARCHAR(4000);
    WHILE 1 = 1
    BEGIN
        SET @handle = NULL;
        WAITFOR (
            RECEIVE TOP (1) @handle = conversation_handle, @type = message_type_name, @body = message_body
            FROM ops.OodaActQueue
        ), TIMEOUT 1000;
        IF @handle IS NULL
            BREAK;
        IF @type = N'//hartonomous/ooda/Proposed' AND ops.fn_OodaRunning() = 1
        BEGIN
            SET @cycleId = TRY_CAST(JSON_VALUE(CAST(@body AS NVARCHAR(MAX)), '$.cycleId') AS UNIQUEIDENTIFIER);
            BEGIN TRY
                EXEC ops.sp_ActCycle @CycleId = @cycleId;
                EXEC ops.sp_SendOodaMessage @Phase = 'LEARN', @CycleId = @cycleId;
            END TRY
            BEGIN CATCH
                SET @error = LEFT(ERROR_MESSAGE(), 4000);
                EXEC ops.sp_OodaPhaseFailed @CycleId = @cycleId, @Phase = 'ACT',
                     @QueueName = N'ops.OodaActQueue', @Body = @body, @Error = @error;
            END CATCH;
        END;
        END CONVERSATION @handle;
    END;
END;
GO

CREATE OR ALTER PROCEDURE ops.sp_Learn
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @handle UNIQUEIDENTIFIER, @type NVARCHAR(256), @body VARBINARY(MAX), @cycleId UNIQUEIDENTIFIER,
            @error NVARCHAR(4000);
    WHILE 1 = 1
    BEGIN
        SET @handle = NULL;
        WAITFOR (
            RECEIVE TOP (1) @handle = conversation_handle, @type = message_type_name, @body = message_body
            FROM ops.OodaLearnQueue
        ), TIMEOUT 1000;
        IF @handle IS NULL
            BREAK;
        IF @type = N'//hartonomous/ooda/Acted' AND ops.fn_OodaRunning() = 1
        BEGIN
            SET @cycleId = TRY_CAST(JSON_VALUE(CAST(@body AS NVARCHAR(MAX)), '$.cycleId') AS UNIQUEIDENTIFIER);
            BEGIN TRY
                EXEC ops.sp_LearnCycle @CycleId = @cycleId;
            END TRY
            BEGIN CATCH
                SET @error = LEFT(ERROR_MESSAGE(), 4000);
                EXEC ops.sp_OodaPhaseFailed @CycleId = @cycleId, @Phase = 'LEARN',
                     @QueueName = N'ops.OodaLearnQueue', @Body = @body, @Error = @error;
            END CATCH;
        END;
        END CONVERSATION @handle;
    END;
END;
GO

-- The initiator side: ends dialogs the phases closed, and on the cycle timer starts the next cycle (none while
-- stopped) and re-arms it.
CREATE OR ALTER PROCEDURE ops.sp_OodaInitiatorActivation
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @handle UNIQUEIDENTIFIER, @type NVARCHAR(256);
    DECLARE @interval INT = COALESCE(TRY_CAST(ops.fn_Setting('OodaCycleIntervalSeconds') AS INT), 3600);
    DECLARE @cycleId UNIQUEIDENTIFIER;
    WHILE 1 = 1
    BEGIN
        SET @handle = NULL;
        WAITFOR (
            RECEIVE TOP (1) @handle = conversation_handle, @type = message_type_name
            FROM ops.OodaInitiatorQueue
        ), TIMEOUT 1000;
        IF @handle IS NULL
            BREAK;
        IF @type = N'http://schemas.microsoft.com/SQL/ServiceBroker/DialogTimer'
        BEGIN
            IF ops.fn_OodaRunning() = 1
            BEGIN
                SET @cycleId = NEWID();
                EXEC ops.sp_SendOodaMessage @Phase = 'ANALYZE', @CycleId = @cycleId;
            END;
            BEGIN CONVERSATION TIMER (@handle) TIMEOUT = @interval;
        END
        ELSE IF @type IN (N'http://schemas.microsoft.com/SQL/ServiceBroker/EndDialog',
                          N'http://schemas.microsoft.com/SQL/ServiceBroker/Error')
            END CONVERSATION @handle;
    END;
END;
GO

-- Arms the cycle timer: a dialog from the initiator held open only to carry a conversation timer. Running it
-- again re-arms the existing timer instead of adding a second one.
-- As the owner: BEGIN CONVERSATION TIMER needs SEND on the service, and sys.conversation_endpoints shows a user only
-- the conversations it may see, so as the caller the existing timer would be missed and a second one added.
CREATE OR ALTER PROCEDURE ops.sp_ScheduleOodaCycles
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @interval INT = COALESCE(TRY_CAST(ops.fn_Setting('OodaCycleIntervalSeconds') AS INT), 3600);
    DECLARE @handle UNIQUEIDENTIFIER = TRY_CAST(ops.fn_Setting('OodaTimerDialog') AS UNIQUEIDENTIFIER);
    IF @handle IS NULL
        OR NOT EXISTS (
            SELECT 1 FROM sys.conversation_endpoints
            WHERE conversation_handle = @handle AND state_desc NOT IN (N'CLOSED', N'DISCONNECTED_OUTBOUND', N'ERROR'))
    BEGIN
        BEGIN DIALOG CONVERSATION @handle
            FROM SERVICE [//hartonomous/ooda/Initiator] TO SERVICE N'//hartonomous/ooda/Analyze'
            ON CONTRACT [//hartonomous/ooda/Contract] WITH ENCRYPTION = OFF;
        MERGE ops.Settings AS t
        USING (SELECT 'OodaTimerDialog' AS SettingName) AS s ON t.SettingName = s.SettingName
        WHEN MATCHED THEN UPDATE SET SettingValue = CONVERT(NVARCHAR(36), @handle), UpdatedAt = SYSUTCDATETIME()
        WHEN NOT MATCHED THEN INSERT (SettingName, SettingValue, Description)
            VALUES ('OodaTimerDialog', CONVERT(NVARCHAR(36), @handle),
                    N'Conversation that carries the OODA cycle timer (managed by ops.sp_ScheduleOodaCycles).');
    END;
    BEGIN CONVERSATION TIMER (@handle) TIMEOUT = @interval;
END;
GO
