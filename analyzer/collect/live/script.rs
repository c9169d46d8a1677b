//! The offline collection script: one T-SQL batch, generated from the same
//! query definitions as the live collector, that a DBA runs with SSMS or
//! `sqlcmd -i collect.sql -o inventory.json -y 0` where linkready cannot
//! connect. It writes one JSON document (the inventory format of
//! [`crate::collect::inventory`]) as a single value.
//!
//! The outer batch uses only syntax SQL Server 2008 already had, so it
//! compiles everywhere: FOR JSON (2016+) runs inside `sp_executesql`. On a
//! version without FOR JSON the script still returns the server properties,
//! built by hand, so the report can say that the link is impossible there.

use linkready_rules::tsql_string;

use super::queries::{
    DATABASE_QUERIES, INSTANCE_QUERIES, QueryDefinition, SERVER_PROPERTIES, TRACE_FLAGS,
};

/// A query's text without its final `;`, so that it can stand in a
/// derived table.
fn body(sql: &str) -> &str {
    let trimmed = sql.trim_end();
    trimmed.strip_suffix(';').unwrap_or(trimmed)
}

/// The T-SQL of one query's step: run it (inside a version check), keep
/// its rows as JSON or its error, append both to @results.
fn query_step(query: &QueryDefinition) -> String {
    let run = if query.name == TRACE_FLAGS.name {
        // DBCC output cannot stand in a derived table: read it into a table
        // variable (session-local, nothing on the server changes).
        format!(
            "        DECLARE @flags TABLE (TraceFlag int, Status int, Global int, Session int);
        INSERT @flags EXEC ({});
        SELECT @rows = N'[' + ISNULL(STUFF((SELECT N',{{\"TraceFlag\":' + CAST(TraceFlag AS nvarchar(10)) + N',\"Status\":' + CAST(Status AS nvarchar(10))
            + N',\"Global\":' + CAST(Global AS nvarchar(10)) + N',\"Session\":' + CAST(Session AS nvarchar(10)) + N'}}'
            FROM @flags FOR XML PATH(''), TYPE).value('.', 'nvarchar(max)'), 1, 1, N''), N'') + N']';\n",
            tsql_string(query.sql)
        )
    } else {
        let wrapped = format!(
            "SET @rows = (SELECT * FROM ({}\n) AS q FOR JSON PATH, INCLUDE_NULL_VALUES);",
            body(query.sql)
        );
        format!(
            "        EXEC sys.sp_executesql {}, N'@rows nvarchar(max) OUTPUT', @rows = @rows OUTPUT;\n",
            tsql_string(&wrapped)
        )
    };
    format!(
        "IF @major BETWEEN {} AND {}
BEGIN
    SELECT @rows = NULL, @error = NULL;
    BEGIN TRY
{run}    END TRY
    BEGIN CATCH
        SET @error = ERROR_MESSAGE();
    END CATCH;
    SET @results = @results + CASE WHEN @results = N'' THEN N'' ELSE N',' END
        + N'{{\"query\":\"{}\",\"rows\":' + ISNULL(@rows, N'[]') + N',\"error\":'
        + CASE WHEN @error IS NULL THEN N'null' ELSE N'\"' + {} + N'\"' END + N'}}';
END;
",
        query.min_major.max(13),
        query.max_major.min(99),
        query.name,
        json_escape("@error")
    )
}

/// A T-SQL expression that escapes `expression` for a JSON string
/// (backslash, quote, and the control characters T-SQL text may hold).
fn json_escape(expression: &str) -> String {
    format!(
        "REPLACE(REPLACE(REPLACE(REPLACE(REPLACE({expression}, N'\\', N'\\\\'), N'\"', N'\\\"'), NCHAR(13), N'\\r'), NCHAR(10), N'\\n'), NCHAR(9), N'\\t')"
    )
}

