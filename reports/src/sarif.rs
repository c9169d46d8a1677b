//! SARIF 2.1.0: its own serde structs (STYLE.md), shaped for GitHub code
//! scanning.
//!
//! - `tool.driver.rules` is the whole catalog, so a result's `ruleIndex`
//!   points into it and viewers can show the rule docs.
//! - Script findings carry a physical location (path, line, column; columns
//!   count Unicode code points, declared in `columnKind`); live and inventory
//!   findings carry logical locations (object ▸ database ▸ instance), and
//!   inventory findings also their inventory file. Code scanning shows only
//!   results with a file, so live-only findings are for other SARIF viewers.
//! - Levels: blocker → `error`, prerequisite and warning → `warning`,
//!   info → `note`; the linkready severity is kept in `properties`.
//! - `partialFingerprints["linkreadFinding/v1"]` hashes what identifies a
//!   finding apart from its line and its message (which holds sizes and
//!   counts that move), plus its rank among findings with the same key, so
//!   it survives edits above it and two identical calls stay two alerts.
//! - Suppressed findings are not in `results` (GitHub code scanning ignores
//!   `suppressions` and would open an alert for each) but in
//!   `run.properties.suppressedResults`, as results with a suppression
//!   (`inSource` for a `-- linkready: ignore` comment, `external` for a
//!   linkready.toml entry, what suppressed it as the justification), next to
//!   `run.properties.configSuppressions`.

use linkready_rules::{Finding, Origin, RULES, RuleMeta, Severity};

use crate::fingerprint::fingerprints;
use serde::Serialize;

use crate::json::JsonConfigSuppression;
use crate::model::{FileStatus, Report};

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Microsoft's pages behind each part of the catalog: the link's
/// prerequisites and limitations, and the managed instance's assessment
/// rules that the LR3xx aliases come from.
const LINK_OVERVIEW_URI: &str = "https://learn.microsoft.com/azure/azure-sql/managed-instance/managed-instance-link-feature-overview";
const LINK_PREPARATION_URI: &str = "https://learn.microsoft.com/azure/azure-sql/managed-instance/managed-instance-link-preparation";
const ASSESSMENT_RULES_URI: &str = "https://learn.microsoft.com/azure/azure-sql/migration-guides/managed-instance/sql-server-to-sql-managed-instance-assessment-rules";

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    invocations: [Invocation; 1],
    properties: RunProperties<'a>,
}

/// What is suppressed, kept out of `results`: GitHub code scanning ignores a
/// result's `suppressions` and would open an alert for each.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    suppressed_results: Vec<SarifResult<'a>>,
    config_suppressions: Vec<JsonConfigSuppression<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: &'static str,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    severity: &'static str,
    scope: &'static str,
    aliases: &'static [&'static str],
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location<'a>>,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    name: &'a str,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "linkreadFinding/v1")]
    finding: String,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    severity: &'static str,
    instance: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    database: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<&'a str>,
    origin: &'static str,
    dynamic: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

/// The SARIF level for a linkready severity.
pub fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Blocker => "error",
        Severity::Prerequisite | Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn help_uri(meta: &RuleMeta) -> &'static str {
    if meta.id.starts_with("LR3") {
        ASSESSMENT_RULES_URI
    } else if meta.severity == Severity::Prerequisite {
        LINK_PREPARATION_URI
    } else {
        LINK_OVERVIEW_URI
    }
}

