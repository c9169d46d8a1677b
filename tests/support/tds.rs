//! A scripted TDS 7.4 server for tests: it speaks the real protocol to the
//! real tiberius client and answers each query from a scenario file with
//! result sets shaped as SQL Server's, or with an error.
//!
//! Scenario files (`fixtures/tds/*.json`):
//! ```json
//! { "version": "16.0.4125.3",
//!   "login_error": null,              // or { "number": 18456, "message": "…" }
//!   "silent": false,                  // accept the connection, never answer
//!   "delay_ms": 0,                    // before each reply
//!   "drop_after_rows": null,          // cut the connection mid-result
//!   "queries": { "server_properties": { "columns": [["product_version", "nvarchar"], …],
//!                                       "rows": [["16.0.4125.3", …]] },
//!                "master_key": { "error": { "number": 229, "state": 5, "class": 14, "line": 1, "message": "…" } },
//!                "backups": { "delay_ms": 3000, … } } }  // answers late
//! ```
//! A query is matched by the `-- linkready:<name>` line the collector puts
//! first in every query; a batch of queries (`queries::batch`) is answered
//! step by step, a scripted error as the batch's TRY/CATCH row. The server records the login and every statement,
//! so tests can assert what a collector did (and that it wrote nothing).

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PACKET_SIZE: usize = 4096;
const TYPE_SQL_BATCH: u8 = 0x01;
const TYPE_RPC: u8 = 0x03;
const TYPE_REPLY: u8 = 0x04;
const TYPE_ATTENTION: u8 = 0x06;
const TYPE_LOGIN7: u8 = 0x10;
const TYPE_PRELOGIN: u8 = 0x12;
const STATUS_EOM: u8 = 0x01;

/// What the server saw.
#[derive(Debug, Default, Clone)]
pub struct Recorded {
    pub user: Option<String>,
    pub password: Option<String>,
    pub database: Option<String>,
    pub application: Option<String>,
    /// SQL batches, and RPC requests as `RPC <bytes>`.
    pub statements: Vec<String>,
}

