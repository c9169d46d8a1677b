//! Offline inventories: the raw catalog rows of one server as a JSON
//! document, written by `linkready collect` (the same rows the live
//! collector reads), and read back by `linkready scan --inventory` through
//! the same lowering as a live server. Rows are objects keyed by column, as
//! SQL Server's `FOR JSON PATH, INCLUDE_NULL_VALUES` writes them.

use std::io::{BufRead, BufReader};
use std::path::Path;

use linkready_rules::Source;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use thiserror::Error;

use super::decode::DecodingReader;
use super::live::queries::DATABASE_MODULES_NAME;
use super::live::{RawResult, RawServer, RawValue, ScannedModules, scan_module};
use super::tsql::ScriptFacts;

/// The inventory format this build reads and writes.
pub const INVENTORY_VERSION: u32 = 1;

/// One server's inventory.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    pub error: Option<String>,
    pub results: Vec<InventoryResult>,
}

/// The rows of one catalog query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InventoryResult {
    pub query: String,
    pub rows: Vec<Map<String, Value>>,
    pub error: Option<String>,
}

/// At most the first 200 characters of a value an error message quotes (a
/// 20 MB array must not become a 20 MB message), saying how much was left out.
fn quoted_prefix(text: &str) -> String {
    const SHOWN: usize = 200;
    match text.char_indices().nth(SHOWN) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… ({} more bytes)", &text[..end], text.len() - end),
    }
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
    #[error("{path}: not a linkready inventory: {}", quoted_prefix(&source.to_string()))]
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

/// Reads an inventory file back into raw rows, streaming: the file is
/// never held whole, and module code is scanned as it is read and kept as
/// facts only, so a large inventory is read in bounded memory. Text before
/// the JSON object (sqlcmd's column header) and after it ("(1 rows
/// affected)") is ignored; anything that is not an inventory is an error
/// naming the file and the problem.
pub fn read_inventory(path: &Path) -> Result<RawServer, InventoryError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| InventoryError::Read {
        path: shown.clone(),
        source,
    })?;
    read_inventory_from(file, &shown)
}

/// Reads an inventory from any reader; `shown` names it in errors (the
/// fuzz targets and property tests feed bytes).
pub fn read_inventory_from(
    file: impl std::io::Read,
    shown: &str,
) -> Result<RawServer, InventoryError> {
    let shown = shown.to_string();
    // sqlcmd -u and PowerShell 5.1 write UTF-16, sqlcmd -o the ANSI code
    // page, Out-File -Encoding utf8 a BOM: decoded as scripts are.
    let decoded =
        DecodingReader::new(BufReader::with_capacity(1 << 16, file)).map_err(|source| {
            InventoryError::Read {
                path: shown.clone(),
                source,
            }
        })?;
    let mut reader = BufReader::with_capacity(1 << 16, decoded);
    // Skip to the first `{` (a BOM, sqlcmd's header and dashes).
    loop {
        let buffer = reader.fill_buf().map_err(|source| InventoryError::Read {
            path: shown.clone(),
            source,
        })?;
        if buffer.is_empty() {
            return Err(InventoryError::NoJson { path: shown });
        }
        match buffer.iter().position(|&b| b == b'{') {
            Some(at) => {
                reader.consume(at);
                break;
            }
            None => {
                let len = buffer.len();
                reader.consume(len);
            }
        }
    }
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let mut failure = None;
    let seed = DocumentSeed {
        path: &shown,
        failure: &mut failure,
    };
    let result = seed.deserialize(&mut deserializer);
    if let Some(error) = failure {
        return Err(error);
    }
    result.map_err(|source| InventoryError::Json {
        path: shown,
        source,
    })
}