fn descriptor(meta: &'static RuleMeta) -> ReportingDescriptor {
    let markdown = meta.docs_markdown();
    let full = meta
        .docs_section("Why it matters for the link")
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| meta.summary.to_string());
    let scope = meta.scope.as_str();
    ReportingDescriptor {
        id: meta.id,
        name: meta.name,
        short_description: Text {
            text: capitalized(meta.summary),
        },
        full_description: Text { text: full },
        help: Help {
            text: markdown.clone(),
            markdown,
        },
        help_uri: help_uri(meta),
        default_configuration: Configuration {
            level: sarif_level(meta.severity),
        },
        properties: RuleProperties {
            severity: meta.severity.as_str(),
            scope,
            aliases: meta.aliases,
            tags: vec!["sql-server", "azure-sql-managed-instance", scope],
        },
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

/// A file path as a URI: a relative path stays a relative reference (code
/// scanning resolves it against the repository root); an absolute one
/// becomes a `file://` URI. `/` separators; every byte outside the
/// unreserved and path characters percent-encoded (`:` too, so a relative
/// path cannot read as a URI scheme).
pub fn path_to_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    let (mut uri, rest) = if drive {
        (format!("file:///{}:", char::from(bytes[0])), &bytes[2..])
    } else if bytes.starts_with(b"/") {
        (String::from("file://"), bytes)
    } else {
        (String::with_capacity(path.len()), bytes)
    };
    for &byte in rest {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte);
        if keep {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

fn physical(path: &str, line: u32, column: u32) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: path_to_uri(path),
        },
        region: Region {
            start_line: line.max(1),
            start_column: column.max(1),
        },
    }
}

/// Where the finding is: a script position; or where a catalog row was seen
/// (instance ▸ database ▸ object), with the inventory file when there is
/// one, which code scanning needs to show an alert.
fn location<'a>(report: &'a Report, finding: &'a Finding) -> Location<'a> {
    let database = finding.database.as_deref();
    let logical = |seen_in| logical_locations(&finding.instance, database, seen_in);
    match &finding.origin {
        Origin::Script {
            path, line, column, ..
        } => Location {
            physical_location: Some(physical(path, *line, *column)),
            logical_locations: Vec::new(),
        },
        Origin::Inventory { server, object, .. } => Location {
            physical_location: report
                .inventories
                .iter()
                .find(|inventory| inventory.server.as_deref() == Some(server.as_str()))
                .map(|inventory| physical(&inventory.path, 1, 1)),
            logical_locations: logical(object),
        },
        Origin::Live { object, .. } => Location {
            physical_location: None,
            logical_locations: logical(object),
        },
        Origin::Selection { argument, .. } => Location {
            physical_location: None,
            logical_locations: logical(argument),
        },
    }
}

fn result<'a>(
    report: &'a Report,
    finding: &'a Finding,
    suppressed: bool,
    fingerprint: String,
) -> SarifResult<'a> {
    let rule_index = RULES
        .iter()
        .position(|rule| rule.meta().id == finding.rule.id)
        .unwrap_or(0);
    let database = finding.database.as_deref();
    let object = finding.object.as_deref();
    SarifResult {
        rule_id: finding.rule.id,
        rule_index,
        level: sarif_level(finding.severity),
        message: Text {
            text: finding.message.clone(),
        },
        locations: vec![location(report, finding)],
        partial_fingerprints: Fingerprints {
            finding: fingerprint,
        },
        suppressions: if suppressed {
            let by = finding.suppressed_by.clone().unwrap_or_default();
            vec![Suppression {
                // A comment in the analysed file is in source; a
                // linkready.toml entry is kept outside it.
                kind: if finding.suppressed_in_source() {
                    "inSource"
                } else {
                    "external"
                },
                justification: by,
            }]
        } else {
            Vec::new()
        },
        properties: ResultProperties {
            severity: finding.severity.as_str(),
            instance: &finding.instance,
            database,
            object,
            origin: finding.origin.source().as_str(),
            dynamic: finding.origin.is_dynamic(),
        },
    }
}

