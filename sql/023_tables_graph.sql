-- Provenance graph, hot tier (Neo4j is the cold tier, fed through provenance.ProvenanceSyncQueue).
-- Mirrors embedded/040_graph.sql: NodeId/EdgeId and FromNodeId/ToNodeId are the ids the storage contract hands
-- out; $node_id / $from_id / $to_id are what MATCH and SHORTEST_PATH traverse. The procedures that write edges
-- fill both from the same node rows, and the edge constraint keeps $from_id / $to_id on existing nodes.

IF OBJECT_ID(N'graph.AtomGraphNodes', N'U') IS NULL
    CREATE TABLE graph.AtomGraphNodes (
        NodeId    BIGINT IDENTITY(1, 1) NOT NULL,
        TenantId  VARCHAR(64)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        NodeKind  VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        RefId     BIGINT        NOT NULL,
        Label     NVARCHAR(512) NULL,
        CreatedAt DATETIME2(7)  NOT NULL CONSTRAINT DF_AtomGraphNodes_CreatedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_AtomGraphNodes PRIMARY KEY CLUSTERED (NodeId),
        CONSTRAINT UQ_AtomGraphNodes_Ref UNIQUE (TenantId, NodeKind, RefId),
        CONSTRAINT CK_AtomGraphNodes_Kind CHECK (
            NodeKind IN ('FILE', 'ATOM', 'MODEL', 'TENSOR', 'EMBEDDING', 'JOB', 'INFERENCE'))
    ) AS NODE;
GO

-- Model runs (INFERENCE, 027) became a kind after the table existed: a database deployed before gets the wider
-- check here, in one transaction, so no node is ever written without one.
IF NOT EXISTS (
    SELECT 1 FROM sys.check_constraints
    WHERE name = N'CK_AtomGraphNodes_Kind' AND parent_object_id = OBJECT_ID(N'graph.AtomGraphNodes')
      AND definition LIKE N'%INFERENCE%'
)
BEGIN
    SET XACT_ABORT ON;
    BEGIN TRANSACTION;
    ALTER TABLE graph.AtomGraphNodes DROP CONSTRAINT IF EXISTS CK_AtomGraphNodes_Kind;
    ALTER TABLE graph.AtomGraphNodes ADD CONSTRAINT CK_AtomGraphNodes_Kind CHECK (
        NodeKind IN ('FILE', 'ATOM', 'MODEL', 'TENSOR', 'EMBEDDING', 'JOB', 'INFERENCE'));
    COMMIT TRANSACTION;
    SET XACT_ABORT OFF;
END;
GO

IF OBJECT_ID(N'graph.AtomGraphEdges', N'U') IS NULL
    CREATE TABLE graph.AtomGraphEdges (
        EdgeId     BIGINT IDENTITY(1, 1) NOT NULL,
        TenantId   VARCHAR(64)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        FromNodeId BIGINT       NOT NULL,
        ToNodeId   BIGINT       NOT NULL,
        Relation   NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        CreatedAt  DATETIME2(7) NOT NULL CONSTRAINT DF_AtomGraphEdges_CreatedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_AtomGraphEdges PRIMARY KEY CLUSTERED (EdgeId),
        CONSTRAINT UQ_AtomGraphEdges UNIQUE (TenantId, FromNodeId, ToNodeId, Relation),
        -- Deleting a node (a failed job's provenance) removes the edges that touch it.
        CONSTRAINT EC_AtomGraphEdges_Nodes CONNECTION (graph.AtomGraphNodes TO graph.AtomGraphNodes) ON DELETE CASCADE
    ) AS EDGE;
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes WHERE name = N'IX_AtomGraphEdges_To' AND object_id = OBJECT_ID(N'graph.AtomGraphEdges')
)
    CREATE NONCLUSTERED INDEX IX_AtomGraphEdges_To ON graph.AtomGraphEdges (ToNodeId);
GO

-- Microsoft recommends an index on ($from_id, $to_id) for traversals in the direction of the edge.
IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_AtomGraphEdges_FromTo' AND object_id = OBJECT_ID(N'graph.AtomGraphEdges')
)
    CREATE NONCLUSTERED INDEX IX_AtomGraphEdges_FromTo ON graph.AtomGraphEdges ($from_id, $to_id);
GO
