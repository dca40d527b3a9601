-- Usage and rate plans (issue 14). Same semantics as the embedded EmbeddedUsageLedger and EmbeddedBillingPlans.
-- A use is priced by the engine (the contract's RatePlan.price: exact decimal product, rounded once half-up to six
-- decimals) from the rows billing.sp_GetTenantRatePlan returns, then recorded with its price by
-- billing.sp_RecordUsage; T-SQL does not compute the cost, because a product of several DECIMALs loses scale past
-- precision 38 and would round differently from the embedded engine. The tiers that call sp_RecordUsage (hart_api,
-- hart_ingest) are trusted with the price they pass, as they are with the units.

-- The ledger insert itself, natively compiled: the hot path of every metered request.
CREATE OR ALTER PROCEDURE billing.sp_InsertUsageNative
    @TenantId    VARCHAR(64),
    @Operation   NVARCHAR(64),
    @Units       BIGINT,
    @Cost        DECIMAL(28,6),
    @BaseRate    DECIMAL(28,12),
    @UnitName    NVARCHAR(32),
    @Multipliers NVARCHAR(2000),
    @PlanName    NVARCHAR(64),
    @Currency    CHAR(3)
WITH NATIVE_COMPILATION, SCHEMABINDING, EXECUTE AS OWNER
AS
BEGIN ATOMIC WITH (TRANSACTION ISOLATION LEVEL = SNAPSHOT, LANGUAGE = N'us_english')
    INSERT INTO billing.UsageLedger (TenantId, Operation, Units, Cost, BaseRate, UnitName, Multipliers, PlanName,
                                     Currency)
    VALUES (@TenantId, @Operation, @Units, @Cost, @BaseRate, @UnitName, @Multipliers, @PlanName, @Currency);
END;
GO

-- Records one priced use for the session tenant (the ledger has no row-level security: see 050_security.sql).
CREATE OR ALTER PROCEDURE billing.sp_RecordUsage
    @Operation   NVARCHAR(64),
    @Units       BIGINT,
    @Cost        DECIMAL(28,6),
    @BaseRate    DECIMAL(28,12),
    @UnitName    NVARCHAR(32),
    @Multipliers NVARCHAR(2000),
    @PlanName    NVARCHAR(64),
    @Currency    CHAR(3)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    IF @Operation IS NULL OR LEN(@Operation) = 0 OR LEN(@Operation) > 64
        THROW 50400, N'a usage operation is 1-64 characters', 1;
    IF @Units IS NULL OR @Units < 0
        THROW 50400, N'usage units cannot be negative', 1;
    IF @Cost IS NULL OR @Cost < 0 OR @BaseRate IS NULL OR @BaseRate < 0
        THROW 50400, N'a usage cost and base rate are required and cannot be negative', 1;
    IF @PlanName IS NULL OR @Currency IS NULL OR @Multipliers IS NULL
        THROW 50400, N'a usage row names its plan, currency and multipliers (empty for none)', 1;
    EXEC billing.sp_InsertUsageNative @TenantId = @TenantId, @Operation = @Operation, @Units = @Units, @Cost = @Cost,
        @BaseRate = @BaseRate, @UnitName = @UnitName, @Multipliers = @Multipliers, @PlanName = @PlanName,
        @Currency = @Currency;
END;
GO

-- The session tenant's usage in [@From, @To) (NULL = open), summed per operation or per UTC day (yyyy-mm-dd),
-- over the in-memory ledger and the columnstore archive together. Result: GroupKey, Requests, Units, Cost.
CREATE OR ALTER PROCEDURE billing.sp_GetUsage
    @From    DATETIME2(7) = NULL,
    @To      DATETIME2(7) = NULL,
    @GroupBy VARCHAR(16)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    IF @GroupBy IS NULL OR @GroupBy NOT IN ('OPERATION', 'DAY')
        THROW 50400, N'groupBy must be OPERATION or DAY', 1;
    IF @From IS NOT NULL AND @To IS NOT NULL AND @From > @To
        THROW 50400, N'the usage range ends before it starts', 1;

    SELECT g.GroupKey, COUNT_BIG(*) AS Requests, SUM(g.Units) AS Units, SUM(g.Cost) AS Cost
    FROM (
        SELECT CASE WHEN @GroupBy = 'DAY' THEN CONVERT(NVARCHAR(64), CAST(u.RecordedAt AS DATE), 23)
                    ELSE u.Operation END AS GroupKey,
               u.Units, u.Cost
        FROM (
            SELECT Operation, Units, Cost, RecordedAt FROM billing.UsageLedger WHERE TenantId = @TenantId
            UNION ALL
            SELECT Operation, Units, Cost, RecordedAt FROM billing.UsageLedgerAnalytics WHERE TenantId = @TenantId
        ) AS u
        WHERE (@From IS NULL OR u.RecordedAt >= @From) AND (@To IS NULL OR u.RecordedAt < @To)
    ) AS g
    GROUP BY g.GroupKey
    ORDER BY g.GroupKey;