/// Reads the document; a problem that is not JSON syntax (format version,
/// value types) is left in `failure` with its own message.
struct DocumentSeed<'a> {
    path: &'a str,
    failure: &'a mut Option<InventoryError>,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = RawServer;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawServer, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_> {
    type Value = RawServer;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a linkready inventory object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawServer, A::Error> {
        let mut version = None;
        let mut script_version = None;
        let mut collected_at = None;
        let mut raw = RawServer::default();
        let mut server = None;
        let mut results = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "linkready_inventory" => {
                    let found: u32 = map.next_value()?;
                    if found != INVENTORY_VERSION {
                        *self.failure = Some(InventoryError::Version {
                            path: self.path.to_string(),
                            found,
                        });
                        return Err(de::Error::custom("unsupported inventory format"));
                    }
                    version = Some(found);
                }
                "script_version" => script_version = Some(map.next_value::<String>()?),
                "server" => server = Some(map.next_value::<String>()?),
                "collected_at" => collected_at = Some(map.next_value::<String>()?),
                "error" => raw.error = map.next_value::<Option<String>>()?,
                "results" => {
                    let seed = ResultsSeed {
                        path: self.path,
                        server: server.as_deref(),
                        scanned: &mut raw.scanned_modules,
                        failure: &mut *self.failure,
                    };
                    results = Some(map.next_value_seed(seed)?);
                }
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        version.ok_or_else(|| de::Error::missing_field("linkready_inventory"))?;
        script_version.ok_or_else(|| de::Error::missing_field("script_version"))?;
        collected_at.ok_or_else(|| de::Error::missing_field("collected_at"))?;
        raw.server = server.ok_or_else(|| de::Error::missing_field("server"))?;
        raw.results = results.ok_or_else(|| de::Error::missing_field("results"))?;
        Ok(raw)
    }
}

struct ResultsSeed<'a> {
    path: &'a str,
    /// The server, when the document named it before its results (both
    /// writers do): module code is then scanned as it streams by.
    server: Option<&'a str>,
    scanned: &'a mut Vec<ScannedModules>,
    failure: &'a mut Option<InventoryError>,
}

impl<'de> DeserializeSeed<'de> for ResultsSeed<'_> {
    type Value = Vec<RawResult>;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Vec<RawResult>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResultsSeed<'_> {
    type Value = Vec<RawResult>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a sequence of query results")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<RawResult>, A::Error> {
        let mut results = Vec::new();
        loop {
            let seed = ResultSeed {
                path: self.path,
                server: self.server,
                scanned: &mut *self.scanned,
                failure: &mut *self.failure,
            };
            match seq.next_element_seed(seed)? {
                Some(result) => results.push(result),
                None => return Ok(results),
            }
        }
    }
}

struct ResultSeed<'a> {
    path: &'a str,
    server: Option<&'a str>,
    scanned: &'a mut Vec<ScannedModules>,
    failure: &'a mut Option<InventoryError>,
}

impl<'de> DeserializeSeed<'de> for ResultSeed<'_> {
    type Value = RawResult;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawResult, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ResultSeed<'_> {
    type Value = RawResult;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a query result: query, rows, error")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawResult, A::Error> {
        let mut query: Option<String> = None;
        let mut result = RawResult {
            query: String::new(),
            columns: Vec::new(),
            rows: Vec::new(),
            error: None,
        };
        let mut saw_rows = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "query" => query = Some(map.next_value()?),
                "error" => result.error = map.next_value()?,
                "rows" => {
                    saw_rows = true;
                    let module_database = query
                        .as_deref()
                        .and_then(|q| q.strip_prefix(DATABASE_MODULES_NAME))
                        .and_then(|rest| rest.strip_prefix(':'));
                    match (module_database, self.server) {
                        (Some(database), Some(server)) => {
                            let mut facts = ScriptFacts::default();
                            map.next_value_seed(ModuleRowsSeed {
                                server,
                                database,
                                facts: &mut facts,
                            })?;
                            self.scanned.push(ScannedModules {
                                database: database.to_string(),
                                facts,
                            });
                        }
                        _ => {
                            let rows = RowsSeed {
                                path: self.path,
                                query: query.as_deref().unwrap_or("?"),
                                columns: &mut result.columns,
                                failure: &mut *self.failure,
                            };
                            result.rows = map.next_value_seed(rows)?;
                        }
                    }
                }
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        result.query = query.ok_or_else(|| de::Error::missing_field("query"))?;
        if !saw_rows {
            return Err(de::Error::missing_field("rows"));
        }
        Ok(result)
    }
}

