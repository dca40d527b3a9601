-- Jobs, the lease queue, API keys and the OODA loop's tables. Mirrors embedded/050_operations.sql
-- (IngestionJobs, QueueMessages, TenantApiKeys; the usage ledger is in 025_tables_billing.sql).

IF OBJECT_ID(N'dbo.IngestionJobs', N'U') IS NULL
    CREATE TABLE dbo.IngestionJobs (
        JobId           BIGINT IDENTITY(1, 1) NOT NULL,
        TenantId        VARCHAR(64)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        Modality        VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        Name            NVARCHAR(512)  NULL,
        State           VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        ParentAtomId    BIGINT         NOT NULL,
        ContentHash     BINARY(32)     NOT NULL,
        -- The watermark: chunks 0 .. ChunksCommitted-1 are durable.
        ChunksCommitted INT            NOT NULL CONSTRAINT DF_IngestionJobs_ChunksCommitted DEFAULT 0,
        BytesDone       BIGINT         NOT NULL CONSTRAINT DF_IngestionJobs_BytesDone DEFAULT 0,
        BytesTotal      BIGINT         NOT NULL,
        DistinctAtoms   BIGINT         NOT NULL CONSTRAINT DF_IngestionJobs_DistinctAtoms DEFAULT 0,
        NewAtoms        BIGINT         NOT NULL CONSTRAINT DF_IngestionJobs_NewAtoms DEFAULT 0,
        Compositions    BIGINT         NOT NULL CONSTRAINT DF_IngestionJobs_Compositions DEFAULT 0,
        Error           NVARCHAR(4000) NULL,
        SourcePath      NVARCHAR(1024) NULL,
        -- The frame or page of the spooled file the job ingests; NULL: the file itself.
        ChildIndex      INT            NULL,
        CreatedAt       DATETIME2(7)   NOT NULL CONSTRAINT DF_IngestionJobs_CreatedAt DEFAULT SYSUTCDATETIME(),
        UpdatedAt       DATETIME2(7)   NOT NULL CONSTRAINT DF_IngestionJobs_UpdatedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_IngestionJobs PRIMARY KEY CLUSTERED (JobId),
        CONSTRAINT CK_IngestionJobs_State CHECK (State IN ('RUNNING', 'COMPLETED', 'FAILED'))
    );
GO

-- Tables created before ChildIndex existed get it here (jobs of that time kept it in SourcePath as '#child=N',
-- which the ingest tier still reads when ChildIndex is NULL).
IF COL_LENGTH(N'dbo.IngestionJobs', N'ChildIndex') IS NULL
    ALTER TABLE dbo.IngestionJobs ADD ChildIndex INT NULL;
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_IngestionJobs_State' AND object_id = OBJECT_ID(N'dbo.IngestionJobs'))
    CREATE NONCLUSTERED INDEX IX_IngestionJobs_State ON dbo.IngestionJobs (State);
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_IngestionJobs_Hash' AND object_id = OBJECT_ID(N'dbo.IngestionJobs'))
    CREATE NONCLUSTERED INDEX IX_IngestionJobs_Hash ON dbo.IngestionJobs (ContentHash);
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_IngestionJobs_Parent' AND object_id = OBJECT_ID(N'dbo.IngestionJobs'))
    CREATE NONCLUSTERED INDEX IX_IngestionJobs_Parent ON dbo.IngestionJobs (ParentAtomId, State);
GO

