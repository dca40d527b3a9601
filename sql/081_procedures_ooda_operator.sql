-- The OODA loop of 080 as operators drive it (StorageEngine.ooda() in the engine): status and settings, one cycle
-- run now, the cycles with their observations and proposals, approving and rejecting, and the emergency stop. The
-- contract's vocabulary is returned (a proposal's ActionId is its ProposalId; VERIFIED, which Learn sets once it
-- measured an applied action again, is reported as APPLIED).

CREATE OR ALTER PROCEDURE ops.sp_OodaStatus
AS
BEGIN
    SET NOCOUNT ON;
    SELECT ops.fn_OodaRunning() AS Running,
           CAST(COALESCE(TRY_CAST(ops.fn_Setting('OodaDryRun') AS BIT), 1) AS BIT) AS DryRun,
           CAST(COALESCE(TRY_CAST(ops.fn_Setting('OodaRequireApproval') AS BIT), 1) AS BIT) AS RequireApproval,
           COALESCE(TRY_CAST(ops.fn_Setting('OodaMaxChangesPerCycle') AS INT), 5) AS MaxChangesPerCycle,
           COALESCE(TRY_CAST(ops.fn_Setting('HistoryRetentionSeconds') AS BIGINT), 7776000) AS HistoryRetentionSeconds;
END;
GO

