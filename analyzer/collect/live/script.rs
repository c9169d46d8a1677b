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

use linkready_rules::{tsql_name, tsql_string};

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

/// The databases whose objects and code the script reads: online, user
/// databases the login can enter (the live collector's choice, from the
/// same `databases` rows). Checked by tests/catalog_contract.rs.
pub const DATABASE_CURSOR: &str = "SELECT d.name FROM sys.databases AS d
        WHERE d.database_id > 4 AND d.name <> N'distribution' AND d.state_desc = N'ONLINE' AND HAS_DBACCESS(d.name) = 1
        ORDER BY d.name";

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
        {DATABASE_CURSOR};
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
-- (sysadmin, or VIEW SERVER STATE + VIEW ANY DEFINITION + CONNECT ANY DATABASE
-- + read access to msdb: `linkready collect-script --grant LOGIN` writes them):
--   sqlcmd -S server -E -I -y 0 -f 65001 -i collect.sql -o server.inventory.json
-- or in SSMS (Results to Text or File). It only reads: SELECT over catalog views
-- and DMVs, DBCC TRACESTATUS, sys.sp_executesql to run a SELECT in each database.
-- Then: linkready scan --inventory server.inventory.json
SET NOCOUNT ON;
-- The session options SSMS sets (sqlcmd leaves QUOTED_IDENTIFIER off, and the
-- xml .value() method below needs it on: error 1934 otherwise).
SET QUOTED_IDENTIFIER ON;
SET ANSI_NULLS ON;
SET ANSI_WARNINGS ON;
SET ANSI_PADDING ON;
SET CONCAT_NULL_YIELDS_NULL ON;
SET ARITHABORT ON;
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

/// The msdb tables the queries read (catalog.toml), which a login that is
/// not sysadmin needs SELECT on.
const MSDB_TABLES: [&str; 5] = [
    "dbo.backupset",
    "dbo.sysjobs",
    "dbo.sysjobsteps",
    "dbo.log_shipping_primary_databases",
    "dbo.log_shipping_secondary_databases",
];

/// `linkready collect-script --grant LOGIN`: the read-only rights an
/// assessment login that is not sysadmin needs (README "Permissions"):
/// VIEW SERVER STATE (DMVs), VIEW ANY DEFINITION (catalog views hide what
/// a login may not see), CONNECT ANY DATABASE (each database's objects and
/// code; SQL Server 2014 and later), SELECT on the msdb tables read. Every
/// statement can run again (GRANT of a granted permission changes nothing;
/// the msdb user is created only when the login has none). Refuses a name
/// with a control character (it could end a sqlcmd line).
pub fn grant_script(login: &str) -> Result<String, String> {
    if login.is_empty() || login.chars().any(char::is_control) {
        return Err("the login name is empty or holds a control character".to_string());
    }
    let name = tsql_name(login);
    let literal = tsql_string(login);
    let mut msdb_grants = String::new();
    for table in MSDB_TABLES {
        msdb_grants.push_str(&format!(
            "    EXEC (N'GRANT SELECT ON {table} TO ' + @quoted + N';');\n"
        ));
    }
    Ok(format!(
        "-- Read-only rights for the linkready assessment login {name}.
-- Run as sysadmin, in SSMS or with sqlcmd -x (no variable substitution). It can run again.
SET NOCOUNT ON;
IF SUSER_ID({literal}) IS NULL
    RAISERROR(N'The login does not exist here: create it first (CREATE LOGIN ... FROM WINDOWS, or WITH PASSWORD).', 16, 1);
ELSE
BEGIN
    USE [master];
    GRANT VIEW SERVER STATE TO {name};
    GRANT VIEW ANY DEFINITION TO {name};
    GRANT CONNECT ANY DATABASE TO {name};
    USE [msdb];
    DECLARE @user sysname = (SELECT dp.name FROM sys.database_principals AS dp WHERE dp.sid = SUSER_SID({literal}));
    IF @user IS NULL
    BEGIN
        CREATE USER {name} FOR LOGIN {name};
        SET @user = {literal};
    END;
    -- EXEC (…) concatenates variables and literals only.
    DECLARE @quoted nvarchar(300) = QUOTENAME(@user);
{msdb_grants}END;
"
    ))
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
    fn the_grant_script_quotes_the_login_and_refuses_line_breaks() {
        let script = grant_script("CORP\\o'brien]x").unwrap();
        assert!(script.contains("GRANT VIEW SERVER STATE TO [CORP\\o'brien]]x];"));
        assert!(script.contains("SUSER_SID(N'CORP\\o''brien]x')"));
        assert!(script.contains("GRANT CONNECT ANY DATABASE"));
        assert!(script.contains("GRANT SELECT ON dbo.backupset TO "));
        assert!(grant_script("a\nGO\nDROP LOGIN sa").is_err());
        assert!(grant_script("").is_err());
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