-- The storage contract's MessageQueue: named queues with leases. Receivers skip rows other receivers hold
-- (READPAST, the SQL Server form of SKIP LOCKED) and lease what they take until completed or abandoned.
IF OBJECT_ID(N'ops.QueueMessages', N'U') IS NULL
    CREATE TABLE ops.QueueMessages (
        MessageId     BIGINT IDENTITY(1, 1) NOT NULL,
        QueueName     NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Body          NVARCHAR(MAX) NOT NULL,
        EnqueuedAt    DATETIME2(7)  NOT NULL CONSTRAINT DF_QueueMessages_EnqueuedAt DEFAULT SYSUTCDATETIME(),
        VisibleAfter  DATETIME2(7)  NOT NULL CONSTRAINT DF_QueueMessages_VisibleAfter DEFAULT SYSUTCDATETIME(),
        DeliveryCount INT           NOT NULL CONSTRAINT DF_QueueMessages_DeliveryCount DEFAULT 0,
        LeaseToken    VARCHAR(36)   COLLATE Latin1_General_100_BIN2 NULL,
        CONSTRAINT PK_QueueMessages PRIMARY KEY CLUSTERED (MessageId)
    );
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_QueueMessages_Visible' AND object_id = OBJECT_ID(N'ops.QueueMessages'))
    CREATE NONCLUSTERED INDEX IX_QueueMessages_Visible ON ops.QueueMessages (QueueName, VisibleAfter, MessageId);
GO

-- API keys are stored only as SHA-256 hashes. Scopes: comma-separated ingest, query, admin (sorted).
IF OBJECT_ID(N'dbo.TenantApiKeys', N'U') IS NULL
    CREATE TABLE dbo.TenantApiKeys (
        KeyId              BIGINT IDENTITY(1, 1) NOT NULL,
        TenantId           VARCHAR(64)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        Name               NVARCHAR(128) NULL,
        KeyHash            BINARY(32)    NOT NULL,
        Scopes             VARCHAR(64)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        RateLimitPerMinute INT           NOT NULL,
        ExpiresAt          DATETIME2(7)  NULL,
        RevokedAt          DATETIME2(7)  NULL,
        CreatedAt          DATETIME2(7)  NOT NULL CONSTRAINT DF_TenantApiKeys_CreatedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_TenantApiKeys PRIMARY KEY CLUSTERED (KeyId),
        CONSTRAINT UQ_TenantApiKeys_Hash UNIQUE (KeyHash),
        CONSTRAINT CK_TenantApiKeys_RateLimit CHECK (RateLimitPerMinute >= 1)
    );
GO

-- Settings of the storage tier itself (spatial index defaults) and of the OODA loop. Values are text; the
-- procedures that read them convert.
IF OBJECT_ID(N'ops.Settings', N'U') IS NULL
    CREATE TABLE ops.Settings (
        SettingName  VARCHAR(64)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        SettingValue NVARCHAR(256)  NOT NULL,
        Description  NVARCHAR(1000) NOT NULL,
        UpdatedAt    DATETIME2(7)   NOT NULL CONSTRAINT DF_Settings_UpdatedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_Settings PRIMARY KEY CLUSTERED (SettingName)
    );
GO

