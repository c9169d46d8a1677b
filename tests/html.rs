//! The HTML report: self-contained, escaped, and what a browser shows of it.
//!
//! The browser test renders the sample estate's report with headless
//! Chromium, prints it to PDF and reads the text back (pdftotext), so it
//! checks what a reader sees, printed. .ci/run installs both and sets
//! LINKREADY_REQUIRE_BROWSER, so there a missing browser fails the test;
//! elsewhere it says it is skipped.

#![allow(clippy::unwrap_used)]

mod common;

use common::linkready;

use std::path::{Path, PathBuf};
use std::process::Command;

fn html_for(path: &str) -> String {
    let output = linkready(&["scan", path, "--format", "html", "--fail-on", "never"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_report_is_self_contained() {
    let html = html_for("fixtures/sample-estate");
    let lower = html.to_ascii_lowercase();
    for forbidden in [
        "<script",
        "http://",
        "https://",
        "src=",
        "url(",
        "@import",
        "<link",
        "@font-face",
    ] {
        assert!(
            !lower.contains(forbidden),
            "the report contains {forbidden}"
        );
    }
    for shown in [
        "Documents",
        "Sales",
        "Reporting",
        "SQL01",
        "SQL02",
        "not-ready",
        "LR202",
        "<h4>How to fix</h4>",
        "<svg",
        "@media print",
    ] {
        assert!(html.contains(shown), "the report lacks {shown}");
    }
}

#[test]
fn the_page_is_dated_and_its_databases_link_to_their_findings() {
    let html = html_for("fixtures/sample-estate");
    // The header: date (tests fix SOURCE_DATE_EPOCH), target, inputs, version.
    assert!(
        html.contains("<time>2026-12-01T12:00:00Z</time> (UTC)"),
        "{html}"
    );
    assert!(html.contains("<dt>Target</dt><dd>not described ([target] in linkready.toml)</dd>"));
    assert!(html.contains("<dt>Inputs</dt><dd><code>fixtures/sample-estate</code></dd>"));
    assert!(html.contains(&format!(
        "<dt>Tool</dt><dd>linkready {}</dd>",
        env!("CARGO_PKG_VERSION")
    )));
    // Every link to a finding lands on a row of the by-place table.
    let ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let links: Vec<&str> = html
        .split("href=\"#findings-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(!links.is_empty());
    for link in &links {
        let id = format!("findings-{link}");
        assert!(ids.contains(&id.as_str()), "{id} has no target");
    }
    // Documents (not ready, four orders of the table) links to its findings.
    assert_eq!(
        html.matches(">Documents</a>").count(),
        8,
        "two Documents in four orders"
    );
    // The database table in four orders, worst verdict first in one.
    for order in [
        "db-order-instance",
        "db-order-verdict",
        "db-order-score",
        "db-order-name",
    ] {
        assert!(
            html.contains(&format!("<table class=\"{order}\">")),
            "{order}"
        );
    }
    let by_verdict = html
        .split("<table class=\"db-order-verdict\">")
        .nth(1)
        .unwrap();
    let first_row = by_verdict.split("<tr>").nth(2).unwrap();
    assert!(first_row.contains("not-ready"), "{first_row}");
    // Rule docs from Markdown: headings, code blocks; IDs never wrap.
    assert!(html.contains("<pre><code class=\"language-sql\">"));
    assert!(html.contains("<a class=\"id\" href=\"#rule-LR202\">LR202</a>"));
    assert!(!html.contains("overflow-wrap: anywhere"));
}

#[test]
fn every_value_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hostile.sql"),
        "USE [<script>alert(1)</script>];\nGO\n\
         CREATE TABLE [\"><img src=x onerror=alert(2)>] (d varbinary(max) FILESTREAM);\nGO\n",
    )
    .unwrap();
    let html = html_for(dir.path().to_str().unwrap());
    assert!(!html.contains("<script"), "a database name became markup");
    assert!(!html.contains("<img"), "an object name became markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;"));
}

fn browser() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|path| path.is_file())
            })
        })
}

fn run(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_browser_shows_the_sample_estate() {
    let Some(chromium) = browser() else {
        assert!(
            std::env::var_os("LINKREADY_REQUIRE_BROWSER").is_none(),
            "chromium is required here (.ci/run installs it)"
        );
        eprintln!("skipped: no chromium on PATH");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, html_for("fixtures/sample-estate")).unwrap();
    let pdf = dir.path().join("report.pdf");
    // No network: the page must render from disk alone.
    let headless = |extra: &[String]| {
        let mut command = Command::new(&chromium);
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--proxy-server=127.0.0.1:9",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join("profile").display()
            ))
            .args(extra)
            .arg(format!("file://{}", page.display()));
        command
    };
    run(&mut headless(&[
        format!("--print-to-pdf={}", pdf.display()),
        "--no-pdf-header-footer".to_string(),
    ]));
    let text = dir.path().join("report.txt");
    run(Command::new("pdftotext").arg(&pdf).arg(&text));
    let shown = std::fs::read_to_string(&text).unwrap();
    let squeezed = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Readiness for the Azure SQL Managed Instance link",
        "Databases (8)",
        "LR321 already-linked",
        "Most common blockers",
        "LR202 filestream",
        "Documents not-ready",
        "SQL01",
        "Why it matters for the link",
        "How to fix",
        "Assessed 2026-12-01T12:00:00Z (UTC)",
        "Target not described ([target] in linkready.toml)",
        "Inputs fixtures/sample-estate",
        "Tool linkready",
    ] {
        assert!(
            squeezed.contains(expected),
            "the page does not show {expected:?}:\n{squeezed}"
        );
    }
    // Printed, the controls are hidden and each finding shows once.
    assert!(!squeezed.contains("Sort by:"));
    let lr203 = squeezed.matches("FileTable dbo.Inbox").count();
    assert_eq!(lr203, 1, "{squeezed}");

    if std::env::var_os("LINKREADY_UPDATE_SNAPSHOTS").is_some() {
        let screenshot =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sample-estate-report.png");
        run(&mut headless(&[
            format!("--screenshot={}", screenshot.display()),
            "--window-size=1200,1500".to_string(),
            "--hide-scrollbars".to_string(),
        ]));
    }
}
