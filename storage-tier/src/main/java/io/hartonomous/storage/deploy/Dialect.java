package io.hartonomous.storage.deploy;

/** The two engines' ways of keeping the schema-history table. */
public enum Dialect {
    H2, SQLSERVER;

    String createHistory() {
        return switch (this) {
            case H2 -> """
                CREATE TABLE IF NOT EXISTS SchemaHistory (
                    ScriptName VARCHAR(255) PRIMARY KEY,
                    Checksum   CHAR(64)     NOT NULL,
                    Batches    INT          NOT NULL,
                    AppliedAt  TIMESTAMP(6) WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
                )""";
            case SQLSERVER -> """
                IF OBJECT_ID(N'dbo.SchemaHistory', N'U') IS NULL
                CREATE TABLE dbo.SchemaHistory (
                    ScriptName NVARCHAR(255) NOT NULL CONSTRAINT PK_SchemaHistory PRIMARY KEY,
                    Checksum   CHAR(64)      NOT NULL,
                    Batches    INT           NOT NULL,
                    AppliedAt  DATETIME2(3)  NOT NULL CONSTRAINT DF_SchemaHistory_AppliedAt DEFAULT SYSUTCDATETIME()
                )""";
        };
    }

    String historyTable() {
        return switch (this) {
            case H2 -> "SchemaHistory";
            case SQLSERVER -> "dbo.SchemaHistory";
        };
    }

    public static Dialect forUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (jdbcUrl.startsWith("jdbc:sqlserver:")) {
            return SQLSERVER;
        }
        throw new DeployException("cannot deploy to '" + jdbcUrl + "': expected a jdbc:h2: or jdbc:sqlserver: URL");
    }
}