/// The per-database steps: for each online database the login can enter,
/// its objects and its module code.
fn database_steps() -> String {
    let mut steps = String::new();
    for query in DATABASE_QUERIES {
        let name = query.name;
        let wrapped = format!(
            "SET @rows = (SELECT * FROM ({}\n) AS q FOR JSON PATH, INCLUDE_NULL_VALUES);",
            body(query.select)
        );
        steps.push_str(&format!(
            "        SELECT @rows = NULL, @error = NULL;
        BEGIN TRY
            EXEC @procedure {}, N'@rows nvarchar(max) OUTPUT', @rows = @rows OUTPUT;
        END TRY
        BEGIN CATCH
            SET @error = ERROR_MESSAGE();
        END CATCH;
        SET @results = @results + N',{{\"query\":\"{name}:' + {} + N'\",\"rows\":' + ISNULL(@rows, N'[]') + N',\"error\":'
            + CASE WHEN @error IS NULL THEN N'null' ELSE N'\"' + {} + N'\"' END + N'}}';
",
            tsql_string(&wrapped),
            json_escape("@database"),
            json_escape("@error")
        ));
    }
    format!(
        "IF @major >= 13
BEGIN
    DECLARE @database sysname, @procedure nvarchar(300);
    DECLARE databases CURSOR LOCAL FAST_FORWARD READ_ONLY FOR
        SELECT name FROM sys.databases
        WHERE database_id > 4 AND name <> N'distribution' AND state_desc = N'ONLINE' AND HAS_DBACCESS(name) = 1
        ORDER BY name;
    OPEN databases;
    FETCH NEXT FROM databases INTO @database;
    WHILE @@FETCH_STATUS = 0
    BEGIN
        SET @procedure = QUOTENAME(@database) + N'.sys.sp_executesql';
{steps}        FETCH NEXT FROM databases INTO @database;
    END;
    CLOSE databases;
    DEALLOCATE databases;
END;
"
    )
}

/// The whole collection script.
pub fn collection_script() -> String {
    let version = env!("CARGO_PKG_VERSION");
    let mut script = format!(
        "-- linkready collection script {version}
-- Run where linkready cannot connect, as a login with the rights LR111 names
-- (sysadmin, or VIEW SERVER STATE + VIEW ANY DEFINITION + msdb access):
--   sqlcmd -S server -E -i collect.sql -o server.inventory.json -y 0
-- or in SSMS (Results to Text or File). It only reads: SELECT over catalog views
-- and DMVs, DBCC TRACESTATUS, sys.sp_executesql to run a SELECT in each database.
-- Then: linkready scan --inventory server.inventory.json
SET NOCOUNT ON;
DECLARE @major int = CAST(PARSENAME(CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)), 4) AS int);
DECLARE @results nvarchar(max) = N'';
DECLARE @rows nvarchar(max), @error nvarchar(4000);
IF @major < 13
BEGIN
    -- No FOR JSON before SQL Server 2016: the server properties, by hand.
    SET @results = N'{{\"query\":\"{}\",\"rows\":[{{\"product_version\":\"' + CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128))
        + N'\",\"edition\":\"' + {} + N'\",\"engine_edition\":' + CAST(CAST(SERVERPROPERTY('EngineEdition') AS int) AS nvarchar(10))
        + N',\"is_hadr_enabled\":0,\"version_text\":\"' + {} + N'\"}}],\"error\":null}}';
END;
",
        SERVER_PROPERTIES.name,
        json_escape("CAST(SERVERPROPERTY('Edition') AS nvarchar(128))"),
        json_escape("CAST(@@VERSION AS nvarchar(4000))"),
    );
    script.push_str(&query_step(&SERVER_PROPERTIES));
    for query in INSTANCE_QUERIES {
        script.push_str(&query_step(query));
    }
    script.push_str(&database_steps());
    script.push_str(&format!(
        "SELECT N'{{\"linkready_inventory\":1,\"script_version\":\"{version}\",\"server\":\"' + {}
    + N'\",\"collected_at\":\"' + CONVERT(nvarchar(30), GETUTCDATE(), 126) + N'Z\",\"error\":null,\"results\":[' + @results + N']}}' AS linkready_inventory;
",
        json_escape("CAST(@@SERVERNAME AS nvarchar(256))")
    ));
    script
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::files::{ScriptOptions, scan_text};

    #[test]
    fn every_query_text_is_in_the_script_as_the_collector_sends_it() {
        let script = collection_script();
        for query in std::iter::once(&SERVER_PROPERTIES).chain(INSTANCE_QUERIES) {
            let expected = if query.name == TRACE_FLAGS.name {
                tsql_string(query.sql)
            } else {
                body(query.sql).replace('\'', "''")
            };
            assert!(
                script.contains(&expected),
                "{} is not in the script as the collector sends it",
                query.name
            );
        }
        for query in DATABASE_QUERIES {
            assert!(script.contains(&body(query.select).replace('\'', "''")));
        }
    }

    #[test]
    fn our_scanner_reads_the_script_cleanly() {
        let script = collection_script();
        let scanned = scan_text(
            &script,
            "collect.sql".to_string(),
            &ScriptOptions::default(),
        );
        assert!(scanned.warnings.is_empty(), "{:?}", scanned.warnings);
        assert_eq!(scanned.batches, 1, "one batch: variables live through it");
        let facts = scanned.facts;
        assert!(
            facts
                .unattributed
                .usages
                .iter()
                .all(|u| matches!(u.value, linkready_rules::Usage::ProcedureCall(_))),
            "{:?}",
            facts.unattributed.usages
        );
    }
}