-- Runs the four phases in line now (not through Service Broker); refused while stopped. Result: CycleId, and Acted
-- (the actions Act took on, which the engine's projection rebuilds count against the same per-cycle cap).
CREATE OR ALTER PROCEDURE ops.sp_OodaRunCycle
AS
BEGIN
    SET NOCOUNT ON;
    IF ops.fn_OodaRunning() = 0
        THROW 50409, N'the OODA loop is stopped (emergency stop): start it before running a cycle', 1;
    DECLARE @cycleId UNIQUEIDENTIFIER = NEWID(), @acted INT;
    EXEC ops.sp_AnalyzeCycle @CycleId = @cycleId;
    EXEC ops.sp_HypothesizeCycle @CycleId = @cycleId;
    EXEC ops.sp_ActCycle @CycleId = @cycleId, @Acted = @acted OUTPUT;
    EXEC ops.sp_LearnCycle @CycleId = @cycleId;
    SELECT CONVERT(NVARCHAR(36), @cycleId) AS CycleId, @acted AS Acted;
END;
GO

-- The latest @Limit cycles (or the one @CycleId), newest first.
CREATE OR ALTER PROCEDURE ops.sp_OodaListCycles
    @Limit   INT,
    @CycleId UNIQUEIDENTIFIER = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SELECT TOP (@Limit) CONVERT(NVARCHAR(36), h.CycleId) AS CycleId, h.RecordedAt AS StartedAt, h.DryRun
    FROM ops.ImprovementHistory AS h
    WHERE h.Kind = 'CYCLE' AND (@CycleId IS NULL OR h.CycleId = @CycleId)
    ORDER BY h.RecordedAt DESC, h.ImprovementId DESC;
END;
GO

CREATE OR ALTER PROCEDURE ops.sp_OodaListObservations
    @Limit   INT,
    @CycleId UNIQUEIDENTIFIER = NULL
AS
BEGIN
    SET NOCOUNT ON;
    WITH latest AS (
        SELECT TOP (@Limit) h.CycleId
        FROM ops.ImprovementHistory AS h
        WHERE h.Kind = 'CYCLE' AND (@CycleId IS NULL OR h.CycleId = @CycleId)
        ORDER BY h.RecordedAt DESC, h.ImprovementId DESC
    )
    SELECT CONVERT(NVARCHAR(36), h.CycleId) AS CycleId, h.Kind, h.TargetObject,
           COALESCE(h.MetricBefore, 0) AS Metric, h.Detail
    FROM ops.ImprovementHistory AS h
    INNER JOIN latest AS l ON l.CycleId = h.CycleId
    WHERE h.Phase = 'ANALYZE' AND h.Outcome = 'OBSERVED' AND h.Kind <> 'CYCLE' AND h.TargetObject IS NOT NULL
    ORDER BY h.ImprovementId;
END;
GO

CREATE OR ALTER PROCEDURE ops.sp_OodaListProposals
    @Limit   INT,
    @CycleId UNIQUEIDENTIFIER = NULL
AS
BEGIN
    SET NOCOUNT ON;
    WITH latest AS (
        SELECT TOP (@Limit) h.CycleId
        FROM ops.ImprovementHistory AS h
        WHERE h.Kind = 'CYCLE' AND (@CycleId IS NULL OR h.CycleId = @CycleId)
        ORDER BY h.RecordedAt DESC, h.ImprovementId DESC
    )
    SELECT a.ActionId AS ProposalId, CONVERT(NVARCHAR(36), a.CycleId) AS CycleId, a.ActionKind, a.TargetObject,
           CASE a.State WHEN 'VERIFIED' THEN 'APPLIED' ELSE a.State END AS State,
           COALESCE(a.ExpectedEffect, a.Command) AS ExpectedEffect, a.MetricBefore, a.MetricAfter, a.MeasuredEffect,
           a.DecidedBy, a.AppliedAt, a.ErrorMessage
    FROM ops.OodaActions AS a
    INNER JOIN latest AS l ON l.CycleId = a.CycleId
    ORDER BY a.ActionId;
END;
GO

-- Approves (@Approve = 1) or rejects a proposal; only the decision, so that a retried call never acts twice (the
-- engine acts next with ops.sp_OodaAct). Unknown: 50404; no longer waiting for that decision: 50409 (a proposal Act
-- has claimed can no longer be rejected). Result: the proposal.
CREATE OR ALTER PROCEDURE ops.sp_OodaDecide
    @ProposalId BIGINT,
    @Approve    BIT,
    @DecidedBy  NVARCHAR(128)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @state VARCHAR(16), @appliedAt DATETIME2(7), @message NVARCHAR(2048);
    IF @Approve IS NULL
        THROW 50400, N'@Approve is required', 1;
    BEGIN TRANSACTION;
    SELECT @state = State, @appliedAt = AppliedAt
    FROM ops.OodaActions WITH (UPDLOCK, HOLDLOCK)
    WHERE ActionId = @ProposalId;
    IF @state IS NULL
    BEGIN
        SET @message = CONCAT(N'OODA proposal ', @ProposalId, N' not found');
        THROW 50404, @message, 1;
    END;
    IF (@Approve = 1 AND @state <> 'PROPOSED')
        OR (@Approve = 0 AND (@state NOT IN ('PROPOSED', 'APPROVED') OR @appliedAt IS NOT NULL))
    BEGIN
        SET @message = CONCAT(N'OODA proposal ', @ProposalId, N' is ',
                              LOWER(CASE @state WHEN 'VERIFIED' THEN 'APPLIED' ELSE @state END),
                              CASE WHEN @Approve = 1 THEN N': only a proposed one can be approved'
                                   ELSE N': only a proposed or approved (not yet applied) one can be rejected' END);
        THROW 50409, @message, 1;
    END;
    UPDATE ops.OodaActions
    SET State = CASE WHEN @Approve = 1 THEN 'APPROVED' ELSE 'REJECTED' END,
        DecidedAt = SYSUTCDATETIME(), DecidedBy = @DecidedBy
    WHERE ActionId = @ProposalId;
    COMMIT TRANSACTION;

    SELECT a.ActionId AS ProposalId, CONVERT(NVARCHAR(36), a.CycleId) AS CycleId, a.ActionKind, a.TargetObject,
           CASE a.State WHEN 'VERIFIED' THEN 'APPLIED' ELSE a.State END AS State,
           COALESCE(a.ExpectedEffect, a.Command) AS ExpectedEffect, a.MetricBefore, a.MetricAfter, a.MeasuredEffect,
           a.DecidedBy, a.AppliedAt, a.ErrorMessage
    FROM ops.OodaActions AS a
    WHERE a.ActionId = @ProposalId;
END;
GO

-- Act and Learn now, for the approved proposals (at most OodaMaxChangesPerCycle; nothing while stopped or dry),
-- recorded under @CycleId (the approved proposal's cycle). Result: Acted, as ops.sp_OodaRunCycle returns it.
CREATE OR ALTER PROCEDURE ops.sp_OodaAct
    @CycleId UNIQUEIDENTIFIER
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @acted INT;
    EXEC ops.sp_ActCycle @CycleId = @CycleId, @Acted = @acted OUTPUT;
    EXEC ops.sp_LearnCycle @CycleId = @CycleId;
    SELECT @acted AS Acted;
END;
GO

-- Projection rebuilds are derived in the engine (k-means over dbo.sp_GetSpatialLandmarkSample, as the embedded
-- engine does), so the engine claims an approved one here (none while stopped or dry), rebuilds, and reports back
-- with ops.sp_OodaFinishRebuild. A claim sets AppliedAt, so two engines never rebuild the same proposal.
CREATE OR ALTER PROCEDURE ops.sp_OodaClaimRebuild
AS
BEGIN
    SET NOCOUNT ON;
    -- Always one result set (empty when there is nothing to do), as the engine reads one.
    DECLARE @acting BIT = CASE WHEN ops.fn_OodaRunning() = 1
                                AND COALESCE(TRY_CAST(ops.fn_Setting('OodaDryRun') AS BIT), 1) = 0 THEN 1 ELSE 0 END;
    WITH waiting AS (
        SELECT TOP (1) ActionId, TargetObject, AppliedAt
        FROM ops.OodaActions WITH (UPDLOCK, READPAST)
        WHERE State = 'APPROVED' AND ActionKind = 'REBUILD_PROJECTION' AND AppliedAt IS NULL AND @acting = 1
        ORDER BY ActionId
    )
    UPDATE waiting SET AppliedAt = SYSUTCDATETIME()
    OUTPUT inserted.ActionId AS ProposalId, inserted.TargetObject;
END;
GO

-- Records a claimed rebuild: FAILED with @Error, else measured again (Learn) and VERIFIED. No revert: the earlier
-- landmarks are replaced.
CREATE OR ALTER PROCEDURE ops.sp_OodaFinishRebuild
    @ProposalId BIGINT,
    @Done       NVARCHAR(1000),
    @Error      NVARCHAR(4000)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @target NVARCHAR(776), @cycleId UNIQUEIDENTIFIER, @before FLOAT, @after FLOAT;
    SELECT @target = TargetObject, @cycleId = CycleId, @before = MetricBefore
    FROM ops.OodaActions
    WHERE ActionId = @ProposalId AND ActionKind = 'REBUILD_PROJECTION' AND State = 'APPROVED'
      AND AppliedAt IS NOT NULL;
    IF @target IS NULL
        THROW 50409, N'no claimed projection rebuild has this id', 1;
    IF @Error IS NOT NULL
    BEGIN
        UPDATE ops.OodaActions SET State = 'FAILED', ErrorMessage = LEFT(@Error, 4000) WHERE ActionId = @ProposalId;
        INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, DryRun, Outcome, ErrorMessage)
        VALUES (@cycleId, 'ACT', 'REBUILD_PROJECTION', @ProposalId, @target, 0, 'FAILED', LEFT(@Error, 4000));
        RETURN;
    END;
    EXEC ops.sp_MeasureStorage @Kind = 'STALE_LANDMARKS', @Target = @target, @Value = @after OUTPUT;
    UPDATE ops.OodaActions
    SET State = 'VERIFIED', MetricAfter = @after,
        MeasuredEffect = LEFT(CONCAT(@Done, N'; growth x', ROUND(@before, 2), N' -> x', ROUND(@after, 2),
                                     N' (no revert)'), 1000)
    WHERE ActionId = @ProposalId;
    INSERT INTO ops.ImprovementHistory (CycleId, Phase, Kind, ActionId, TargetObject, DryRun, Outcome, MetricBefore, MetricAfter)
    VALUES (@cycleId, 'LEARN', 'REBUILD_PROJECTION', @ProposalId, @target, 0, 'VERIFIED', @before, @after);
END;
GO

-- The emergency stop (@Running = 0) and its release, kept in ops.Settings so it survives restarts (090 re-applies it
-- after attaching activation). Stopping turns activation off on the OODA queues: "When STATUS = OFF, the queue
-- does not activate the stored procedure" (ALTER QUEUE, ACTIVATION STATUS); timer and phase messages wait in their
-- queues and are processed once activation is back on. As the owner: ALTER QUEUE needs ALTER on the queue.
CREATE OR ALTER PROCEDURE ops.sp_OodaSetRunning
    @Running BIT
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    IF @Running IS NULL
        THROW 50400, N'@Running is required', 1;
    BEGIN TRANSACTION;
    UPDATE ops.Settings SET SettingValue = CASE WHEN @Running = 1 THEN N'1' ELSE N'0' END,
                            UpdatedAt = SYSUTCDATETIME()
    WHERE SettingName = 'OodaRunning';
    IF @@ROWCOUNT = 0
        INSERT INTO ops.Settings (SettingName, SettingValue, Description)
        VALUES ('OodaRunning', CASE WHEN @Running = 1 THEN N'1' ELSE N'0' END,
                N'0: emergency stop (ops.sp_OodaSetRunning): no cycle runs and the OODA queues do not activate.');
    IF @Running = 1
    BEGIN
        ALTER QUEUE ops.OodaAnalyzeQueue WITH ACTIVATION (STATUS = ON);
        ALTER QUEUE ops.OodaHypothesizeQueue WITH ACTIVATION (STATUS = ON);
        ALTER QUEUE ops.OodaActQueue WITH ACTIVATION (STATUS = ON);
        ALTER QUEUE ops.OodaLearnQueue WITH ACTIVATION (STATUS = ON);
        ALTER QUEUE ops.OodaInitiatorQueue WITH ACTIVATION (STATUS = ON);
    END
    ELSE
    BEGIN
        ALTER QUEUE ops.OodaAnalyzeQueue WITH ACTIVATION (STATUS = OFF);
        ALTER QUEUE ops.OodaHypothesizeQueue WITH ACTIVATION (STATUS = OFF);
        ALTER QUEUE ops.OodaActQueue WITH ACTIVATION (STATUS = OFF);
        ALTER QUEUE ops.OodaLearnQueue WITH ACTIVATION (STATUS = OFF);
        ALTER QUEUE ops.OodaInitiatorQueue WITH ACTIVATION (STATUS = OFF);
    END;
    COMMIT TRANSACTION;
END;
GO

CREATE OR ALTER PROCEDURE ops.sp_OodaConfigure
    @DryRun                  BIT,
    @RequireApproval         BIT,
    @MaxChangesPerCycle      INT,
    @HistoryRetentionSeconds BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    IF @DryRun IS NULL OR @RequireApproval IS NULL
        THROW 50400, N'@DryRun and @RequireApproval are required', 1;
    IF @MaxChangesPerCycle IS NULL OR @MaxChangesPerCycle NOT BETWEEN 0 AND 1000
        THROW 50400, N'@MaxChangesPerCycle must be between 0 and 1000', 1;
    IF @HistoryRetentionSeconds IS NULL OR @HistoryRetentionSeconds NOT BETWEEN 1 AND 2147483647
        THROW 50400, N'@HistoryRetentionSeconds must be between 1 and 2147483647', 1;
    BEGIN TRANSACTION;
    MERGE ops.Settings AS t
    USING (VALUES ('OodaDryRun', CONVERT(NVARCHAR(256), @DryRun)),
                  ('OodaRequireApproval', CONVERT(NVARCHAR(256), @RequireApproval)),
                  ('OodaMaxChangesPerCycle', CONVERT(NVARCHAR(256), @MaxChangesPerCycle)),
                  ('HistoryRetentionSeconds', CONVERT(NVARCHAR(256), @HistoryRetentionSeconds)))
        AS s (SettingName, SettingValue)
    ON t.SettingName = s.SettingName
    WHEN MATCHED THEN UPDATE SET SettingValue = s.SettingValue, UpdatedAt = SYSUTCDATETIME()
    WHEN NOT MATCHED THEN INSERT (SettingName, SettingValue, Description)
        VALUES (s.SettingName, s.SettingValue, N'Set through ops.sp_OodaConfigure.');
    COMMIT TRANSACTION;
END;
GO
