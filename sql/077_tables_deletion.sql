-- Deleting files (contract Deletions, SqlServerDeletions): one row per request. Mirrors embedded/130_deletion_jobs.sql.
-- A job removes the file's rows in bounded batches (dbo.sp_RunDeletionBatch, 078), each one transaction with the
-- job's counters, so a restarted process continues where the last committed batch ended. Phase says which rows are
-- next: COMPOSITIONS, COEFFICIENTS, HISTORY (erase only), FINISH, then DONE.
-- Outside row-level security like dbo.TenantApiKeys: only the procedures of 078 read or write it, the batch and
-- request procedures as hart_system, and the API checks that a job it shows belongs to the caller's tenant.

IF OBJECT_ID(N'dbo.DeletionJobs', N'U') IS NULL
    CREATE TABLE dbo.DeletionJobs (
        JobId         BIGINT IDENTITY(1, 1) NOT NULL,
        TenantId      VARCHAR(64)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        FileAtomId    BIGINT         NOT NULL,
        ModelId       BIGINT         NULL,
        State         VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        Phase         VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        Erase         BIT            NOT NULL,
        OwnershipOnly BIT            NOT NULL,
        RowsDone      BIGINT         NOT NULL CONSTRAINT DF_DeletionJobs_RowsDone DEFAULT 0,
        RowsTotal     BIGINT         NOT NULL CONSTRAINT DF_DeletionJobs_RowsTotal DEFAULT 0,
        LeavesPurged  BIGINT         NOT NULL CONSTRAINT DF_DeletionJobs_LeavesPurged DEFAULT 0,
        Error         NVARCHAR(4000) NULL,
        CreatedAt     DATETIME2(7)   NOT NULL CONSTRAINT DF_DeletionJobs_CreatedAt DEFAULT SYSUTCDATETIME(),
        UpdatedAt     DATETIME2(7)   NOT NULL CONSTRAINT DF_DeletionJobs_UpdatedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_DeletionJobs PRIMARY KEY CLUSTERED (JobId),
        CONSTRAINT CK_DeletionJobs_State CHECK (State IN ('RUNNING', 'COMPLETED', 'FAILED')),
        CONSTRAINT CK_DeletionJobs_Phase CHECK (Phase IN ('COMPOSITIONS', 'COEFFICIENTS', 'HISTORY', 'FINISH', 'DONE'))
    );
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes WHERE name = N'IX_DeletionJobs_State' AND object_id = OBJECT_ID(N'dbo.DeletionJobs')
)
    CREATE NONCLUSTERED INDEX IX_DeletionJobs_State ON dbo.DeletionJobs (State) INCLUDE (FileAtomId);
GO
