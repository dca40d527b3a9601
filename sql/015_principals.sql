-- Database principals. No logins and no secrets here: provisioning maps its service logins to users and adds them
-- to these roles (see sql/README.md). Permissions are granted in 095_permissions.sql, once the procedures exist.

-- hart_ingest: the ingest tier. Write procedures and the staging tables it bulk-loads, nothing else.
IF DATABASE_PRINCIPAL_ID(N'hart_ingest') IS NULL
    CREATE ROLE hart_ingest AUTHORIZATION dbo;
GO

-- hart_api: the API. Read procedures and usage recording.
IF DATABASE_PRINCIPAL_ID(N'hart_api') IS NULL
    CREATE ROLE hart_api AUTHORIZATION dbo;
GO

-- hart_admin: operator actions (API keys, weight rollback and snapshots, OODA approvals, usage roll-up).
IF DATABASE_PRINCIPAL_ID(N'hart_admin') IS NULL
    CREATE ROLE hart_admin AUTHORIZATION dbo;
GO

-- hart_system: a user without a login that nobody can connect as. The few procedures that must see every tenant
-- (file-level dedup across tenants, orphan checks against all weight history, resuming every tenant's jobs,
-- row counts) run WITH EXECUTE AS 'hart_system', and the row-level security predicates let exactly this user
-- through. Callers never hold it: they get only EXECUTE on those procedures.
IF DATABASE_PRINCIPAL_ID(N'hart_system') IS NULL
    CREATE USER hart_system WITHOUT LOGIN WITH DEFAULT_SCHEMA = dbo;
GO
