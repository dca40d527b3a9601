-- Schemas. dbo holds the atom model; graph the provenance node/edge tables; provenance the sync to the cold tier
-- (Neo4j); billing the usage ledger; ops jobs, queues and the self-tuning (OODA) loop; security the row-level
-- security predicates (kept apart from the data, as Microsoft recommends for RLS objects).
-- CREATE SCHEMA must be alone in its batch, so each runs through sp_executesql behind an existence check.

IF SCHEMA_ID(N'graph') IS NULL
    EXEC sys.sp_executesql N'CREATE SCHEMA graph AUTHORIZATION dbo;';
GO

IF SCHEMA_ID(N'provenance') IS NULL
    EXEC sys.sp_executesql N'CREATE SCHEMA provenance AUTHORIZATION dbo;';
GO

IF SCHEMA_ID(N'billing') IS NULL
    EXEC sys.sp_executesql N'CREATE SCHEMA billing AUTHORIZATION dbo;';
GO

IF SCHEMA_ID(N'ops') IS NULL
    EXEC sys.sp_executesql N'CREATE SCHEMA ops AUTHORIZATION dbo;';
GO

IF SCHEMA_ID(N'security') IS NULL
    EXEC sys.sp_executesql N'CREATE SCHEMA security AUTHORIZATION dbo;';
GO
