//! Bad input: each file is either scanned or listed with a clear reason; no
//! panic, no hang, and the other files' findings are never lost.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const GOOD: &str = "USE [Good]\nGO\nCREATE TABLE dbo.T AS FILETABLE\nGO\n";

/// Scans `dir` (which also holds good.sql) and returns the JSON report.
fn scan(dir: &Path, extra: &[&str]) -> Value {
    std::fs::write(dir.join("good.sql"), GOOD).unwrap();
    let report = report_of(
        Command::new(env!("CARGO_BIN_EXE_linkready"))
            .arg("scan")
            .arg(dir)
            .args(extra),
    );
    let good = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "LR203" && f["database"] == "Good");
    assert!(good, "the good file's finding was lost: {report}");
    report
}

/// Runs `command` (a `linkready scan …`) for a JSON report that never fails
/// on findings: it must exit 0.
fn report_of(command: &mut Command) -> Value {
    let output = command
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn file<'v>(report: &'v Value, name: &str) -> &'v Value {
    report["inputs"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("{name} not listed: {report}"))
}

fn assert_error(report: &Value, name: &str, reason: &str) {
    let entry = file(report, name);
    assert_eq!(entry["status"], "error", "{entry}");
    let error = entry["error"].as_str().unwrap();
    assert!(
        error.contains(reason),
        "{name}: {error:?} does not say {reason:?}"
    );
    let instance_errors = report["instances"][0]["errors"].to_string();
    assert!(
        instance_errors.contains(name),
        "{name} not reported as not assessed"
    );
}

fn assert_scanned(report: &Value, name: &str) {
    assert_eq!(
        file(report, name)["status"],
        "scanned",
        "{}",
        file(report, name)
    );
}

#[test]
fn binary_and_empty_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("binary.sql"),
        b"MZ\x90\x00\x03\x00\x00\x00\xff\xff",
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.sql"), b"").unwrap();
    let report = scan(dir.path(), &[]);
    assert_error(
        &report,
        "binary.sql",
        "binary content: NUL byte at offset 3",
    );
    assert_scanned(&report, "empty.sql");
    assert_eq!(file(&report, "empty.sql")["batches"], 0);
}

#[test]
fn fifty_megabyte_single_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut line = String::from("INSERT INTO dbo.T (a) VALUES ");
    while line.len() < 50 * 1024 * 1024 {
        line.push_str("(N'filestream recovery'), ");
    }
    line.push_str("(1); ALTER DATABASE [Big] SET RECOVERY SIMPLE");
    std::fs::write(dir.path().join("big.sql"), &line).unwrap();
    let report = scan(dir.path(), &[]);
    assert_scanned(&report, "big.sql");
    let found = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "LR211" && f["database"] == "Big");
    assert!(found, "the statement at the end of the line was scanned");
}

#[test]
fn unterminated_comment_and_string() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("comment.sql"), "ALTER DATABASE [C] SET RECOVERY SIMPLE\n/* never closed\nALTER DATABASE [C2] SET RECOVERY SIMPLE\n").unwrap();
    std::fs::write(dir.path().join("string.sql"), "ALTER DATABASE [S] SET RECOVERY SIMPLE\nSELECT 'never closed\nALTER DATABASE [S2] SET RECOVERY SIMPLE\n").unwrap();
    let report = scan(dir.path(), &[]);
    assert_scanned(&report, "comment.sql");
    assert_scanned(&report, "string.sql");
    let databases: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "LR211")
        .map(|f| f["database"].as_str().unwrap())
        .collect();
    assert_eq!(
        databases,
        ["C", "S"],
        "code before the error counts, text inside it does not"
    );
}

#[test]
fn ten_thousand_nested_parentheses() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!(
        "USE [Deep]\nSELECT {}1{}\nALTER DATABASE CURRENT SET RECOVERY SIMPLE\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    std::fs::write(dir.path().join("deep.sql"), deep).unwrap();
    let report = scan(dir.path(), &[]);
    assert_scanned(&report, "deep.sql");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["database"] == "Deep")
    );
}