-- Defaults are inserted only where a setting is missing, so an operator's changes survive a re-run.
INSERT INTO ops.Settings (SettingName, SettingValue, Description)
SELECT d.SettingName, d.SettingValue, d.Description
FROM (VALUES
    ('OodaRunning', N'1', N'0: emergency stop (ops.sp_OodaSetRunning): no cycle runs and the OODA queues do not activate.'),
    ('OodaDryRun', N'1', N'1: the Act phase records what it would do and changes nothing.'),
    ('OodaRequireApproval', N'1', N'1: proposed actions wait for ops.sp_ApproveOodaAction before Act applies them.'),
    ('OodaMaxChangesPerCycle', N'5', N'Most actions Act applies in one cycle.'),
    ('OodaReorganizePercent', N'10', N'Fragmentation (percent) from which an index is reorganized.'),
    ('OodaRebuildPercent', N'30', N'Fragmentation (percent) from which an index is rebuilt.'),
    ('OodaMinPageCount', N'1000', N'Indexes smaller than this many pages are left alone.'),
    ('OodaStaleStatisticsPercent', N'20', N'Statistics are stale once this percent of rows changed since the last update.'),
    ('OodaRegressionRatio', N'2.0', N'A plan regressed when its recent average duration exceeds this multiple of the best earlier plan.'),
    ('OodaMinExecutions', N'20', N'Executions a plan needs in a window before its duration is trusted.'),
    ('OodaQueueDepthAlert', N'10000', N'Queue depth (messages) reported as an observation.'),
    ('OodaSlowOperationMillis', N'1000', N'Mean duration (ms) over the last hour at which a Query Store query is reported as slow.'),
    ('OodaCycleIntervalSeconds', N'3600', N'Seconds between cycles started by the Service Broker timer.'),
    ('HistoryRetentionSeconds', N'7776000', N'Seconds history rows (weights and layers as they were) are kept before the loop proposes purging them.'),
    ('OodaLandmarkGrowth', N'2.0', N'An embedding type whose embeddings grew this many times since its landmarks were derived is stale.'),
    ('OodaMinEmbeddings', N'2', N'Types with fewer embeddings are left alone.'),
    ('OodaUsageWindowSeconds', N'3600', N'Window (seconds) over which usage hotspots are counted.'),
    ('OodaUsageHotspotRequests', N'10000', N'Requests of one tenant and operation in the window reported as a hotspot.'),
    ('SpatialDefaultMaxX', N'65536', N'Bounding box width for composition/coefficient spatial indexes while a table holds no rows.'),
    ('SpatialDefaultMaxY', N'65536', N'Bounding box height for composition/coefficient spatial indexes while a table holds no rows.'),
    ('SpatialProjectionDefaultMax', N'256', N'Bounding box side for the embedding projection spatial index while no embeddings exist.')
) AS d (SettingName, SettingValue, Description)
WHERE NOT EXISTS (SELECT 1 FROM ops.Settings AS s WHERE s.SettingName = d.SettingName);
GO

-- Every OODA step (observation, proposal, action, outcome) with its cycle, whether it ran dry, and the result.
IF OBJECT_ID(N'ops.ImprovementHistory', N'U') IS NULL
    CREATE TABLE ops.ImprovementHistory (
        ImprovementId BIGINT IDENTITY(1, 1) NOT NULL,
        CycleId       UNIQUEIDENTIFIER NOT NULL,
        Phase         VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        Kind          VARCHAR(32)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        ActionId      BIGINT         NULL,
        TargetObject  NVARCHAR(776)  NULL,
        Detail        NVARCHAR(MAX)  NULL,
        Command       NVARCHAR(MAX)  NULL,
        DryRun        BIT            NOT NULL CONSTRAINT DF_ImprovementHistory_DryRun DEFAULT 1,
        Outcome       VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        MetricBefore  FLOAT          NULL,
        MetricAfter   FLOAT          NULL,
        ErrorMessage  NVARCHAR(4000) NULL,
        RecordedAt    DATETIME2(7)   NOT NULL CONSTRAINT DF_ImprovementHistory_RecordedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_ImprovementHistory PRIMARY KEY CLUSTERED (ImprovementId),
        CONSTRAINT CK_ImprovementHistory_Phase CHECK (Phase IN ('ANALYZE', 'HYPOTHESIZE', 'ACT', 'LEARN')),
        CONSTRAINT CK_ImprovementHistory_Outcome CHECK (
            Outcome IN ('OBSERVED', 'PROPOSED', 'SKIPPED', 'APPLIED', 'FAILED', 'VERIFIED', 'REGRESSED', 'REVERTED'))
    );
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_ImprovementHistory_Cycle' AND object_id = OBJECT_ID(N'ops.ImprovementHistory'))
    CREATE NONCLUSTERED INDEX IX_ImprovementHistory_Cycle ON ops.ImprovementHistory (CycleId, Phase);
GO

