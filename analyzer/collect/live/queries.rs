//! The catalog queries, one definition each: the live collector runs them,
//! and the offline collection script (a later issue) is generated from them.
//!
//! Every query starts with `-- linkready:<name>`, casts non-trivial values
//! to nvarchar/int/bigint in SQL (so every version returns the same types),
//! and only reads.

/// A read-only catalog query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryDefinition {
    pub name: &'static str,
    /// The oldest major version whose catalog has what the query reads.
    pub min_major: u16,
    pub sql: &'static str,
}

/// Server properties: works on every version (so the report can say when
/// the link is impossible), and tells which other queries apply.
pub const SERVER_PROPERTIES: QueryDefinition = QueryDefinition {
    name: "server_properties",
    min_major: 0,
    sql: "-- linkready:server_properties
SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version,
       CAST(SERVERPROPERTY('Edition') AS nvarchar(128)) AS edition,
       CAST(SERVERPROPERTY('EngineEdition') AS int) AS engine_edition,
       CAST(ISNULL(SERVERPROPERTY('IsHadrEnabled'), 0) AS int) AS is_hadr_enabled,
       CAST(SERVERPROPERTY('Collation') AS nvarchar(128)) AS collation,
       CAST(@@SERVERNAME AS nvarchar(256)) AS server_name,
       CAST(@@VERSION AS nvarchar(4000)) AS version_text,
       CAST(IS_SRVROLEMEMBER('sysadmin') AS int) AS is_sysadmin,
       CAST(CASE WHEN OBJECT_ID('sys.sp_certificate_add_issuer') IS NULL THEN 0 ELSE 1 END AS int) AS has_certificate_add_issuer;",
};

/// The database master key in master (`symmetric_key_id = 101`).
pub const MASTER_KEY: QueryDefinition = QueryDefinition {
    name: "master_key",
    min_major: 9,
    sql: "-- linkready:master_key
SELECT CAST(COUNT(*) AS int) AS master_keys
FROM master.sys.symmetric_keys
WHERE symmetric_key_id = 101;",
};

/// The queries after server properties, in the order they run.
pub const INSTANCE_QUERIES: &[QueryDefinition] = &[MASTER_KEY];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_is_tagged_and_reads_only() {
        for query in std::iter::once(&SERVER_PROPERTIES).chain(INSTANCE_QUERIES) {
            assert!(
                query
                    .sql
                    .starts_with(&format!("-- linkready:{}\n", query.name)),
                "{}",
                query.name
            );
            let upper = query.sql.to_ascii_uppercase();
            for verb in [
                "INSERT ", "UPDATE ", "DELETE ", "CREATE ", "ALTER ", "DROP ", "EXEC",
            ] {
                assert!(!upper.contains(verb), "{} contains {verb}", query.name);
            }
        }
    }
}