#[test]
fn broken_utf16() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("odd.sql"), [0xFF, 0xFE, b'S', 0, b'E']).unwrap();
    std::fs::write(
        dir.path().join("surrogate.sql"),
        [0xFF, 0xFE, b'S', 0, 0x00, 0xDC, b'E', 0],
    )
    .unwrap();
    let report = scan(dir.path(), &[]);
    assert_error(&report, "odd.sql", "odd number of bytes (5)");
    assert_error(
        &report,
        "surrogate.sql",
        "unpaired surrogate 0xDC00 at byte offset 4",
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let secret = dir.path().join("secret.sql");
    std::fs::write(&secret, "SELECT 1").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::write(dir.path().join("good.sql"), GOOD).unwrap();
    // Root reads any file: run the scan as an unprivileged user then.
    let root = std::fs::File::open(&secret).is_ok();
    let mut command = if root {
        let mut command = Command::new("setpriv");
        command.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_linkready"),
        ]);
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_linkready"))
    };
    let report = report_of(command.arg("scan").arg(dir.path()));
    assert_error(&report, "secret.sql", "Permission denied");
    assert_scanned(&report, "good.sql");
}

#[cfg(unix)]
#[test]
fn directory_loop_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("inner.sql"), "SELECT 1").unwrap();
    std::os::unix::fs::symlink(dir.path(), sub.join("loop")).unwrap();
    std::os::unix::fs::symlink(sub.join("inner.sql"), dir.path().join("alias.sql")).unwrap();

    let report = scan(dir.path(), &[]);
    assert_scanned(&report, "inner.sql");
    assert_error(&report, "alias.sql", "symbolic link not followed");

    let report = scan(dir.path(), &["--follow-symlinks"]);
    assert_scanned(&report, "sub/inner.sql");
    assert_scanned(&report, "alias.sql");
    assert_error(&report, "loop", "directory loop");
}

/// Procedure names whose first bytes belong to a wider character: the
/// `sp_`/`xp_` prefix checks compare bytes, they never slice the name.
#[test]
fn non_ascii_procedure_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("names.sql"),
        "EXEC xp_cmdshell N'dir'; EXEC dbo.[éé] 1;\nGO\n[éé] 1; EXEC xp_cmdshell N'dir'\nGO\nEXEC [Other].dbo.[éé];\nGO\n",
    )
    .unwrap();
    let report = scan(dir.path(), &[]);
    assert_eq!(file(&report, "names.sql")["status"], "scanned");
    let xp_cmdshell = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "LR303")
        .count();
    assert_eq!(xp_cmdshell, 2, "{report}");
}

/// Dynamic SQL nested deeper than the scanner follows (issue 14: 22 levels
/// once took 70× the input's memory) is reported, in the JSON file entry and
/// in the terminal report, with where it starts; the rest of the file counts.
#[test]
fn dynamic_sql_nested_too_deep_is_reported_as_not_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let mut code = String::from("CREATE TABLE dbo.Deep (c varbinary(max) FILESTREAM)");
    for _ in 0..22 {
        code = format!("EXEC (N'{}')", code.replace('\'', "''"));
    }
    std::fs::write(
        dir.path().join("nested.sql"),
        format!("USE [Nested]\nGO\nCREATE TABLE dbo.T AS FILETABLE\nGO\n{code}\n"),
    )
    .unwrap();
    let report = scan(dir.path(), &[]);
    let entry = file(&report, "nested.sql");
    assert_eq!(entry["status"], "scanned", "{entry}");
    let warnings = entry["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].as_str().unwrap().ends_with(
            "nested.sql:5:37: dynamic SQL nested more than 3 levels deep was not scanned"
        ),
        "{warnings:?}"
    );
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "LR203" && f["database"] == "Nested")
    );
    let table = Command::new(env!("CARGO_BIN_EXE_linkready"))
        .arg("scan")
        .arg(dir.path())
        .args(["--fail-on", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("Not scanned (the rest of each file was):"),
        "{text}"
    );
    assert!(
        text.contains("nested.sql:5:37: dynamic SQL nested more than 3 levels deep"),
        "{text}"
    );
}
