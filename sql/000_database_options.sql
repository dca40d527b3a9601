-- Database options for the Hartonomous storage tier on SQL Server 2025 (Linux).
-- Every script in sql/ runs inside the target database: provisioning (ansible role mssql_server) creates it with
-- CREATE DATABASE Hartonomous; the deployer connects to it and applies these scripts in name order.
-- ALTER DATABASE cannot run inside a user transaction: the deployer runs each batch in auto-commit mode.
-- Each statement is guarded, so running the script again changes nothing.

-- SQL Server 2025 behaviour (compatibility level 170) for every query in this database.
IF EXISTS (SELECT 1 FROM sys.databases WHERE database_id = DB_ID() AND compatibility_level < 170)
    ALTER DATABASE CURRENT SET COMPATIBILITY_LEVEL = 170;
GO

-- Query Store: the OODA loop (ops.sp_Analyze) reads plan regressions from it and forces last-good plans.
IF NOT EXISTS (
    SELECT 1
    FROM sys.database_query_store_options
    WHERE desired_state_desc = N'READ_WRITE' AND query_capture_mode_desc = N'AUTO'
)
    ALTER DATABASE CURRENT SET QUERY_STORE = ON (
        OPERATION_MODE = READ_WRITE,
        QUERY_CAPTURE_MODE = AUTO,
        DATA_FLUSH_INTERVAL_SECONDS = 900,
        INTERVAL_LENGTH_MINUTES = 15,
        MAX_STORAGE_SIZE_MB = 2048,
        SIZE_BASED_CLEANUP_MODE = AUTO,
        CLEANUP_POLICY = (STALE_QUERY_THRESHOLD_DAYS = 30)
    );
GO

-- Service Broker carries the OODA loop and the provenance sync. Enabling it needs a moment of exclusive access.
-- A restored copy of another database may need NEW_BROKER instead (two brokers may not share an id).
IF EXISTS (SELECT 1 FROM sys.databases WHERE database_id = DB_ID() AND is_broker_enabled = 0)
    ALTER DATABASE CURRENT SET ENABLE_BROKER WITH ROLLBACK IMMEDIATE;
GO

-- Readers (API, read replicas) never wait for chunk writers; interop transactions that touch the
-- memory-optimized ledger run at snapshot isolation without a table hint.
IF EXISTS (SELECT 1 FROM sys.databases WHERE database_id = DB_ID() AND snapshot_isolation_state = 0)
    ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION ON;
GO

IF EXISTS (SELECT 1 FROM sys.databases WHERE database_id = DB_ID() AND is_read_committed_snapshot_on = 0)
    ALTER DATABASE CURRENT SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE;
GO

IF EXISTS (
    SELECT 1 FROM sys.databases WHERE database_id = DB_ID() AND is_memory_optimized_elevate_to_snapshot_on = 0
)
    ALTER DATABASE CURRENT SET MEMORY_OPTIMIZED_ELEVATE_TO_SNAPSHOT = ON;
GO

-- Finite history retention (dbo.AtomsHistory) is enforced only while this is on.
IF EXISTS (SELECT 1 FROM sys.databases WHERE database_id = DB_ID() AND is_temporal_history_retention_enabled = 0)
    ALTER DATABASE CURRENT SET TEMPORAL_HISTORY_RETENTION ON;
GO

-- PREVIEW_FEATURES stays off here: nothing in the default scripts needs a preview feature. Only the opt-in
-- sql/optional/diskann_vector_index.sql turns it on, for CREATE VECTOR INDEX and VECTOR_SEARCH.
