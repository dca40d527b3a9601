-- Dead letters (issue 14): every queue counts failed deliveries per message, and a message that failed
-- MaxDeliveries times moves to ops.DeadLetters with its last error instead of blocking its queue. Same tables as the
-- embedded script 110_dead_letters.sql; the procedures are in 062_procedures_dead_letters.sql (and 074/075).

-- The error a general-queue message was last abandoned with (kept with it if it is dead-lettered later).
IF COL_LENGTH(N'ops.QueueMessages', N'LastError') IS NULL
    ALTER TABLE ops.QueueMessages ADD LastError NVARCHAR(4000) NULL;
GO

-- Messages taken off their queue after too many failed deliveries. QueueName is the general queue's name,
-- 'provenance-sync' for the provenance feed, or schema.queue for a Service Broker queue (ops.sp_AddDeadLetter is
-- there for the activation procedures of the OODA queues to park a message instead of rolling it back).
IF OBJECT_ID(N'ops.DeadLetters', N'U') IS NULL
    CREATE TABLE ops.DeadLetters (
        DeadLetterId   BIGINT IDENTITY(1, 1) NOT NULL,
        QueueName      NVARCHAR(128)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        Body           NVARCHAR(MAX)  NOT NULL,
        Error          NVARCHAR(4000) NOT NULL,
        Deliveries     INT            NOT NULL,
        FirstSeen      DATETIME2(7)   NOT NULL,
        DeadLetteredAt DATETIME2(7)   NOT NULL CONSTRAINT DF_DeadLetters_DeadLetteredAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_DeadLetters PRIMARY KEY CLUSTERED (DeadLetterId)
    );
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_DeadLetters_Queue' AND object_id = OBJECT_ID(N'ops.DeadLetters'))
    CREATE NONCLUSTERED INDEX IX_DeadLetters_Queue ON ops.DeadLetters (QueueName, DeadLetterId);
GO

-- Per-queue settings an operator changes; a queue without a row gets 5 deliveries (DeadLetters.DEFAULT_MAX_DELIVERIES).
IF OBJECT_ID(N'ops.QueueSettings', N'U') IS NULL
    CREATE TABLE ops.QueueSettings (
        QueueName     NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
        MaxDeliveries INT           NOT NULL,
        CONSTRAINT PK_QueueSettings PRIMARY KEY CLUSTERED (QueueName),
        CONSTRAINT CK_QueueSettings_MaxDeliveries CHECK (MaxDeliveries BETWEEN 1 AND 1000)
    );
GO

-- Failed deliveries of provenance changes, by the dialog that carries each change (one dialog per change, sql/074).
-- A change listed here is suspect: provenance.sp_ReceiveProvenanceSync delivers it alone. Rows of dialogs that have
-- ended (the change was applied or dead-lettered) are deleted by the procedures that end them.
IF OBJECT_ID(N'provenance.SyncFailures', N'U') IS NULL
    CREATE TABLE provenance.SyncFailures (
        ConversationHandle UNIQUEIDENTIFIER NOT NULL,
        Failures           INT              NOT NULL,
        LastError          NVARCHAR(4000)   NOT NULL,
        FirstFailedAt      DATETIME2(7)     NOT NULL CONSTRAINT DF_SyncFailures_FirstFailedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_SyncFailures PRIMARY KEY CLUSTERED (ConversationHandle)
    );
GO