END;
GO

-- The session tenant's statement for [@From, @To): one line per operation and price (plan, currency, unit, base rate,
-- multipliers applied). Result: Operation, PlanName, Currency, UnitName, BaseRate, Multipliers, Requests, Units, Cost.
CREATE OR ALTER PROCEDURE billing.sp_GetUsageStatement
    @From DATETIME2(7) = NULL,
    @To   DATETIME2(7) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    IF @From IS NOT NULL AND @To IS NOT NULL AND @From > @To
        THROW 50400, N'the usage range ends before it starts', 1;

    SELECT u.Operation, u.PlanName, u.Currency, u.UnitName, u.BaseRate, u.Multipliers, COUNT_BIG(*) AS Requests,
           SUM(u.Units) AS Units, SUM(u.Cost) AS Cost
    FROM (
        SELECT Operation, PlanName, Currency, UnitName, BaseRate, Multipliers, Units, Cost, RecordedAt
        FROM billing.UsageLedger WHERE TenantId = @TenantId
        UNION ALL
        SELECT Operation, PlanName, Currency, UnitName, BaseRate, Multipliers, Units, Cost, RecordedAt
        FROM billing.UsageLedgerAnalytics WHERE TenantId = @TenantId
    ) AS u
    WHERE (@From IS NULL OR u.RecordedAt >= @From) AND (@To IS NULL OR u.RecordedAt < @To)
    GROUP BY u.Operation, u.PlanName, u.Currency, u.UnitName, u.BaseRate, u.Multipliers
    ORDER BY u.Operation, u.PlanName, u.Currency, u.BaseRate, u.Multipliers;
END;
GO

-- Moves ledger rows older than @OlderThanMinutes into the columnstore archive, in one transaction.
-- Runs as hart_system: it moves every tenant's rows.
CREATE OR ALTER PROCEDURE billing.sp_FlushUsageToAnalytics
    @OlderThanMinutes INT = 60
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @cutoff DATETIME2(7) = DATEADD(MINUTE, -@OlderThanMinutes, SYSUTCDATETIME());
    DECLARE @moved TABLE (UsageId BIGINT NOT NULL PRIMARY KEY);
    BEGIN TRY
        BEGIN TRANSACTION;
        INSERT INTO billing.UsageLedgerAnalytics (UsageId, TenantId, Operation, Units, Cost, BaseRate, UnitName,
                                                  Multipliers, PlanName, Currency, RecordedAt)
        OUTPUT inserted.UsageId INTO @moved (UsageId)
        SELECT UsageId, TenantId, Operation, Units, Cost, BaseRate, UnitName, Multipliers, PlanName, Currency,
               RecordedAt
        FROM billing.UsageLedger
        WHERE RecordedAt < @cutoff;
        DELETE l
        FROM billing.UsageLedger AS l
        INNER JOIN @moved AS m ON m.UsageId = l.UsageId;
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;
    SELECT COUNT_BIG(*) AS Moved FROM @moved;
END;
GO