-- Actions the Hypothesize phase proposed: only safe kinds, each with the exact command Act would run.
IF OBJECT_ID(N'ops.OodaActions', N'U') IS NULL
    CREATE TABLE ops.OodaActions (
        ActionId     BIGINT IDENTITY(1, 1) NOT NULL,
        CycleId      UNIQUEIDENTIFIER NOT NULL,
        ActionKind   VARCHAR(32)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        TargetObject NVARCHAR(776)  NOT NULL,
        Command      NVARCHAR(MAX)  NOT NULL,
        -- The observation that led to the action (JSON), kept for approval and for the Learn phase.
        Evidence     NVARCHAR(MAX)  NOT NULL,
        QueryId      BIGINT         NULL,
        PlanId       BIGINT         NULL,
        MetricBefore FLOAT          NULL,
        -- What the action should do (Hypothesize), and what it did once Learn measured the observation again.
        ExpectedEffect NVARCHAR(1000) NULL,
        MetricAfter    FLOAT          NULL,
        MeasuredEffect NVARCHAR(1000) NULL,
        ErrorMessage   NVARCHAR(4000) NULL,
        State        VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        CreatedAt    DATETIME2(7)   NOT NULL CONSTRAINT DF_OodaActions_CreatedAt DEFAULT SYSUTCDATETIME(),
        DecidedAt    DATETIME2(7)   NULL,
        DecidedBy    NVARCHAR(128)  NULL,
        AppliedAt    DATETIME2(7)   NULL,
        CONSTRAINT PK_OodaActions PRIMARY KEY CLUSTERED (ActionId),
        CONSTRAINT CK_OodaActions_Kind CHECK (
            ActionKind IN ('UPDATE_STATISTICS', 'REORGANIZE_INDEX', 'REBUILD_INDEX', 'FORCE_PLAN', 'PURGE_HISTORY',
                           'REBUILD_PROJECTION')),
        CONSTRAINT CK_OodaActions_State CHECK (
            State IN ('PROPOSED', 'APPROVED', 'REJECTED', 'APPLIED', 'FAILED', 'VERIFIED', 'REVERTED'))
    );
GO

-- Tables created before the operator surface (081) and the storage actions get their columns and kinds here.
IF COL_LENGTH(N'ops.OodaActions', N'ExpectedEffect') IS NULL
    ALTER TABLE ops.OodaActions ADD ExpectedEffect NVARCHAR(1000) NULL;
IF COL_LENGTH(N'ops.OodaActions', N'MetricAfter') IS NULL
    ALTER TABLE ops.OodaActions ADD MetricAfter FLOAT NULL;
IF COL_LENGTH(N'ops.OodaActions', N'MeasuredEffect') IS NULL
    ALTER TABLE ops.OodaActions ADD MeasuredEffect NVARCHAR(1000) NULL;
IF COL_LENGTH(N'ops.OodaActions', N'ErrorMessage') IS NULL
    ALTER TABLE ops.OodaActions ADD ErrorMessage NVARCHAR(4000) NULL;
GO

IF EXISTS (
    SELECT 1 FROM sys.check_constraints
    WHERE name = N'CK_OodaActions_Kind' AND parent_object_id = OBJECT_ID(N'ops.OodaActions')
      AND definition NOT LIKE N'%REBUILD_PROJECTION%'
)
BEGIN
    ALTER TABLE ops.OodaActions DROP CONSTRAINT CK_OodaActions_Kind;
    ALTER TABLE ops.OodaActions ADD CONSTRAINT CK_OodaActions_Kind CHECK (
        ActionKind IN ('UPDATE_STATISTICS', 'REORGANIZE_INDEX', 'REBUILD_INDEX', 'FORCE_PLAN', 'PURGE_HISTORY',
                       'REBUILD_PROJECTION'));
END;
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_OodaActions_State' AND object_id = OBJECT_ID(N'ops.OodaActions'))
    CREATE NONCLUSTERED INDEX IX_OodaActions_State ON ops.OodaActions (State, ActionId);
GO
