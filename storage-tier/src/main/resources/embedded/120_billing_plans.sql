-- Rate plans (issue 14): plans, rates per operation, multipliers, the plan of each tenant; every use recorded in
-- UsageLedger is priced when it is recorded and keeps its price (plan, currency, unit, rate, multipliers, cost).
-- Same tables and formats as sql/026 (DECIMAL(28,12) rates, DECIMAL(9,4) factors, DECIMAL(28,6) costs).
CREATE TABLE IF NOT EXISTS RatePlans (
    PlanName  VARCHAR(64) PRIMARY KEY,
    Currency  CHAR(3)     NOT NULL,
    CreatedAt TIMESTAMP(6) WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
)
GO
CREATE TABLE IF NOT EXISTS OperationRates (
    PlanName  VARCHAR(64)    NOT NULL REFERENCES RatePlans (PlanName),
    Operation VARCHAR(64)    NOT NULL,
    BaseRate  DECIMAL(28,12) NOT NULL,
    UnitName  VARCHAR(32)    NOT NULL,
    PRIMARY KEY (PlanName, Operation),
    CONSTRAINT CK_OperationRates_BaseRate CHECK (BaseRate >= 0)
)
GO
CREATE TABLE IF NOT EXISTS BillingMultipliers (
    PlanName     VARCHAR(64)  NOT NULL REFERENCES RatePlans (PlanName),
    MultiplierId VARCHAR(64)  NOT NULL,
    Kind         VARCHAR(16)  NOT NULL,
    Criteria     VARCHAR(64)  NOT NULL,
    Factor       DECIMAL(9,4) NOT NULL,
    PRIMARY KEY (PlanName, MultiplierId),
    CONSTRAINT CK_BillingMultipliers_Kind CHECK (Kind IN ('complexity', 'content_type', 'grounding')),
    CONSTRAINT CK_BillingMultipliers_Factor CHECK (Factor >= 0)
)
GO
CREATE TABLE IF NOT EXISTS TenantRatePlans (
    TenantId   VARCHAR(64) PRIMARY KEY,
    PlanName   VARCHAR(64) NOT NULL REFERENCES RatePlans (PlanName),
    AssignedAt TIMESTAMP(6) WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
)
GO
MERGE INTO RatePlans (PlanName, Currency) KEY (PlanName) VALUES ('default', 'USD')
GO
-- Rows recorded before plans existed cost 0 under the default plan.
ALTER TABLE UsageLedger ADD COLUMN IF NOT EXISTS Cost DECIMAL(28,6) NOT NULL DEFAULT 0
GO
ALTER TABLE UsageLedger ADD COLUMN IF NOT EXISTS BaseRate DECIMAL(28,12) NOT NULL DEFAULT 0
GO
ALTER TABLE UsageLedger ADD COLUMN IF NOT EXISTS UnitName VARCHAR(32)
GO
ALTER TABLE UsageLedger ADD COLUMN IF NOT EXISTS Multipliers VARCHAR(2000) NOT NULL DEFAULT ''
GO
ALTER TABLE UsageLedger ADD COLUMN IF NOT EXISTS PlanName VARCHAR(64) NOT NULL DEFAULT 'default'
GO
ALTER TABLE UsageLedger ADD COLUMN IF NOT EXISTS Currency CHAR(3) NOT NULL DEFAULT 'USD'
GO