-- Rate plans as rows of three kinds (the engine's BillingRows): RowKind 'plan' | 'rate' | 'multiplier', PlanName,
-- Currency, Operation, BaseRate, UnitName, MultiplierId, Kind, Criteria, Factor. @PlanName NULL: every plan;
-- @Operation not NULL: only that operation's rate.
CREATE OR ALTER PROCEDURE billing.sp_GetRatePlans
    @PlanName  NVARCHAR(64) = NULL,
    @Operation NVARCHAR(64) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SELECT 'plan' AS RowKind, p.PlanName, p.Currency, CAST(NULL AS NVARCHAR(64)) AS Operation,
           CAST(NULL AS DECIMAL(28,12)) AS BaseRate, CAST(NULL AS NVARCHAR(32)) AS UnitName,
           CAST(NULL AS NVARCHAR(64)) AS MultiplierId, CAST(NULL AS VARCHAR(16)) AS Kind,
           CAST(NULL AS NVARCHAR(64)) AS Criteria, CAST(NULL AS DECIMAL(9,4)) AS Factor
    FROM billing.RatePlans AS p
    WHERE @PlanName IS NULL OR p.PlanName = @PlanName
    UNION ALL
    SELECT 'rate', r.PlanName, NULL, r.Operation, r.BaseRate, r.UnitName, NULL, NULL, NULL, NULL
    FROM billing.OperationRates AS r
    WHERE (@PlanName IS NULL OR r.PlanName = @PlanName) AND (@Operation IS NULL OR r.Operation = @Operation)
    UNION ALL
    SELECT 'multiplier', m.PlanName, NULL, NULL, NULL, NULL, m.MultiplierId, m.Kind, m.Criteria, m.Factor
    FROM billing.BillingMultipliers AS m
    WHERE @PlanName IS NULL OR m.PlanName = @PlanName
    ORDER BY PlanName;
END;
GO

-- The session tenant's plan (assigned, else 'default') in sp_GetRatePlans' rows; @Operation as there. The tier
-- principals need EXECUTE on this procedure only: the nested EXEC and the tables are reached by ownership chaining.
CREATE OR ALTER PROCEDURE billing.sp_GetTenantRatePlan
    @Operation NVARCHAR(64) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    DECLARE @PlanName NVARCHAR(64) =
        COALESCE((SELECT PlanName FROM billing.TenantRatePlans WHERE TenantId = @TenantId), N'default');
    EXEC billing.sp_GetRatePlans @PlanName = @PlanName, @Operation = @Operation;
END;
GO

-- Creates a plan, or keeps it; a plan's currency never changes (its recorded costs are in it). Result: the plan.
CREATE OR ALTER PROCEDURE billing.sp_PutRatePlan
    @PlanName NVARCHAR(64),
    @Currency CHAR(3)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    IF @PlanName IS NULL OR LEN(@PlanName) = 0 OR @Currency IS NULL OR LEN(@Currency) <> 3
        THROW 50400, N'a plan needs a name and a three-letter currency', 1;
    BEGIN TRANSACTION;
    DECLARE @existing CHAR(3) =
        (SELECT Currency FROM billing.RatePlans WITH (UPDLOCK, HOLDLOCK) WHERE PlanName = @PlanName);
    IF @existing IS NOT NULL AND @existing <> @Currency
    BEGIN
        ROLLBACK TRANSACTION;
        THROW 50400, N'a plan''s currency cannot change (its recorded costs are in it): create another plan', 1;
    END;
    IF @existing IS NULL
        INSERT INTO billing.RatePlans (PlanName, Currency) VALUES (@PlanName, @Currency);
    COMMIT TRANSACTION;
    EXEC billing.sp_GetRatePlans @PlanName = @PlanName;
END;
GO

-- Sets (inserts or replaces) a plan's rate of one operation. Result: the plan.
CREATE OR ALTER PROCEDURE billing.sp_PutOperationRate
    @PlanName  NVARCHAR(64),
    @Operation NVARCHAR(64),
    @BaseRate  DECIMAL(28,12),
    @UnitName  NVARCHAR(32)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    IF @Operation IS NULL OR LEN(@Operation) = 0 OR @BaseRate IS NULL OR @BaseRate < 0 OR @UnitName IS NULL
        THROW 50400, N'a rate needs an operation, a base rate that is not negative, and a unit', 1;
    IF NOT EXISTS (SELECT 1 FROM billing.RatePlans WHERE PlanName = @PlanName)
        THROW 50404, N'rate plan not found', 1;
    BEGIN TRANSACTION;
    UPDATE billing.OperationRates WITH (UPDLOCK, HOLDLOCK)
    SET BaseRate = @BaseRate, UnitName = @UnitName
    WHERE PlanName = @PlanName AND Operation = @Operation;
    IF @@ROWCOUNT = 0
        INSERT INTO billing.OperationRates (PlanName, Operation, BaseRate, UnitName)
        VALUES (@PlanName, @Operation, @BaseRate, @UnitName);
    COMMIT TRANSACTION;
    EXEC billing.sp_GetRatePlans @PlanName = @PlanName;
END;
GO

-- Sets (inserts or replaces) one of a plan's multipliers; a plan holds at most 8 (the contract's
-- RatePlan.MAX_MULTIPLIERS, so the ones applied to a use fit UsageLedger.Multipliers). Result: the plan.
CREATE OR ALTER PROCEDURE billing.sp_PutMultiplier
    @PlanName     NVARCHAR(64),
    @MultiplierId NVARCHAR(64),
    @Kind         VARCHAR(16),
    @Criteria     NVARCHAR(64),
    @Factor       DECIMAL(9,4)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    IF @MultiplierId IS NULL OR LEN(@MultiplierId) = 0 OR @Criteria IS NULL OR LEN(@Criteria) = 0
       OR @Factor IS NULL OR @Factor < 0 OR @Kind IS NULL OR @Kind NOT IN ('complexity', 'content_type', 'grounding')
        THROW 50400, N'a multiplier needs an id, a kind (complexity, content_type, grounding), criteria and a factor that is not negative', 1;
    BEGIN TRANSACTION;
    -- Writers of one plan queue on its row, so the count below sees every multiplier committed before this one.
    IF NOT EXISTS (SELECT 1 FROM billing.RatePlans WITH (UPDLOCK, HOLDLOCK) WHERE PlanName = @PlanName)
    BEGIN
        ROLLBACK TRANSACTION;
        THROW 50404, N'rate plan not found', 1;
    END;
    UPDATE billing.BillingMultipliers WITH (UPDLOCK, HOLDLOCK)
    SET Kind = @Kind, Criteria = @Criteria, Factor = @Factor
    WHERE PlanName = @PlanName AND MultiplierId = @MultiplierId;
    IF @@ROWCOUNT = 0
        INSERT INTO billing.BillingMultipliers (PlanName, MultiplierId, Kind, Criteria, Factor)
        VALUES (@PlanName, @MultiplierId, @Kind, @Criteria, @Factor);
    IF (SELECT COUNT(*) FROM billing.BillingMultipliers WHERE PlanName = @PlanName) > 8
    BEGIN
        ROLLBACK TRANSACTION;
        THROW 50400, N'a rate plan holds at most 8 multipliers', 1;
    END;
    COMMIT TRANSACTION;
    EXEC billing.sp_GetRatePlans @PlanName = @PlanName;
