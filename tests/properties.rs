//! Property tests (issue 14), on stable at every CI run, with the
//! invariants the fuzz targets (fuzz/) check for longer on nightly: any
//! script text, inventory or `--server` value goes through the whole
//! pipeline without a panic; findings stay inside the text; JSON and SARIF
//! parse; a password is never echoed. Inputs mix T-SQL pieces that drive
//! the scanner into its corners with arbitrary characters.

use linkready::collect::fuzzing::{
    connection_text, connection_text_with_secret, inventory_bytes, scan_bytes,
};
use proptest::prelude::*;

/// Pieces of T-SQL and SQLCMD that open or close the scanner's states.
const PIECES: &[&str] = &[
    "USE [Sales]",
    "USE ",
    "GO",
    "\nGO\n",
    "GO 3",
    ";",
    "'",
    "''",
    "N'",
    "\"",
    "[",
    "]",
    "]]",
    "/*",
    "*/",
    "--",
    "\n",
    "\r\n",
    "$(",
    ")",
    "$(Db)",
    ":setvar Db x\n",
    ":r x.sql\n",
    "(",
    ",",
    "EXEC (",
    "EXEC sp_executesql N'",
    "DECLARE @s nvarchar(max) = N'",
    "SET @s += ",
    "EXEC (@s)",
    "CREATE DATABASE X ON (FILENAME='a') LOG ON (NAME=l1), (NAME=l2)",
    "ALTER DATABASE CURRENT SET RECOVERY SIMPLE",
    "CREATE TABLE t (c varbinary(max) FILESTREAM)",
    " AS FILETABLE",
    "WITH (MEMORY_OPTIMIZED = ON)",
    "GRANT CREATE DATABASE TO x",
    "USE FEDERATION f (k = 1) WITH RESET",
    "xp_cmdshell",
    "OPENROWSET(",
    "BACKUP LOG x TO DISK = 'd'",
    "CREATE ENDPOINT e FOR DATABASE_MIRRORING (",
    "SELECT * FROM a.b.c.d",
    "-- linkready: ignore LR301\n",
    "<Database, sysname, Sales>",
    "\u{feff}",
    "é",
    "\u{202e}",
    "\u{0}",
    "\t",
];

fn script() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => prop::sample::select(PIECES).prop_map(|p| p.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..8),
        1 => "[a-zA-Z0-9_ .@#]{0,12}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

fn inventory() -> impl Strategy<Value = Vec<u8>> {
    let sample = include_str!("../fixtures/sample-estate/inventories/sql02.inventory.json");
    (
        0..sample.len(),
        0..sample.len(),
        prop::collection::vec(any::<u8>(), 0..16),
        any::<bool>(),
    )
        .prop_map(move |(from, to, noise, utf16)| {
            let (from, to) = (from.min(to), from.max(to));
            let mut bytes = sample.as_bytes()[..from].to_vec();
            bytes.extend(noise);
            bytes.extend_from_slice(&sample.as_bytes()[to..]);
            if utf16 {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                [0xFF, 0xFE]
                    .into_iter()
                    .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                    .collect()
            } else {
                bytes
            }
        })
}

/// A `--server` value around a password `P4ssw0rd-xxxx` written in one of
/// the forms ADO allows, and the password itself.
fn server() -> impl Strategy<Value = (String, String)> {
    let secret = "[a-z]{4}".prop_map(|tail| format!("P4ssw0rd-{tail}"));
    (
        secret,
        any::<u8>(),
        prop::collection::vec(
            prop_oneof![
                Just("Server=h,1".to_string()),
                Just("User Id=u".to_string()),
                "Application Name=(\\{[a-z;=]{0,6}\\}|\"[a-z\"]{0,6}\"|[a-z]{0,6})",
                "[ -~]{0,10}",
            ],
            0..5,
        ),
    )
        .prop_map(|(secret, form, mut pairs)| {
            let key = ["Password", "PWD", "pwd", "password"][usize::from(form % 4)];
            let value = match form % 5 {
                0 => secret.clone(),
                1 => format!("\"{secret}\""),
                2 => format!("'{secret}'"),
                3 => format!("{{{secret}}}"),
                _ => format!(" {secret} "),
            };
            let at = usize::from(form) % (pairs.len() + 1);
            pairs.insert(at, format!("{key}={value}"));
            (pairs.join(";"), secret)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_script_goes_through_the_pipeline(bytes in script()) {
        scan_bytes(&bytes);
    }

    #[test]
    fn any_inventory_is_read_or_refused(bytes in inventory()) {
        inventory_bytes(&bytes);
    }

    #[test]
    fn any_server_value_is_parsed_or_refused_without_its_password((text, secret) in server()) {
        connection_text(&text);
        connection_text_with_secret(&text, &secret);
    }
}

/// The fuzz targets' seed corpora come from the fixtures; they pass too.
#[test]
fn every_fixture_passes_the_invariants() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        let path = entry.path();
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        match path.extension().and_then(|e| e.to_str()) {
            Some("sql") => scan_bytes(&bytes),
            Some("json") if path.to_string_lossy().ends_with(".inventory.json") => {
                inventory_bytes(&bytes)
            }
            _ => continue,
        }
        seen += 1;
    }
    assert!(seen > 40, "only {seen} fixtures");
}