/// A running scripted server on 127.0.0.1.
pub struct ScriptedServer {
    pub addr: SocketAddr,
    pub recorded: Arc<Mutex<Recorded>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ScriptedServer {
    /// Starts a server for the scenario (JSON text), on the current runtime.
    pub async fn start(scenario: &str) -> ScriptedServer {
        let scenario: Value = serde_json::from_str(scenario).unwrap();
        let scenario = Arc::new(scenario);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let recorded = Arc::new(Mutex::new(Recorded::default()));
        let shared = Arc::clone(&recorded);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let scenario = Arc::clone(&scenario);
                let recorded = Arc::clone(&shared);
                tokio::spawn(async move {
                    let _ = serve(stream, &scenario, &recorded).await;
                });
            }
        });
        ScriptedServer {
            addr,
            recorded,
            task,
        }
    }

    /// Loads `fixtures/tds/<name>.json` and starts a server for it.
    pub async fn scenario(name: &str) -> ScriptedServer {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/tds")
            .join(format!("{name}.json"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        ScriptedServer::start(&text).await
    }

    pub fn recorded(&self) -> Recorded {
        self.recorded.lock().unwrap().clone()
    }
}

async fn serve(
    mut stream: TcpStream,
    scenario: &Value,
    recorded: &Mutex<Recorded>,
) -> std::io::Result<()> {
    let delay = Duration::from_millis(scenario["delay_ms"].as_u64().unwrap_or(0));
    if scenario["silent"].as_bool().unwrap_or(false) {
        // Read and never answer, until the client gives up.
        let mut sink = [0u8; 1024];
        while stream.read(&mut sink).await? > 0 {}
        return Ok(());
    }
    loop {
        let Some((kind, message)) = read_message(&mut stream).await? else {
            return Ok(());
        };
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        match kind {
            TYPE_PRELOGIN => write_message(&mut stream, &prelogin_reply(scenario)).await?,
            TYPE_LOGIN7 => {
                let login = parse_login7(&message);
                {
                    let mut recorded = recorded.lock().unwrap();
                    recorded.user = login.user.clone();
                    recorded.password = login.password.clone();
                    recorded.database = login.database.clone();
                    recorded.application = login.application.clone();
                }
                let mut reply = Vec::new();
                if let Some(error) = scenario.get("login_error").filter(|e| !e.is_null()) {
                    error_token(&mut reply, error, 14);
                    done_token(&mut reply, 0x02, 0);
                    write_message(&mut stream, &reply).await?;
                    return Ok(());
                }
                login_ack(&mut reply, scenario);
                done_token(&mut reply, 0x00, 0);
                write_message(&mut stream, &reply).await?;
            }
            TYPE_SQL_BATCH => {
                let text = batch_text(&message);
                recorded.lock().unwrap().statements.push(text.clone());
                if text.contains(" AS linkready_step;") {
                    let (pieces, drop_connection) = answer_batch(scenario, &text);
                    write_pieces(&mut stream, pieces).await?;
                    if drop_connection {
                        return Ok(());
                    }
                    continue;
                }
                let (reply, drop_connection) = answer(scenario, &text);
                // A query that answers late: `"delay_ms"` in its answer.
                let late = query_name(&text)
                    .and_then(|name| scenario["queries"].get(name))
                    .and_then(|answer| answer["delay_ms"].as_u64());
                if let Some(late) = late {
                    tokio::time::sleep(Duration::from_millis(late)).await;
                }
                write_message(&mut stream, &reply).await?;
                if drop_connection {
                    return Ok(());
                }
            }
            TYPE_RPC => {
                recorded
                    .lock()
                    .unwrap()
                    .statements
                    .push(format!("RPC {} bytes", message.len()));
                let mut reply = Vec::new();
                error_token(
                    &mut reply,
                    &serde_json::json!({ "number": 2812, "message": "RPC is not scripted in this scenario" }),
                    16,
                );
                done_token(&mut reply, 0x02, 0);
                write_message(&mut stream, &reply).await?;
            }
            TYPE_ATTENTION => {
                let mut reply = Vec::new();
                done_token(&mut reply, 0x20, 0);
                write_message(&mut stream, &reply).await?;
            }
            _ => return Ok(()),
        }
    }
}

/// Reads one message, reassembled across packets; None at end of stream.
async fn read_message(stream: &mut TcpStream) -> std::io::Result<Option<(u8, Vec<u8>)>> {
    let mut message = Vec::new();
    loop {
        let mut header = [0u8; 8];
        if let Err(error) = stream.read_exact(&mut header).await {
            return if error.kind() == std::io::ErrorKind::UnexpectedEof {
                Ok(None)
            } else {
                Err(error)
            };
        }
        // Packet lengths are big-endian and include the header.
        let length = usize::from(u16::from_be_bytes([header[2], header[3]]));
        let mut body = vec![0u8; length.saturating_sub(8)];
        stream.read_exact(&mut body).await?;
        message.extend_from_slice(&body);
        if header[1] & STATUS_EOM != 0 {
            return Ok(Some((header[0], message)));
        }
    }
}

/// Writes a reply, split into packets of PACKET_SIZE.
async fn write_message(stream: &mut TcpStream, data: &[u8]) -> std::io::Result<()> {
    write_packets(stream, data, true).await
}

/// Writes a batch's reply piece by piece: what precedes a piece that
/// answers late is sent at once (as SQL Server does after `RAISERROR …
/// WITH NOWAIT`), then the server waits, then goes on.
async fn write_pieces(stream: &mut TcpStream, pieces: Vec<(u64, Vec<u8>)>) -> std::io::Result<()> {
    let mut pending = Vec::new();
    for (delay_ms, bytes) in pieces {
        if delay_ms > 0 {
            if !pending.is_empty() {
                write_packets(stream, &pending, false).await?;
                pending.clear();
            }
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        }
        pending.extend_from_slice(&bytes);
    }
    write_packets(stream, &pending, true).await
}

/// Writes `data` as packets; the last one ends the message when `end`.
async fn write_packets(stream: &mut TcpStream, data: &[u8], end: bool) -> std::io::Result<()> {
    let chunks: Vec<&[u8]> = if data.is_empty() {
        vec![&[][..]]
    } else {
        data.chunks(PACKET_SIZE - 8).collect()
    };
    for (index, chunk) in chunks.iter().enumerate() {
        let last = end && index + 1 == chunks.len();
        let length = u16::try_from(chunk.len() + 8).unwrap();
        let mut packet = vec![TYPE_REPLY, if last { STATUS_EOM } else { 0 }];
        packet.extend_from_slice(&length.to_be_bytes());
        packet.extend_from_slice(&[0, 0, u8::try_from((index + 1) % 256).unwrap(), 0]);
        packet.extend_from_slice(chunk);
        stream.write_all(&packet).await?;
    }
    stream.flush().await
}

fn version_parts(scenario: &Value) -> (u8, u8, u16) {
    let version = scenario["version"].as_str().unwrap_or("16.0.4125.3");
    let parts: Vec<u16> = version.split('.').filter_map(|p| p.parse().ok()).collect();
    (
        u8::try_from(*parts.first().unwrap_or(&16)).unwrap_or(16),
        u8::try_from(*parts.get(1).unwrap_or(&0)).unwrap_or(0),
        *parts.get(2).unwrap_or(&0),
    )
}

/// PRELOGIN answer: VERSION, ENCRYPTION = not supported (plaintext test
/// endpoint), INSTOPT, THREADID (empty), MARS off. Offsets are big-endian.
fn prelogin_reply(scenario: &Value) -> Vec<u8> {
    let (major, minor, build) = version_parts(scenario);
    let mut data: Vec<(u8, Vec<u8>)> = vec![
        (
            0x00,
            vec![major, minor, (build >> 8) as u8, build as u8, 0, 0],
        ),
        (0x01, vec![0x02]),
        (0x02, vec![0x00]),
        (0x03, vec![]),
        (0x04, vec![0x00]),
    ];
    let header_len = data.len() * 5 + 1;
    let mut out = Vec::new();
    let mut offset = header_len;
    for (token, bytes) in &data {
        out.push(*token);
        out.extend_from_slice(&u16::try_from(offset).unwrap().to_be_bytes());
        out.extend_from_slice(&u16::try_from(bytes.len()).unwrap().to_be_bytes());
        offset += bytes.len();
    }
    out.push(0xFF);
    for (_, bytes) in data.drain(..) {
        out.extend_from_slice(&bytes);
    }
    out
}

struct Login {
    user: Option<String>,
    password: Option<String>,
    database: Option<String>,
    application: Option<String>,
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// LOGIN7: offsets (u16) and lengths in characters (u16) from offset 36.
fn parse_login7(data: &[u8]) -> Login {
    let field = |at: usize, decode_password: bool| -> Option<String> {
        let offset = usize::from(u16::from_le_bytes([*data.get(at)?, *data.get(at + 1)?]));
        let chars = usize::from(u16::from_le_bytes([*data.get(at + 2)?, *data.get(at + 3)?]));
        let mut bytes = data.get(offset..offset + chars * 2)?.to_vec();
        if decode_password {
            for byte in &mut bytes {
                let b = *byte ^ 0xA5;
                *byte = b.rotate_left(4);
            }
        }
        Some(utf16(&bytes))
    };
    Login {
        user: field(40, false),
        password: field(44, true),
        application: field(48, false),
        database: field(68, false).filter(|d| !d.is_empty()),
    }
}

/// SQL batch: ALL_HEADERS (total length first), then UCS-2 text.
fn batch_text(data: &[u8]) -> String {
    let headers = data
        .get(..4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    utf16(data.get(headers.min(data.len())..).unwrap_or_default())
}

fn b_varchar(out: &mut Vec<u8>, text: &str) {
    let units: Vec<u16> = text.encode_utf16().collect();
    out.push(u8::try_from(units.len()).unwrap());
    for unit in units {
        out.extend_from_slice(&unit.to_le_bytes());
    }
}

fn us_varchar(out: &mut Vec<u8>, text: &str) {
    let units: Vec<u16> = text.encode_utf16().collect();
    out.extend_from_slice(&u16::try_from(units.len()).unwrap().to_le_bytes());
    for unit in units {
        out.extend_from_slice(&unit.to_le_bytes());
    }
}

fn login_ack(out: &mut Vec<u8>, scenario: &Value) {
    let (major, minor, build) = version_parts(scenario);
    let mut body = vec![0x01];
    body.extend_from_slice(&0x7400_0004u32.to_be_bytes());
    b_varchar(&mut body, "Microsoft SQL Server");
    body.extend_from_slice(&[major, minor, (build >> 8) as u8, build as u8]);
    out.push(0xAD);
    out.extend_from_slice(&u16::try_from(body.len()).unwrap().to_le_bytes());
    out.extend_from_slice(&body);
}

fn error_token(out: &mut Vec<u8>, error: &Value, class: u8) {
    let mut body = Vec::new();
    let number = u32::try_from(error["number"].as_u64().unwrap_or(50000)).unwrap();
    body.extend_from_slice(&number.to_le_bytes());
    // State and line as SQL Server sends them (the scenario may set both).
    body.push(u8::try_from(error["state"].as_u64().unwrap_or(1)).unwrap());
    body.push(u8::try_from(error["class"].as_u64().unwrap_or(u64::from(class))).unwrap());
    us_varchar(&mut body, error["message"].as_str().unwrap_or("error"));
    b_varchar(&mut body, "SCRIPTED");
    b_varchar(&mut body, error["procedure"].as_str().unwrap_or(""));
    body.extend_from_slice(
        &u32::try_from(error["line"].as_u64().unwrap_or(1))
            .unwrap()
            .to_le_bytes(),
    );
    out.push(0xAA);
    out.extend_from_slice(&u16::try_from(body.len()).unwrap().to_le_bytes());
    out.extend_from_slice(&body);
}

fn done_token(out: &mut Vec<u8>, status: u16, rows: u64) {
    out.push(0xFD);
    out.extend_from_slice(&status.to_le_bytes());
    out.extend_from_slice(&0xC1u16.to_le_bytes());
    out.extend_from_slice(&rows.to_le_bytes());
}

/// The name in the query's first line `-- linkready:<name>`.
fn query_name(text: &str) -> Option<&str> {
    text.lines()
        .next()?
        .trim()
        .strip_prefix("-- linkready:")
        .map(str::trim)
}

/// The reply to a batch, and whether to drop the connection after it.
fn answer(scenario: &Value, text: &str) -> (Vec<u8>, bool) {
    let mut reply = Vec::new();
    let answer = query_name(text).and_then(|name| scenario["queries"].get(name));
    let Some(answer) = answer else {
        error_token(
            &mut reply,
            &serde_json::json!({ "number": 208, "message": format!("Invalid object name (not scripted): {}", text.lines().next().unwrap_or("")) }),
            16,
        );
        done_token(&mut reply, 0x02, 0);
        return (reply, false);
    };
    if let Some(error) = answer.get("error") {
        error_token(&mut reply, error, 16);
        done_token(&mut reply, 0x02, 0);
        return (reply, false);
    }
    let sets: Vec<&Value> = match answer.get("result_sets") {
        Some(Value::Array(sets)) => sets.iter().collect(),
        _ => vec![answer],
    };
    let drop_after = scenario["drop_after_rows"].as_u64();
    // The collector's end marker (`SELECT … AS linkready_end`) after the
    // query: SQL Server answers it as one more result set.
    let marker = text.contains("AS linkready_end");
    for (index, set) in sets.iter().enumerate() {
        let columns: Vec<(String, String)> = set["columns"]
            .as_array()
            .map(|cols| {
                cols.iter()
                    .map(|c| {
                        (
                            c[0].as_str().unwrap_or("").to_string(),
                            c[1].as_str().unwrap_or("nvarchar").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        col_metadata(&mut reply, &columns);
        let rows = set["rows"].as_array().cloned().unwrap_or_default();
        for (count, row) in rows.iter().enumerate() {
            if drop_after.is_some_and(|limit| count as u64 >= limit) {
                return (reply, true);
            }
            row_token(&mut reply, &columns, row);
        }
        let more = if index + 1 < sets.len() || marker {
            0x01
        } else {
            0x00
        };
        done_token(&mut reply, 0x10 | more, rows.len() as u64);
    }
    if marker {
        end_marker(&mut reply);
    }
    (reply, false)
}

/// The reply to a batch of steps (`queries::batch`), as pieces each sent
/// after its delay, and whether to drop the connection after them. Each
/// step is found by its `SELECT CAST(<n> AS int) AS linkready_step;` line
/// and named by the `-- linkready:<name>` line before it; it answers with
/// its step row, then its scripted rows, or — as the batch's TRY/CATCH
/// does on SQL Server — a `linkready_error, linkready_message` row for a
/// scripted error or a query the scenario does not know.
fn answer_batch(scenario: &Value, text: &str) -> (Vec<(u64, Vec<u8>)>, bool) {
    let lines: Vec<&str> = text.lines().collect();
    let mut steps = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let Some(index) = line
            .strip_prefix("SELECT CAST(")
            .and_then(|rest| rest.strip_suffix(" AS int) AS linkready_step;"))
            .and_then(|n| n.parse::<i64>().ok())
        else {
            continue;
        };
        let name = at
            .checked_sub(1)
            .and_then(|before| lines[before].strip_prefix("-- linkready:"))
            .unwrap_or("")
            .to_string();
        steps.push((index, name));
    }
    let drop_after = scenario["drop_after_rows"].as_u64();
    let mut pieces = Vec::new();
    for (index, name) in steps {
        let mut reply = Vec::new();
        let marker = vec![("linkready_step".to_string(), "int".to_string())];
        col_metadata(&mut reply, &marker);
        row_token(&mut reply, &marker, &serde_json::json!([index]));
        done_token(&mut reply, 0x11, 1);
        pieces.push((0, reply));
        let answer = scenario["queries"].get(&name);
        let delay = answer.and_then(|a| a["delay_ms"].as_u64()).unwrap_or(0);
        let mut reply = Vec::new();
        let error = match answer {
            None => Some(
                serde_json::json!({ "number": 208, "message": format!("Invalid object name (not scripted): -- linkready:{name}") }),
            ),
            Some(answer) => answer.get("error").cloned(),
        };
        if let Some(error) = error {
            let columns = vec![
                ("linkready_error".to_string(), "int".to_string()),
                ("linkready_message".to_string(), "nvarchar".to_string()),
            ];
            col_metadata(&mut reply, &columns);
            row_token(
                &mut reply,
                &columns,
                &serde_json::json!([error["number"], error["message"]]),
            );
            done_token(&mut reply, 0x11, 1);
            pieces.push((delay, reply));
            continue;
        }
        let answer = answer.unwrap();
        let sets: Vec<&Value> = match answer.get("result_sets") {
            Some(Value::Array(sets)) => sets.iter().collect(),
            _ => vec![answer],
        };
        for set in sets {
            let columns: Vec<(String, String)> = set["columns"]
                .as_array()
                .map(|cols| {
                    cols.iter()
                        .map(|c| {
                            (
                                c[0].as_str().unwrap_or("").to_string(),
                                c[1].as_str().unwrap_or("nvarchar").to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            col_metadata(&mut reply, &columns);
            let rows = set["rows"].as_array().cloned().unwrap_or_default();
            for (count, row) in rows.iter().enumerate() {
                if drop_after.is_some_and(|limit| count as u64 >= limit) {
                    pieces.push((delay, reply));
                    return (pieces, true);
                }
                row_token(&mut reply, &columns, row);
            }
            done_token(&mut reply, 0x11, rows.len() as u64);
        }
        pieces.push((delay, reply));
    }
    let mut reply = Vec::new();
    end_marker(&mut reply);
    pieces.push((0, reply));
    (pieces, false)
}

/// The one-row result of the collector's end marker.
fn end_marker(reply: &mut Vec<u8>) {
    let columns = vec![("linkready_end".to_string(), "int".to_string())];
    col_metadata(reply, &columns);
    row_token(reply, &columns, &serde_json::json!([1]));
    done_token(reply, 0x10, 1);
}

/// COLMETADATA in the types SQL Server returns for our casts: nvarchar,
/// int, bigint, bit.
fn col_metadata(out: &mut Vec<u8>, columns: &[(String, String)]) {
    out.push(0x81);
    out.extend_from_slice(&u16::try_from(columns.len()).unwrap().to_le_bytes());
    for (name, kind) in columns {
        out.extend_from_slice(&0u32.to_le_bytes()); // user type
        out.extend_from_slice(&0x0009u16.to_le_bytes()); // nullable, updatable unknown
        match kind.as_str() {
            "int" => out.extend_from_slice(&[0x26, 4]),
            "bigint" => out.extend_from_slice(&[0x26, 8]),
            "bit" => out.extend_from_slice(&[0x68, 1]),
            _ => {
                out.push(0xE7);
                out.extend_from_slice(&8000u16.to_le_bytes());
                out.extend_from_slice(&[0x09, 0x04, 0xD0, 0x00, 0x34]); // Latin1_General_CI_AS
            }
        }
        b_varchar(out, name);
    }
}

fn row_token(out: &mut Vec<u8>, columns: &[(String, String)], row: &Value) {
    out.push(0xD1);
    for (index, (_, kind)) in columns.iter().enumerate() {
        let value = &row[index];
        match kind.as_str() {
            "int" | "bigint" | "bit" => {
                let width: u8 = match kind.as_str() {
                    "int" => 4,
                    "bigint" => 8,
                    _ => 1,
                };
                match value.as_i64().or_else(|| value.as_bool().map(i64::from)) {
                    None => out.push(0),
                    Some(number) => {
                        out.push(width);
                        out.extend_from_slice(&number.to_le_bytes()[..usize::from(width)]);
                    }
                }
            }
            _ => match value.as_str() {
                None => out.extend_from_slice(&0xFFFFu16.to_le_bytes()),
                Some(text) => {
                    let units: Vec<u16> = text.encode_utf16().collect();
                    out.extend_from_slice(&u16::try_from(units.len() * 2).unwrap().to_le_bytes());
                    for unit in units {
                        out.extend_from_slice(&unit.to_le_bytes());
                    }
                }
            },
        }
    }
}

/// Whether a statement the collector sent could write: tests assert none did.
pub fn writes(statement: &str) -> bool {
    let upper = statement.to_ascii_uppercase();
    let code: String = upper
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    [
        "INSERT ",
        "UPDATE ",
        "DELETE ",
        "MERGE ",
        "CREATE ",
        "ALTER ",
        "DROP ",
        "TRUNCATE ",
        "GRANT ",
        "REVOKE ",
        "DENY ",
        "BACKUP ",
        "RESTORE ",
        "RECONFIGURE",
        "SP_CONFIGURE",
        "DBCC CHECK",
        "KILL ",
    ]
    .iter()
    .any(|verb| code.contains(verb))
}

/// Scenarios by name, for tests that want them all.
pub fn scenario_names() -> BTreeMap<String, std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tds");
    std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), p))
        .collect()
}
