-- Rate plans (issue 14; the original design's BillingRatePlan, BillingOperationRate, BillingMultiplier): a plan has a
-- currency, a base rate per operation and unit, and multipliers (kind complexity | content_type | grounding, criteria,
-- factor); each tenant is on one plan, the plan 'default' when none is assigned. Disk-based: they are read once per
-- recorded use and written by operators. Same tables as the embedded engine's embedded/120_billing_plans.sql.

IF OBJECT_ID(N'billing.RatePlans', N'U') IS NULL
    CREATE TABLE billing.RatePlans (
        PlanName  NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Currency  CHAR(3)      COLLATE Latin1_General_100_BIN2 NOT NULL,
        CreatedAt DATETIME2(7) NOT NULL CONSTRAINT DF_RatePlans_CreatedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_RatePlans PRIMARY KEY CLUSTERED (PlanName)
    );
GO

IF OBJECT_ID(N'billing.OperationRates', N'U') IS NULL
    CREATE TABLE billing.OperationRates (
        PlanName  NVARCHAR(64)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        Operation NVARCHAR(64)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        BaseRate  DECIMAL(28,12) NOT NULL,
        UnitName  NVARCHAR(32)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        CONSTRAINT PK_OperationRates PRIMARY KEY CLUSTERED (PlanName, Operation),
        CONSTRAINT FK_OperationRates_Plan FOREIGN KEY (PlanName) REFERENCES billing.RatePlans (PlanName),
        CONSTRAINT CK_OperationRates_BaseRate CHECK (BaseRate >= 0)
    );
GO

IF OBJECT_ID(N'billing.BillingMultipliers', N'U') IS NULL
    CREATE TABLE billing.BillingMultipliers (
        PlanName     NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        MultiplierId NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Kind         VARCHAR(16)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        Criteria     NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Factor       DECIMAL(9,4) NOT NULL,
        CONSTRAINT PK_BillingMultipliers PRIMARY KEY CLUSTERED (PlanName, MultiplierId),
        CONSTRAINT FK_BillingMultipliers_Plan FOREIGN KEY (PlanName) REFERENCES billing.RatePlans (PlanName),
        CONSTRAINT CK_BillingMultipliers_Kind CHECK (Kind IN ('complexity', 'content_type', 'grounding')),
        CONSTRAINT CK_BillingMultipliers_Factor CHECK (Factor >= 0)
    );
GO

IF OBJECT_ID(N'billing.TenantRatePlans', N'U') IS NULL
    CREATE TABLE billing.TenantRatePlans (
        TenantId   VARCHAR(64)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        PlanName   NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        AssignedAt DATETIME2(7) NOT NULL CONSTRAINT DF_TenantRatePlans_AssignedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_TenantRatePlans PRIMARY KEY CLUSTERED (TenantId),
        CONSTRAINT FK_TenantRatePlans_Plan FOREIGN KEY (PlanName) REFERENCES billing.RatePlans (PlanName)
    );
GO

-- The plan of every tenant without one: USD, no rates (every use costs 0 until an operator prices it).
IF NOT EXISTS (SELECT 1 FROM billing.RatePlans WHERE PlanName = N'default')
    INSERT INTO billing.RatePlans (PlanName, Currency) VALUES (N'default', 'USD');
GO
