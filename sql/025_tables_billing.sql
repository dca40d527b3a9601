-- Billing. Every metered operation lands in a memory-optimized ledger (SCHEMA_AND_DATA: durable, latch-free
-- inserts from many API threads); billing.sp_FlushUsageToAnalytics moves settled rows into a disk-based
-- clustered-columnstore table for reporting. billing.sp_GetUsage sums both, so a reader never sees a gap.
-- Mirrors the embedded engine's UsageLedger table (same columns).

IF OBJECT_ID(N'billing.UsageLedger', N'U') IS NULL
    CREATE TABLE billing.UsageLedger (
        UsageId    BIGINT IDENTITY(1, 1) NOT NULL,
        TenantId   VARCHAR(64)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        Operation  NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Units      BIGINT       NOT NULL,
        RecordedAt DATETIME2(7) NOT NULL CONSTRAINT DF_UsageLedger_RecordedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_UsageLedger PRIMARY KEY NONCLUSTERED (UsageId),
        CONSTRAINT CK_UsageLedger_Units CHECK (Units >= 0),
        INDEX IX_UsageLedger_Tenant NONCLUSTERED (TenantId, RecordedAt)
    )
    WITH (MEMORY_OPTIMIZED = ON, DURABILITY = SCHEMA_AND_DATA);
GO

IF OBJECT_ID(N'billing.UsageLedgerAnalytics', N'U') IS NULL
    CREATE TABLE billing.UsageLedgerAnalytics (
        UsageId    BIGINT       NOT NULL,
        TenantId   VARCHAR(64)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        Operation  NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Units      BIGINT       NOT NULL,
        RecordedAt DATETIME2(7) NOT NULL,
        INDEX CCI_UsageLedgerAnalytics CLUSTERED COLUMNSTORE
    );
GO
