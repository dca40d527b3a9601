-- Reasoning over the session tenant's embeddings (issue 13): A* paths over the k-nearest-neighbour graph and
-- attention generation (SqlServerReasoningStore). Same results as the embedded EmbeddedReasoningStore for the same
-- data and seed (docs/decisions.md, "Reasoning: A* paths and attention generation"): an atom's vector of a type is
-- the tenant's own embedding if it has one, else the built-in one; every ordering breaks ties by atom id; the draws
-- come from the Park-Miller generator (state * 48271 mod 2147483647, in BIGINT without overflow).
-- Row-level security on dbo.AtomEmbeddings keeps every read to what the session tenant sees.
-- Errors: 50400 invalid argument (and a type with no visible embedding), 50404 atom not found or without an
-- embedding of the type.

-- A* from @FromAtomId to @ToAtomId. The edges out of an atom go to its @K nearest others of the type (exact
-- distances, ties by atom id), each costing that distance. Heuristic: the exact euclidean distance to the goal for
-- euclidean (admissible and consistent: the triangle inequality), none (h = 0, Dijkstra) for cosine, whose distance
-- has no triangle inequality; the planar distance of the projected points is no lower bound (X is a landmark's
-- number). @Heuristic 'none' asks for Dijkstra whatever the metric (NULL: the metric's own; 'exact' only for
-- euclidean). The open set is taken by F, then atom id. It stops unfinished after @MaxExpanded expansions.
-- Result: one row per atom of the path (Ordinal from 0, AtomId, Cost from the start) with Found, Expanded,
-- Exhausted and Heuristic on every row; without a path one row with Ordinal 0 and AtomId NULL.
CREATE OR ALTER PROCEDURE dbo.sp_GenerateOptimalPath
    @FromAtomId    BIGINT,
    @ToAtomId      BIGINT,
    @EmbeddingType NVARCHAR(64),
    @K             INT,
    @Metric        VARCHAR(16),
    @MaxExpanded   INT = 10000,
    @Heuristic     VARCHAR(8) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    IF @FromAtomId IS NULL OR @ToAtomId IS NULL
        THROW 50400, N'a path needs a start and a goal atom', 1;
    IF @EmbeddingType IS NULL OR LEN(@EmbeddingType) = 0
        THROW 50400, N'embeddingType is required (1-64 characters)', 1;
    IF @K IS NULL OR @K < 1 OR @K > 1000
        THROW 50400, N'k must be between 1 and 1000', 1;
    IF @Metric IS NULL OR @Metric NOT IN ('cosine', 'euclidean')
        THROW 50400, N'metric dot gives negative edge costs; a path needs euclidean or cosine', 1;
    IF @MaxExpanded IS NULL OR @MaxExpanded < 1 OR @MaxExpanded > 1000000
        THROW 50400, N'maxExpanded must be between 1 and 1000000', 1;
    IF @Heuristic IS NULL
        SET @Heuristic = CASE WHEN @Metric = 'euclidean' THEN 'exact' ELSE 'none' END;
    IF @Heuristic NOT IN ('exact', 'none') OR (@Heuristic = 'exact' AND @Metric <> 'euclidean')
        THROW 50400, N'heuristic exact is admissible only for euclidean; use none', 1;

    -- Each atom once, with its vector of the type: the tenant's own embedding before the built-in one.
    CREATE TABLE #Nodes (AtomId BIGINT NOT NULL PRIMARY KEY, EmbeddingId BIGINT NOT NULL);
    INSERT INTO #Nodes (AtomId, EmbeddingId)
    SELECT v.AtomId, v.EmbeddingId
    FROM (
        SELECT e.AtomId, e.EmbeddingId,
               ROW_NUMBER() OVER (PARTITION BY e.AtomId
                                  ORDER BY CASE WHEN e.TenantId IS NULL THEN 1 ELSE 0 END) AS Preference
        FROM dbo.AtomEmbeddings AS e
        INNER JOIN dbo.Atoms AS a ON a.AtomId = e.AtomId
        WHERE e.EmbeddingType = @EmbeddingType
    ) AS v
    WHERE v.Preference = 1;
    IF NOT EXISTS (SELECT 1 FROM #Nodes)
        THROW 50400, N'unknown embedding type: no embedding of it is visible', 1;
    IF NOT EXISTS (SELECT 1 FROM #Nodes WHERE AtomId = @FromAtomId)
        THROW 50404, N'the start atom is not found or has no embedding of the type', 1;
    IF NOT EXISTS (SELECT 1 FROM #Nodes WHERE AtomId = @ToAtomId)
        THROW 50404, N'the goal atom is not found or has no embedding of the type', 1;

    DECLARE @Goal VECTOR(1998) = (
        SELECT e.EmbeddingVector
        FROM #Nodes AS n
        INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = n.EmbeddingId
        WHERE n.AtomId = @ToAtomId);

    CREATE TABLE #Open (
        AtomId BIGINT NOT NULL PRIMARY KEY,
        G      FLOAT NOT NULL,
        F      FLOAT NOT NULL,
        Parent BIGINT NULL,
        Closed BIT NOT NULL
    );
    CREATE INDEX IX_Open_Next ON #Open (Closed, F, AtomId);
    CREATE TABLE #Edges (AtomId BIGINT NOT NULL PRIMARY KEY, Cost FLOAT NOT NULL, H FLOAT NOT NULL);

    INSERT INTO #Open (AtomId, G, F, Parent, Closed)
    SELECT n.AtomId, 0,
           CASE WHEN @Heuristic = 'exact'
                THEN IIF(VECTOR_DISTANCE('euclidean', e.EmbeddingVector, @Goal) > 0,
                         VECTOR_DISTANCE('euclidean', e.EmbeddingVector, @Goal), 0)
                ELSE 0 END,
           NULL, 0
    FROM #Nodes AS n
    INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = n.EmbeddingId
    WHERE n.AtomId = @FromAtomId;

    DECLARE @u BIGINT, @g FLOAT, @uVector VECTOR(1998);
    DECLARE @Expanded INT = 0, @Found BIT = 0, @Exhausted BIT = 0;
    WHILE 1 = 1
    BEGIN
        SET @u = NULL;
        SELECT TOP (1) @u = AtomId, @g = G FROM #Open WHERE Closed = 0 ORDER BY F, AtomId;
        IF @u IS NULL
            BREAK;
        IF @u = @ToAtomId
        BEGIN
            SET @Found = 1;
            BREAK;
        END;
        IF @Expanded = @MaxExpanded
        BEGIN
            SET @Exhausted = 1;
            BREAK;
        END;
        UPDATE #Open SET Closed = 1 WHERE AtomId = @u;
        SET @Expanded += 1;
        SET @uVector = (
            SELECT e.EmbeddingVector
            FROM #Nodes AS n
            INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = n.EmbeddingId
            WHERE n.AtomId = @u);

        -- The edges out of @u: its @K nearest others (a cost is never below 0, whatever the rounding).
        DELETE FROM #Edges;
        INSERT INTO #Edges (AtomId, Cost, H)
        SELECT TOP (@K) n.AtomId, IIF(d.Distance > 0, d.Distance, 0), 0
        FROM #Nodes AS n
        INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = n.EmbeddingId
        CROSS APPLY (
            SELECT CASE @Metric
                       WHEN 'cosine' THEN VECTOR_DISTANCE('cosine', e.EmbeddingVector, @uVector)
                       ELSE VECTOR_DISTANCE('euclidean', e.EmbeddingVector, @uVector)
                   END AS Distance
        ) AS d
        WHERE n.AtomId <> @u
        ORDER BY d.Distance, n.AtomId;
        IF @Heuristic = 'exact'
            UPDATE x
            SET H = IIF(VECTOR_DISTANCE('euclidean', e.EmbeddingVector, @Goal) > 0,
                        VECTOR_DISTANCE('euclidean', e.EmbeddingVector, @Goal), 0)
            FROM #Edges AS x
            INNER JOIN #Nodes AS n ON n.AtomId = x.AtomId
            INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = n.EmbeddingId;

        -- Relax: an atom not yet closed keeps the cheaper of its known cost and the one through @u.
        MERGE #Open AS o
        USING (SELECT AtomId, @g + Cost AS G, H FROM #Edges) AS s
        ON o.AtomId = s.AtomId
        WHEN MATCHED AND o.Closed = 0 AND s.G < o.G THEN
            UPDATE SET G = s.G, F = s.G + s.H, Parent = @u
        WHEN NOT MATCHED THEN
            INSERT (AtomId, G, F, Parent, Closed) VALUES (s.AtomId, s.G, s.G + s.H, @u, 0);
    END;

    IF @Found = 1
    BEGIN
        WITH Path AS (
            SELECT o.AtomId, o.Parent, o.G, 0 AS Depth
            FROM #Open AS o
            WHERE o.AtomId = @ToAtomId
            UNION ALL
            SELECT o.AtomId, o.Parent, o.G, p.Depth + 1
            FROM #Open AS o
            INNER JOIN Path AS p ON o.AtomId = p.Parent
        )
        SELECT CAST(ROW_NUMBER() OVER (ORDER BY Depth DESC) - 1 AS INT) AS Ordinal, AtomId, G AS Cost,
               @Found AS Found, @Expanded AS Expanded, @Exhausted AS Exhausted, @Heuristic AS Heuristic
        FROM Path
        ORDER BY Depth DESC
        OPTION (MAXRECURSION 0);
    END
    ELSE
        SELECT 0 AS Ordinal, CAST(NULL AS BIGINT) AS AtomId, CAST(NULL AS FLOAT) AS Cost, @Found AS Found,
               @Expanded AS Expanded, @Exhausted AS Exhausted, @Heuristic AS Heuristic;
END;
GO

-- Attention generation: from @Context (a JSON array of 1998 numbers, the vector zero-padded as the engine sends
-- vectors in JSON) or the vector of @ContextAtomId of the type, each of @Steps steps takes
-- the hybrid top @K (dbo.sp_HybridSearch) for the current context, each distinct atom once with its own vector and
-- its distance to the context recomputed from it; similarity = 1 - distance (cosine) or -distance; weights =
-- softmax(similarity / @Temperature) from the largest similarity down; one uniform draw u = state / 2147483647 picks
-- the first candidate (by similarity descending, then atom id) whose cumulative weight exceeds u (the last if
-- rounding leaves the sum below u); the context becomes sum(weight * vector), dimension by dimension.
-- Result: a row per candidate of every step: Step (from 1), Draw, Ordinal (from 0), AtomId, Similarity, Weight,
-- Chosen, LogProbability (of the chosen one, on every row of its step).
CREATE OR ALTER PROCEDURE dbo.sp_GenerateWithAttention
    @Context       NVARCHAR(MAX) = NULL,
    @ContextAtomId BIGINT = NULL,
    @EmbeddingType NVARCHAR(64),
    @Steps         INT,
    @K             INT,
    @Temperature   FLOAT,
    @Seed          BIGINT,
    @Metric        VARCHAR(16)
AS
BEGIN
    SET NOCOUNT ON;
    IF (@Context IS NULL AND @ContextAtomId IS NULL) OR (@Context IS NOT NULL AND @ContextAtomId IS NOT NULL)
        THROW 50400, N'give either a context vector or a context atom, not both or neither', 1;
    IF @EmbeddingType IS NULL OR LEN(@EmbeddingType) = 0
        THROW 50400, N'embeddingType is required (1-64 characters)', 1;
    IF @Steps IS NULL OR @Steps < 1 OR @Steps > 1000
        THROW 50400, N'steps must be between 1 and 1000', 1;
    IF @K IS NULL OR @K < 1 OR @K > 1000
        THROW 50400, N'k must be between 1 and 1000', 1;
    IF @Temperature IS NULL OR @Temperature <= 0
        THROW 50400, N'temperature must be a finite number above 0', 1;
    IF @Seed IS NULL
        THROW 50400, N'a seed is required', 1;
    IF @Metric IS NULL OR @Metric NOT IN ('cosine', 'euclidean', 'dot')
        THROW 50400, N'metric must be cosine, euclidean or dot', 1;
    IF NOT EXISTS (
        SELECT 1
        FROM dbo.AtomEmbeddings AS e
        INNER JOIN dbo.Atoms AS a ON a.AtomId = e.AtomId
        WHERE e.EmbeddingType = @EmbeddingType)
        THROW 50400, N'unknown embedding type: no embedding of it is visible', 1;
    DECLARE @Vector VECTOR(1998);
    IF @ContextAtomId IS NOT NULL
    BEGIN
        SELECT TOP (1) @Vector = e.EmbeddingVector
        FROM dbo.AtomEmbeddings AS e
        INNER JOIN dbo.Atoms AS a ON a.AtomId = e.AtomId
        WHERE e.AtomId = @ContextAtomId AND e.EmbeddingType = @EmbeddingType
        ORDER BY CASE WHEN e.TenantId IS NULL THEN 1 ELSE 0 END;
        IF @Vector IS NULL
            THROW 50404, N'the context atom is not found or has no embedding of the type', 1;
    END
    ELSE
        SET @Vector = CAST(@Context AS VECTOR(1998));

    -- Park-Miller: the seed mapped to 1..2147483646 as (seed mod 2147483646) + 1, the modulo taken non-negative.
    DECLARE @State BIGINT = ((@Seed % 2147483646) + 2147483646) % 2147483646 + 1;
    DECLARE @Step INT = 1, @Draw FLOAT, @Max FLOAT, @Sum FLOAT, @Chosen INT, @Text NVARCHAR(MAX);

    CREATE TABLE #Hits (
        AtomId        BIGINT NOT NULL,
        EmbeddingType NVARCHAR(64) NOT NULL,
        Distance      FLOAT NOT NULL,
        Examined      BIGINT NOT NULL
    );
    -- Named apart from dbo.sp_HybridSearch's own #Candidates, which it creates while this procedure runs.
    CREATE TABLE #StepCandidates (
        AtomId      BIGINT NOT NULL PRIMARY KEY,
        EmbeddingId BIGINT NOT NULL,
        Similarity  FLOAT NOT NULL,
        Ordinal     INT NULL,
        Weight      FLOAT NULL
    );
    CREATE TABLE #Steps (
        Step           INT NOT NULL,
        Draw           FLOAT NOT NULL,
        Ordinal        INT NOT NULL,
        AtomId         BIGINT NOT NULL,
        Similarity     FLOAT NOT NULL,
        Weight         FLOAT NOT NULL,
        Chosen         BIT NOT NULL,
        LogProbability FLOAT NOT NULL,
        PRIMARY KEY (Step, Ordinal)
    );

    WHILE @Step <= @Steps
    BEGIN
        DELETE FROM #Hits;
        DELETE FROM #StepCandidates;
        INSERT INTO #Hits (AtomId, EmbeddingType, Distance, Examined)
        EXEC dbo.sp_HybridSearch @Vector = @Vector, @K = @K, @Metric = @Metric, @EmbeddingType = @EmbeddingType;

        INSERT INTO #StepCandidates (AtomId, EmbeddingId, Similarity)
        SELECT h.AtomId, v.EmbeddingId,
               CASE WHEN @Metric = 'cosine' THEN 1.0 - d.Distance ELSE -d.Distance END
        FROM (SELECT DISTINCT AtomId FROM #Hits) AS h
        CROSS APPLY (
            SELECT TOP (1) e.EmbeddingId, e.EmbeddingVector
            FROM dbo.AtomEmbeddings AS e
            WHERE e.AtomId = h.AtomId AND e.EmbeddingType = @EmbeddingType
            ORDER BY CASE WHEN e.TenantId IS NULL THEN 1 ELSE 0 END
        ) AS v
        CROSS APPLY (
            SELECT CASE @Metric
                       WHEN 'cosine' THEN VECTOR_DISTANCE('cosine', v.EmbeddingVector, @Vector)
                       WHEN 'dot' THEN VECTOR_DISTANCE('dot', v.EmbeddingVector, @Vector)
                       ELSE VECTOR_DISTANCE('euclidean', v.EmbeddingVector, @Vector)
                   END AS Distance
        ) AS d;
        IF NOT EXISTS (SELECT 1 FROM #StepCandidates)
            THROW 50400, N'unknown embedding type: no embedding of it is visible', 1;

        UPDATE c
        SET Ordinal = r.Ordinal
        FROM #StepCandidates AS c
        INNER JOIN (
            SELECT AtomId, CAST(ROW_NUMBER() OVER (ORDER BY Similarity DESC, AtomId) - 1 AS INT) AS Ordinal
            FROM #StepCandidates
        ) AS r ON r.AtomId = c.AtomId;
        SET @Max = (SELECT MAX(Similarity) FROM #StepCandidates);
        SET @Sum = (SELECT SUM(EXP((Similarity - @Max) / @Temperature)) FROM #StepCandidates);
        UPDATE #StepCandidates SET Weight = EXP((Similarity - @Max) / @Temperature) / @Sum;

        SET @State = @State * 48271 % 2147483647;
        SET @Draw = CAST(@State AS FLOAT) / 2147483647.0;
        SET @Chosen = (
            SELECT MIN(c.Ordinal)
            FROM (
                SELECT Ordinal, SUM(Weight) OVER (ORDER BY Ordinal ROWS UNBOUNDED PRECEDING) AS Cumulative
                FROM #StepCandidates
            ) AS c
            WHERE @Draw < c.Cumulative);
        IF @Chosen IS NULL
            SET @Chosen = (SELECT MAX(Ordinal) FROM #StepCandidates);

        INSERT INTO #Steps (Step, Draw, Ordinal, AtomId, Similarity, Weight, Chosen, LogProbability)
        SELECT @Step, @Draw, c.Ordinal, c.AtomId, c.Similarity, c.Weight, IIF(c.Ordinal = @Chosen, 1, 0),
               (chosen.Similarity - @Max) / @Temperature - LOG(@Sum)
        FROM #StepCandidates AS c
        CROSS JOIN (SELECT Similarity FROM #StepCandidates WHERE Ordinal = @Chosen) AS chosen;

        -- The new context: sum(weight * value) per dimension, over the vectors as JSON arrays, written back with
        -- 17 significant digits (style 3) so the cast to float32 rounds once, as the embedded engine does.
        SET @Text = (
            SELECT N'[' + STRING_AGG(CONVERT(NVARCHAR(MAX), CONVERT(VARCHAR(32), m.Value, 3)), N',')
                       WITHIN GROUP (ORDER BY m.Dimension) + N']'
            FROM (
                SELECT CAST(j.[key] AS INT) AS Dimension, SUM(c.Weight * CAST(j.[value] AS FLOAT)) AS Value
                FROM #StepCandidates AS c
                INNER JOIN dbo.AtomEmbeddings AS e ON e.EmbeddingId = c.EmbeddingId
                CROSS APPLY OPENJSON(CAST(e.EmbeddingVector AS NVARCHAR(MAX))) AS j
                GROUP BY CAST(j.[key] AS INT)
            ) AS m);
        SET @Vector = CAST(@Text AS VECTOR(1998));
        SET @Step += 1;
    END;

    SELECT Step, Draw, Ordinal, AtomId, Similarity, Weight, Chosen, LogProbability
    FROM #Steps
    ORDER BY Step, Ordinal;
END;
GO