/// Where a catalog fact was seen (the module, view or setting), its database
/// and instance: the most specific first. What the finding is about (e.g. the
/// procedure a module calls) stays in the result's `object` property.
fn logical_locations<'a>(
    instance: &'a str,
    database: Option<&'a str>,
    seen_in: &'a str,
) -> Vec<LogicalLocation<'a>> {
    let mut qualified = instance.to_string();
    let mut chain = vec![LogicalLocation {
        name: instance,
        fully_qualified_name: qualified.clone(),
        kind: "namespace",
    }];
    if let Some(database) = database {
        qualified = format!("{qualified}/{database}");
        chain.push(LogicalLocation {
            name: database,
            fully_qualified_name: qualified.clone(),
            kind: "namespace",
        });
    }
    if !seen_in.is_empty() {
        qualified = format!("{qualified}/{seen_in}");
        chain.push(LogicalLocation {
            name: seen_in,
            fully_qualified_name: qualified,
            kind: "resource",
        });
    }
    chain.reverse();
    chain
}

/// Renders the report as a SARIF 2.1.0 log, ending with a newline.
pub fn render_sarif(report: &Report) -> String {
    let assessment = &report.assessment;
    let mut results: Vec<SarifResult<'_>> = Vec::new();
    let mut suppressed_results: Vec<SarifResult<'_>> = Vec::new();
    let all = assessment
        .findings
        .iter()
        .map(|f| (f, false))
        .chain(assessment.suppressed.iter().map(|f| (f, true)));
    for ((finding, suppressed), fingerprint) in all.zip(fingerprints(assessment)) {
        let sarif = result(report, finding, suppressed, fingerprint);
        if suppressed {
            suppressed_results.push(sarif);
        } else {
            results.push(sarif);
        }
    }
    let mut notifications: Vec<Notification> = Vec::new();
    for file in &report.files {
        if file.status == FileStatus::Error {
            notifications.push(Notification {
                level: "error",
                message: Text {
                    text: format!(
                        "{}: not assessed: {}",
                        file.path,
                        file.error.as_deref().unwrap_or("unreadable")
                    ),
                },
            });
        }
    }
    for inventory in &report.inventories {
        if let Some(error) = &inventory.error {
            notifications.push(Notification {
                level: "error",
                message: Text {
                    text: format!("{}: not assessed: {error}", inventory.path),
                },
            });
        }
    }
    for instance in &assessment.instances {
        if !instance.prerequisites_assessed() {
            notifications.push(Notification {
                level: "note",
                message: Text {
                    text: format!(
                        "{}: instance prerequisites not assessed: scripts do not show version, edition, HADR, master key or endpoints (connect with --server, or read an inventory)",
                        instance.name
                    ),
                },
            });
        }
        for error in &instance.errors {
            notifications.push(Notification {
                level: "warning",
                message: Text {
                    text: format!("{}: {error}", instance.name),
                },
            });
        }
    }
    let log = SarifLog {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: report.tool_name,
                    version: report.tool_version,
                    semantic_version: report.tool_version,
                    rules: RULES.iter().map(|rule| descriptor(rule.meta())).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
            invocations: [Invocation {
                // The run itself completed; inputs it could not read are
                // notifications, and their instances are reported unknown.
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            properties: RunProperties {
                suppressed_results,
                config_suppressions: assessment
                    .config_suppressions
                    .iter()
                    .map(JsonConfigSuppression::from)
                    .collect(),
            },
        }],
    };
    let mut text = serde_json::to_string_pretty(&log)
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            path_to_uri("fixtures/a b/x#1.sql"),
            "fixtures/a%20b/x%231.sql"
        );
        assert_eq!(path_to_uri(r"C:\sql\ü.sql"), "file:///C:/sql/%C3%BC.sql");
        assert_eq!(path_to_uri("/abs/100%.sql"), "file:///abs/100%25.sql");
        assert_eq!(path_to_uri("a:b.sql"), "a%3Ab.sql");
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(sarif_level(Severity::Blocker), "error");
        assert_eq!(sarif_level(Severity::Prerequisite), "warning");
        assert_eq!(sarif_level(Severity::Info), "note");
    }
}
