-- Atoms and where they occur. Mirrors storage-tier/src/main/resources/embedded/010_atoms.sql table for table and
-- column for column. Times are UTC (DATETIME2(7) filled from SYSUTCDATETIME()). Codes and tenant ids compare in
-- binary collation, so 'Acme' and 'acme' are different tenants here exactly as on the embedded engine.

-- dbo.Atoms is system-versioned: ReferenceCount changes and deletions keep their previous versions in
-- dbo.AtomsHistory, whose columns match the current table one for one. That history is an audit trail only
-- (tensor AS OF reads never need it, because atoms still referenced by weight history are never deleted), so it
-- is kept for a bounded period.
-- The history table, its index and the versioned table are created in one transaction: a failure part-way
-- leaves none of them, so running the script again starts clean instead of tripping on a lone history table.
SET XACT_ABORT ON;
BEGIN TRANSACTION;
IF OBJECT_ID(N'dbo.Atoms', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.AtomsHistory (
        AtomId         BIGINT         NOT NULL,
        ContentHash    BINARY(32)     NOT NULL,
        Modality       VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        Subtype        VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        AtomicValue    VARBINARY(64)  NULL,
        Metadata       NVARCHAR(MAX)  NULL,
        ReferenceCount BIGINT         NOT NULL,
        CreatedAt      DATETIME2(7)   NOT NULL,
        ValidFrom      DATETIME2(7)   NOT NULL,
        ValidTo        DATETIME2(7)   NOT NULL
    );

    -- Retention cleanup needs the history clustered on the period end.
    CREATE CLUSTERED INDEX CIX_AtomsHistory_Period ON dbo.AtomsHistory (ValidTo, ValidFrom);

    CREATE TABLE dbo.Atoms (
        AtomId         BIGINT IDENTITY(1, 1) NOT NULL,
        ContentHash    BINARY(32)     NOT NULL,
        Modality       VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        Subtype        VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        AtomicValue    VARBINARY(64)  NULL,
        Metadata       NVARCHAR(MAX)  NULL,
        ReferenceCount BIGINT         NOT NULL CONSTRAINT DF_Atoms_ReferenceCount DEFAULT 0,
        CreatedAt      DATETIME2(7)   NOT NULL CONSTRAINT DF_Atoms_CreatedAt DEFAULT SYSUTCDATETIME(),
        ValidFrom      DATETIME2(7) GENERATED ALWAYS AS ROW START HIDDEN NOT NULL,
        ValidTo        DATETIME2(7) GENERATED ALWAYS AS ROW END HIDDEN NOT NULL,
        PERIOD FOR SYSTEM_TIME (ValidFrom, ValidTo),
        CONSTRAINT PK_Atoms PRIMARY KEY CLUSTERED (AtomId),
        CONSTRAINT UQ_Atoms_ContentHash UNIQUE (ContentHash),
        CONSTRAINT CK_Atoms_ReferenceCount CHECK (ReferenceCount >= 0)
    )
    WITH (
        SYSTEM_VERSIONING = ON (
            HISTORY_TABLE = dbo.AtomsHistory,
            HISTORY_RETENTION_PERIOD = 6 MONTHS,
            DATA_CONSISTENCY_CHECK = ON
        )
    );
END;
COMMIT TRANSACTION;
GO

-- Parent atoms (files) are visible only to the tenants that ingested them; leaf values are shared content.
IF OBJECT_ID(N'dbo.AtomOwners', N'U') IS NULL
    CREATE TABLE dbo.AtomOwners (
        TenantId  VARCHAR(64)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        AtomId    BIGINT       NOT NULL,
        CreatedAt DATETIME2(7) NOT NULL CONSTRAINT DF_AtomOwners_CreatedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_AtomOwners PRIMARY KEY CLUSTERED (AtomId, TenantId),
        CONSTRAINT FK_AtomOwners_Atom FOREIGN KEY (AtomId) REFERENCES dbo.Atoms (AtomId) ON DELETE CASCADE
    );
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_AtomOwners_Tenant' AND object_id = OBJECT_ID(N'dbo.AtomOwners'))
    CREATE NONCLUSTERED INDEX IX_AtomOwners_Tenant ON dbo.AtomOwners (TenantId, AtomId);
GO

-- Where each component sits in its parent. The point is computed from X/Y and persisted, so bulk copy and the
-- writers never send geometry (SRID 0: planar coordinates in pixels, frames and channels).
IF OBJECT_ID(N'dbo.AtomCompositions', N'U') IS NULL
    CREATE TABLE dbo.AtomCompositions (
        ParentAtomId    BIGINT NOT NULL,
        ComponentAtomId BIGINT NOT NULL,
        SequenceIndex   BIGINT NOT NULL,
        PositionX       BIGINT NOT NULL,
        PositionY       BIGINT NOT NULL,
        SpatialKey      AS geometry::Point(PositionX, PositionY, 0) PERSISTED NOT NULL,
        CONSTRAINT PK_AtomCompositions PRIMARY KEY CLUSTERED (ParentAtomId, SequenceIndex)
    );
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_AtomCompositions_Component' AND object_id = OBJECT_ID(N'dbo.AtomCompositions')
)
    CREATE NONCLUSTERED INDEX IX_AtomCompositions_Component ON dbo.AtomCompositions (ComponentAtomId);
GO