END;
GO

-- Removes a plan's rate of one operation (its uses cost 0 from then on). Result: the plan.
CREATE OR ALTER PROCEDURE billing.sp_RemoveOperationRate
    @PlanName  NVARCHAR(64),
    @Operation NVARCHAR(64)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM billing.RatePlans WITH (UPDLOCK, HOLDLOCK) WHERE PlanName = @PlanName)
    BEGIN
        ROLLBACK TRANSACTION;
        THROW 50404, N'rate plan not found', 1;
    END;
    DELETE FROM billing.OperationRates WHERE PlanName = @PlanName AND Operation = @Operation;
    IF @@ROWCOUNT = 0
    BEGIN
        ROLLBACK TRANSACTION;
        THROW 50404, N'the rate plan has no rate of that operation', 1;
    END;
    COMMIT TRANSACTION;
    EXEC billing.sp_GetRatePlans @PlanName = @PlanName;
END;
GO

-- Removes one of a plan's multipliers. Result: the plan.
CREATE OR ALTER PROCEDURE billing.sp_RemoveMultiplier
    @PlanName     NVARCHAR(64),
    @MultiplierId NVARCHAR(64)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    BEGIN TRANSACTION;
    IF NOT EXISTS (SELECT 1 FROM billing.RatePlans WITH (UPDLOCK, HOLDLOCK) WHERE PlanName = @PlanName)
    BEGIN
        ROLLBACK TRANSACTION;
        THROW 50404, N'rate plan not found', 1;
    END;
    DELETE FROM billing.BillingMultipliers WHERE PlanName = @PlanName AND MultiplierId = @MultiplierId;
    IF @@ROWCOUNT = 0
    BEGIN
        ROLLBACK TRANSACTION;
        THROW 50404, N'the rate plan has no such multiplier', 1;
    END;
    COMMIT TRANSACTION;
    EXEC billing.sp_GetRatePlans @PlanName = @PlanName;
END;
GO

-- Puts a tenant on a plan (from its next recorded use on).
CREATE OR ALTER PROCEDURE billing.sp_AssignRatePlan
    @TenantId VARCHAR(64),
    @PlanName NVARCHAR(64)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    IF @TenantId IS NULL OR LEN(@TenantId) = 0
        THROW 50400, N'a tenant is required', 1;
    IF NOT EXISTS (SELECT 1 FROM billing.RatePlans WHERE PlanName = @PlanName)
        THROW 50404, N'rate plan not found', 1;
    BEGIN TRANSACTION;
    UPDATE billing.TenantRatePlans WITH (UPDLOCK, HOLDLOCK)
    SET PlanName = @PlanName, AssignedAt = SYSUTCDATETIME()
    WHERE TenantId = @TenantId;
    IF @@ROWCOUNT = 0
        INSERT INTO billing.TenantRatePlans (TenantId, PlanName) VALUES (@TenantId, @PlanName);
    COMMIT TRANSACTION;
END;
GO

-- A tenant's plan name (assigned, else 'default'), for operators. Result: PlanName.
CREATE OR ALTER PROCEDURE billing.sp_GetAssignedRatePlan
    @TenantId VARCHAR(64)
AS
BEGIN
    SET NOCOUNT ON;
    SELECT COALESCE((SELECT PlanName FROM billing.TenantRatePlans WHERE TenantId = @TenantId), N'default')
        AS PlanName;
END;
GO
