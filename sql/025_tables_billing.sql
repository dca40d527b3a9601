-- Billing. Every metered operation lands in a memory-optimized ledger (SCHEMA_AND_DATA: durable, latch-free
-- inserts from many API threads); billing.sp_FlushUsageToAnalytics moves settled rows into a disk-based
-- clustered-columnstore table for reporting. billing.sp_GetUsage sums both, so a reader never sees a gap.
-- Mirrors the embedded engine's UsageLedger table (same columns). Each row keeps the price it was recorded at
-- (issue 14): PlanName, Currency, UnitName, BaseRate DECIMAL(28,12), the multipliers applied (text, see the
-- contract's AppliedMultiplier) and Cost DECIMAL(28,6), computed by the contract's RatePlan.price (exact product,
-- rounded once half-up to 6 decimals). Every one of these types is supported in memory-optimized tables and natively
-- compiled procedures (Microsoft Learn, "Supported data types for In-Memory OLTP": all but datetimeoffset, geography,
-- geometry, hierarchyid, json, rowversion, sql_variant, vector, xml and user-defined types); the row stays under the
-- 8,060-byte in-row size (Multipliers NVARCHAR(2000) holds at most 8 applied multipliers).

IF OBJECT_ID(N'billing.UsageLedger', N'U') IS NULL
    CREATE TABLE billing.UsageLedger (
        UsageId    BIGINT IDENTITY(1, 1) NOT NULL,
        TenantId   VARCHAR(64)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        Operation  NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Units       BIGINT         NOT NULL,
        Cost        DECIMAL(28,6)  NOT NULL,
        BaseRate    DECIMAL(28,12) NOT NULL,
        UnitName    NVARCHAR(32)   COLLATE Latin1_General_100_BIN2 NULL,
        Multipliers NVARCHAR(2000) COLLATE Latin1_General_100_BIN2 NOT NULL,
        PlanName    NVARCHAR(64)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        Currency    CHAR(3)        COLLATE Latin1_General_100_BIN2 NOT NULL,
        RecordedAt DATETIME2(7) NOT NULL CONSTRAINT DF_UsageLedger_RecordedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_UsageLedger PRIMARY KEY NONCLUSTERED (UsageId),
        CONSTRAINT CK_UsageLedger_Units CHECK (Units >= 0),
        CONSTRAINT CK_UsageLedger_Cost CHECK (Cost >= 0),
        INDEX IX_UsageLedger_Tenant NONCLUSTERED (TenantId, RecordedAt)
    )
    WITH (MEMORY_OPTIMIZED = ON, DURABILITY = SCHEMA_AND_DATA);
GO

IF OBJECT_ID(N'billing.UsageLedgerAnalytics', N'U') IS NULL
    CREATE TABLE billing.UsageLedgerAnalytics (
        UsageId    BIGINT       NOT NULL,
        TenantId   VARCHAR(64)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        Operation  NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Units       BIGINT         NOT NULL,
        Cost        DECIMAL(28,6)  NOT NULL,
        BaseRate    DECIMAL(28,12) NOT NULL,
        UnitName    NVARCHAR(32)   COLLATE Latin1_General_100_BIN2 NULL,
        Multipliers NVARCHAR(2000) COLLATE Latin1_General_100_BIN2 NOT NULL,
        PlanName    NVARCHAR(64)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        Currency    CHAR(3)        COLLATE Latin1_General_100_BIN2 NOT NULL,
        RecordedAt DATETIME2(7) NOT NULL,
        INDEX CCI_UsageLedgerAnalytics CLUSTERED COLUMNSTORE
    );
GO