/// Rows as objects, turned into values by column as they are read.
struct RowsSeed<'a> {
    path: &'a str,
    query: &'a str,
    columns: &'a mut Vec<String>,
    failure: &'a mut Option<InventoryError>,
}

impl<'de> DeserializeSeed<'de> for RowsSeed<'_> {
    type Value = Vec<Vec<RawValue>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_> {
    type Value = Vec<Vec<RawValue>>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a sequence of rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut rows: Vec<Vec<RawValue>> = Vec::new();
        while let Some(row) = seq.next_element::<Map<String, Value>>()? {
            let mut values = vec![RawValue::Null; self.columns.len()];
            for (column, value) in row {
                let value = match value {
                    Value::Null => RawValue::Null,
                    Value::Bool(flag) => RawValue::Bool(flag),
                    Value::String(text) => RawValue::Text(text),
                    Value::Number(number) if number.is_i64() => {
                        RawValue::Int(number.as_i64().unwrap_or_default())
                    }
                    other => {
                        *self.failure = Some(InventoryError::ValueType {
                            path: self.path.to_string(),
                            query: self.query.to_string(),
                            column: quoted_prefix(&column),
                            found: quoted_prefix(&other.to_string()),
                        });
                        return Err(de::Error::custom("a value of the wrong type"));
                    }
                };
                match self.columns.iter().position(|c| *c == column) {
                    Some(index) => values[index] = value,
                    None => {
                        // A column the first rows did not have.
                        self.columns.push(column);
                        for earlier in &mut rows {
                            earlier.push(RawValue::Null);
                        }
                        values.push(value);
                    }
                }
            }
            rows.push(values);
        }
        Ok(rows)
    }
}

/// The rows of a `database_modules` result: each definition is scanned as
/// it is read, and only the facts stay.
struct ModuleRowsSeed<'a> {
    server: &'a str,
    database: &'a str,
    facts: &'a mut ScriptFacts,
}

#[derive(Deserialize)]
struct ModuleRow {
    object: Option<String>,
    definition: Option<String>,
}

impl<'de> DeserializeSeed<'de> for ModuleRowsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ModuleRowsSeed<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a sequence of module rows (object, definition)")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(row) = seq.next_element::<ModuleRow>()? {
            if let (Some(object), Some(definition)) = (row.object, row.definition) {
                let facts = scan_module(
                    Source::Inventory,
                    self.server,
                    self.database,
                    &object,
                    &definition,
                );
                self.facts.merge(facts);
            }
        }
        Ok(())
    }
}

/// Whether a file name marks an inventory found while walking a tree.
pub fn is_inventory_name(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| is_inventory_file_name(name.as_encoded_bytes()))
}

/// `is_inventory_name` on a file name's bytes: `inventory.json` or
/// `*.inventory.json`, in any case; a name that is not UTF-8 is not one.
pub(crate) fn is_inventory_file_name(name: &[u8]) -> bool {
    const SUFFIX: &[u8] = b".inventory.json";
    let matches = name.eq_ignore_ascii_case(&SUFFIX[1..])
        || (name.len() >= SUFFIX.len()
            && name[name.len() - SUFFIX.len()..].eq_ignore_ascii_case(SUFFIX));
    matches && std::str::from_utf8(name).is_ok()
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
            scanned_modules: Vec::new(),
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
    fn a_huge_wrong_value_is_not_echoed_whole() {
        let huge = format!("[{}1]", "1,".repeat(1_000_000));
        let (_dir, path) = write(&format!(
            "{{\"linkready_inventory\": 1, \"script_version\": \"x\", \"server\": \"s\", \"collected_at\": \"t\", \"results\": [{{\"query\": \"q\", \"rows\": [{{\"c\": {huge}}}]}}]}}"
        ));
        let error = read_inventory(&path).unwrap_err().to_string();
        assert!(error.len() < 600, "{} bytes", error.len());
        assert!(error.contains("more bytes"), "{error}");
    }

    #[test]
    fn inventory_names() {
        assert!(is_inventory_name(Path::new("a/sql01.inventory.json")));
        assert!(is_inventory_name(Path::new("INVENTORY.JSON")));
        assert!(!is_inventory_name(Path::new("package.json")));
    }
}
