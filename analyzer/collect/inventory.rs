//! Offline inventories: the raw catalog rows of one server as a JSON
//! document, written by `linkready collect` (the same rows the live
//! collector reads), and read back by `linkready scan --inventory` through
//! the same lowering as a live server. Rows are objects keyed by column, as
//! SQL Server's `FOR JSON PATH, INCLUDE_NULL_VALUES` writes them.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use thiserror::Error;

use super::live::{RawResult, RawServer, RawValue};

/// The inventory format this build reads and writes.
pub const INVENTORY_VERSION: u32 = 1;

/// One server's inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventoryDocument {
    /// The format version ([`INVENTORY_VERSION`]).
    pub linkready_inventory: u32,
    /// The linkready (or collection script) version that wrote it.
    pub script_version: String,
    /// The server as it was named when collected.
    pub server: String,
    /// When, in UTC (ISO 8601).
    pub collected_at: String,
    /// Why nothing could be read, if so.
    #[serde(default)]
    pub error: Option<String>,
    pub results: Vec<InventoryResult>,
}

/// The rows of one catalog query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventoryResult {
    pub query: String,
    pub rows: Vec<Map<String, Value>>,
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Error)]
pub enum InventoryError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a linkready inventory: no JSON object in the file")]
    NoJson { path: String },
    #[error("{path}: not a linkready inventory: {source}")]
    Json {
        path: String,
        source: serde_json::Error,
    },
    #[error(
        "{path}: inventory format {found}, but this linkready reads format {INVENTORY_VERSION}"
    )]
    Version { path: String, found: u32 },
    #[error(
        "{path}: query {query}: column {column} holds {found}, not a number, string, boolean or null"
    )]
    ValueType {
        path: String,
        query: String,
        column: String,
        found: String,
    },
}

/// Turns raw rows into an inventory document.
pub fn to_document(raw: &RawServer, collected_at: String) -> InventoryDocument {
    InventoryDocument {
        linkready_inventory: INVENTORY_VERSION,
        script_version: env!("CARGO_PKG_VERSION").to_string(),
        server: raw.server.clone(),
        collected_at,
        error: raw.error.clone(),
        results: raw
            .results
            .iter()
            .map(|result| InventoryResult {
                query: result.query.clone(),
                rows: result
                    .rows
                    .iter()
                    .map(|row| {
                        result
                            .columns
                            .iter()
                            .zip(row)
                            .map(|(column, value)| (column.clone(), json_value(value)))
                            .collect()
                    })
                    .collect(),
                error: result.error.clone(),
            })
            .collect(),
    }
}

fn json_value(value: &RawValue) -> Value {
    match value {
        RawValue::Null => Value::Null,
        RawValue::Int(number) => Value::Number(Number::from(*number)),
        RawValue::Bool(flag) => Value::Bool(*flag),
        RawValue::Text(text) => Value::String(text.clone()),
    }
}

/// Reads an inventory file back into raw rows. Text before the JSON
/// object (sqlcmd's column header) and after it ("(1 rows affected)") is
/// ignored; anything else that is not an inventory is an error naming the
/// file and the problem.
pub fn read_inventory(path: &Path) -> Result<RawServer, InventoryError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| InventoryError::Read {
        path: shown.clone(),
        source,
    })?;
    let bytes = bytes
        .strip_prefix(&[0xEF, 0xBB, 0xBF][..])
        .unwrap_or(&bytes);
    let start = bytes
        .iter()
        .position(|&b| b == b'{')
        .ok_or_else(|| InventoryError::NoJson {
            path: shown.clone(),
        })?;
    let mut documents =
        serde_json::Deserializer::from_slice(&bytes[start..]).into_iter::<InventoryDocument>();
    let document = match documents.next() {
        Some(Ok(document)) => document,
        Some(Err(source)) => {
            return Err(InventoryError::Json {
                path: shown,
                source,
            });
        }
        None => return Err(InventoryError::NoJson { path: shown }),
    };
    if document.linkready_inventory != INVENTORY_VERSION {
        return Err(InventoryError::Version {
            path: shown,
            found: document.linkready_inventory,
        });
    }
    from_document(document, &shown)
}

/// Turns a document into raw rows, checking every value's type.
pub fn from_document(document: InventoryDocument, path: &str) -> Result<RawServer, InventoryError> {
    let mut results = Vec::with_capacity(document.results.len());
    for result in document.results {
        let columns: Vec<String> = result
            .rows
            .first()
            .map(|row| row.keys().cloned().collect())
            .unwrap_or_default();
        let mut rows = Vec::with_capacity(result.rows.len());
        for row in result.rows {
            let mut values = Vec::with_capacity(columns.len());
            for column in &columns {
                let value = match row.get(column) {
                    None | Some(Value::Null) => RawValue::Null,
                    Some(Value::Bool(flag)) => RawValue::Bool(*flag),
                    Some(Value::String(text)) => RawValue::Text(text.clone()),
                    Some(Value::Number(number)) if number.is_i64() => {
                        RawValue::Int(number.as_i64().unwrap_or_default())
                    }
                    Some(other) => {
                        return Err(InventoryError::ValueType {
                            path: path.to_string(),
                            query: result.query.clone(),
                            column: column.clone(),
                            found: other.to_string(),
                        });
                    }
                };
                values.push(value);
            }
            rows.push(values);
        }
        results.push(RawResult {
            query: result.query,
            columns,
            rows,
            error: result.error,
        });
    }
    Ok(RawServer {
        server: document.server,
        error: document.error,
        results,
    })
}

/// Whether a file name marks an inventory found while walking a tree.
pub fn is_inventory_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| {
            let lower = name.to_ascii_lowercase();
            lower == "inventory.json" || lower.ends_with(".inventory.json")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.inventory.json");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn round_trip_through_json() {
        let raw = RawServer {
            server: "sql01\\PROD".into(),
            error: None,
            results: vec![RawResult {
                query: "server_properties".into(),
                columns: vec![
                    "edition".into(),
                    "is_sysadmin".into(),
                    "flag".into(),
                    "none".into(),
                ],
                rows: vec![vec![
                    RawValue::Text("Standard".into()),
                    RawValue::Int(1),
                    RawValue::Bool(true),
                    RawValue::Null,
                ]],
                error: None,
            }],
        };
        let text =
            serde_json::to_string(&to_document(&raw, "2026-11-27T12:00:00Z".into())).unwrap();
        let (_dir, path) = write(&format!(
            "JSON_F52E2B61\n---------\n{text}\n\n(1 rows affected)\n"
        ));
        let back = read_inventory(&path).unwrap();
        assert_eq!(back.server, raw.server);
        let record = back.results[0].records().next().unwrap();
        assert_eq!(record.text("edition").as_deref(), Some("Standard"));
        assert_eq!(record.number("is_sysadmin"), Some(1));
        assert!(record.flag("flag"));
        assert_eq!(record.number("none"), None);
    }

    #[test]
    fn bad_inventories_say_what_is_wrong() {
        let cases = [
            ("SELECT 1", "no JSON object"),
            (
                "{\"linkready_inventory\": 1, \"script_version\": \"0.1\", \"server\": \"s\", \"collected_at\": \"t\", \"results\": [",
                "EOF",
            ),
            (
                "{\"linkready_inventory\": 7, \"script_version\": \"0.1\", \"server\": \"s\", \"collected_at\": \"t\", \"results\": []}",
                "format 7",
            ),
            (
                "{\"linkready_inventory\": 1, \"script_version\": \"0.1\", \"server\": \"s\", \"collected_at\": \"t\"}",
                "missing field `results`",
            ),
            (
                "{\"linkready_inventory\": 1, \"script_version\": \"0.1\", \"server\": \"s\", \"collected_at\": \"t\", \"results\": {}}",
                "invalid type: map, expected a sequence",
            ),
            (
                "{\"linkready_inventory\": 1, \"script_version\": \"0.1\", \"server\": \"s\", \"collected_at\": \"t\", \"results\": [{\"query\": \"q\", \"rows\": [{\"a\": [1]}]}]}",
                "column a holds [1]",
            ),
        ];
        for (text, expected) in cases {
            let (_dir, path) = write(text);
            let error = read_inventory(&path).unwrap_err().to_string();
            assert!(error.contains("x.inventory.json"), "{error}");
            assert!(
                error.contains(expected),
                "{error} does not say {expected:?}"
            );
        }
    }

    #[test]
    fn inventory_names() {
        assert!(is_inventory_name(Path::new("a/sql01.inventory.json")));
        assert!(is_inventory_name(Path::new("INVENTORY.JSON")));
        assert!(!is_inventory_name(Path::new("package.json")));
    }
}
