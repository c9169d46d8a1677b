//! The JSON report: its own output structs, versioned; never internal types.

use linkready_rules::{
    BlockerCount, ConfigSuppressionUse, Finding, InheritedCause, RuleUnknown, SuppressionScope,
    VerdictCounts,
};
use serde::Serialize;

use crate::model::{FileStatus, Report};

/// Bumped on any incompatible change to the JSON layout.
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool<'a>,
    /// When the assessment ran (UTC, ISO 8601), or null.
    assessed_at: Option<&'a str>,
    instances: Vec<JsonInstance<'a>>,
    estate: JsonEstate<'a>,
    findings: Vec<JsonFinding<'a>>,
    unknowns: Vec<JsonUnknown<'a>>,
    /// Findings that `-- linkready: ignore` comments suppressed.
    suppressed: Vec<JsonFinding<'a>>,
    /// Suppression comments that matched no finding.
    unused_suppressions: Vec<JsonSuppression<'a>>,
    /// linkready.toml `[[suppress]]` entries and what they matched.
    config_suppressions: Vec<JsonConfigSuppression<'a>>,
    inputs: Inputs<'a>,
}

/// The roll-up of every instance and database.
#[derive(Serialize)]
struct JsonEstate<'a> {
    instances: VerdictCounts,
    databases: VerdictCounts,
    /// Blocker rules, the most widespread first.
    blockers: Vec<JsonBlocker<'a>>,
    not_assessed: Vec<JsonNotAssessed>,
}

/// A blocker rule in the estate roll-up (JSON `estate.blockers`, and the HTML page's).
#[derive(Serialize)]
pub(crate) struct JsonBlocker<'a> {
    rule: &'a str,
    name: &'a str,
    /// Databases (and instances, for instance-level findings) it blocks.
    places: usize,
    findings: usize,
}

impl From<&BlockerCount> for JsonBlocker<'static> {
    fn from(blocker: &BlockerCount) -> Self {
        JsonBlocker {
            rule: blocker.rule.id,
            name: blocker.rule.name,
            places: blocker.places,
            findings: blocker.findings,
        }
    }
}

#[derive(Serialize)]
struct JsonNotAssessed {
    instance: String,
    reasons: Vec<String>,
}

/// A linkready.toml `[[suppress]]` entry as JSON and SARIF show it.
#[derive(Serialize)]
pub(crate) struct JsonConfigSuppression<'a> {
    rule: &'a str,
    instance: Option<&'a str>,
    database: Option<&'a str>,
    object: Option<&'a str>,
    reason: &'a str,
    expires: Option<&'a str>,
    /// Past its date: it no longer suppresses; `matched` counts what it would.
    expired: bool,
    matched: usize,
    place: &'a str,
}

impl<'a> From<&'a ConfigSuppressionUse> for JsonConfigSuppression<'a> {
    fn from(used: &'a ConfigSuppressionUse) -> Self {
        let entry = &used.entry;
        JsonConfigSuppression {
            rule: &entry.rule,
            instance: entry.instance.as_deref(),
            database: entry.database.as_deref(),
            object: entry.object.as_deref(),
            reason: &entry.reason,
            expires: entry.expires.as_deref(),
            expired: entry.expired,
            matched: used.matched,
            place: &entry.place,
        }
    }
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    rule: &'a str,
    scope: &'a str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonInstance<'a> {
    name: &'a str,
    /// live, inventory or script.
    source: &'a str,
    verdict: &'a str,
    score: Option<u8>,
    /// "assessed", or "not-assessed" for script input (no instance facts:
    /// version, edition, HADR, endpoint… were not judged).
    instance_prerequisites: &'a str,
    errors: &'a [String],
    databases: Vec<JsonDatabase<'a>>,
}

#[derive(Serialize)]
struct JsonDatabase<'a> {
    name: &'a str,
    verdict: &'a str,
    score: Option<u8>,
    /// Its own findings per severity.
    counts: &'a linkready_rules::SeverityCounts,
    /// The instance's outcomes that count in this verdict.
    inherited: Vec<JsonInherited<'a>>,
}

/// An instance finding or unknown a database inherits.
#[derive(Serialize)]
pub(crate) struct JsonInherited<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'a str,
    /// "finding" or "unknown".
    outcome: &'a str,
    message: &'a str,
}

impl<'a> From<&'a InheritedCause> for JsonInherited<'a> {
    fn from(cause: &'a InheritedCause) -> Self {
        JsonInherited {
            rule: cause.rule.id,
            name: cause.rule.name,
            severity: cause.severity.as_str(),
            outcome: if cause.unknown { "unknown" } else { "finding" },
            message: &cause.message,
        }
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    name: &'a str,
    aliases: &'a [&'a str],
    severity: &'a str,
    instance: &'a str,
    database: Option<&'a str>,
    object: Option<&'a str>,
    message: &'a str,
    origin: &'a str,
    location: Option<Location<'a>>,
    /// The construct was in a string the script executes.
    dynamic: bool,
    /// Only in `suppressed`: the comment or linkready.toml entry that did it.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed_by: Option<&'a str>,
    /// Stable across runs while lines move: SARIF's
    /// `partialFingerprints["linkreadFinding/v1"]`, what `linkready diff` matches by.
    fingerprint: String,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct JsonUnknown<'a> {
    rule: &'a str,
    name: &'a str,
    instance: &'a str,
    database: Option<&'a str>,
    reason: &'a str,
    /// Needs the target managed instance's description (config).
    needs_target: bool,
    /// "target" or "network-results" when `needs_target`, else null.
    needs: Option<&'static str>,
}

#[derive(Serialize)]
struct Inputs<'a> {
    files: Vec<JsonFile<'a>>,
    inventories: Vec<JsonInventory<'a>>,
}

#[derive(Serialize)]
struct JsonInventory<'a> {
    path: &'a str,
    status: &'a str,
    server: Option<&'a str>,
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    status: &'a str,
    batches: u32,
    statements: u32,
    error: Option<&'a str>,
    warnings: &'a [String],
}

fn finding(finding: &Finding, fingerprint: String) -> JsonFinding<'_> {
    let location = finding
        .origin
        .script_position()
        .map(|(path, line, column)| Location { path, line, column });
    let dynamic = finding.origin.is_dynamic();
    JsonFinding {
        rule: finding.rule.id,
        name: finding.rule.name,
        aliases: finding.rule.aliases,
        severity: finding.severity.as_str(),
        instance: &finding.instance,
        database: finding.database.as_deref(),
        object: finding.object.as_deref(),
        message: &finding.message,
        origin: finding.origin.source().as_str(),
        location,
        dynamic,
        suppressed_by: finding.suppressed_by.as_deref(),
        fingerprint,
    }
}

fn unknown(unknown: &RuleUnknown) -> JsonUnknown<'_> {
    JsonUnknown {
        rule: unknown.rule.id,
        name: unknown.rule.name,
        instance: &unknown.instance,
        database: unknown.database.as_deref(),
        reason: &unknown.reason,
        needs_target: unknown.needs_target,
        needs: unknown.needs.map(linkready_rules::Needs::as_str),
    }
}

/// Renders the report as pretty-printed JSON, ending with a newline.
pub fn render_json(report: &Report) -> String {
    let assessment = &report.assessment;
    let estate = assessment.estate();
    let mut fingerprints = crate::fingerprint::fingerprints(assessment).into_iter();
    let findings: Vec<JsonFinding> = assessment
        .findings
        .iter()
        .map(|f| finding(f, fingerprints.next().unwrap_or_default()))
        .collect();
    let suppressed: Vec<JsonFinding> = assessment
        .suppressed
        .iter()
        .map(|f| finding(f, fingerprints.next().unwrap_or_default()))
        .collect();
    let document = JsonReport {
        schema_version: JSON_SCHEMA_VERSION,
        tool: Tool {
            name: report.tool_name,
            version: report.tool_version,
        },
        assessed_at: report.context.assessed_at.as_deref(),
        instances: assessment
            .instances
            .iter()
            .map(|instance| JsonInstance {
                name: &instance.name,
                source: instance.source.as_str(),
                verdict: instance.verdict.as_str(),
                score: instance.score,
                instance_prerequisites: if instance.prerequisites_assessed() {
                    "assessed"
                } else {
                    "not-assessed"
                },
                errors: &instance.errors,
                databases: instance
                    .databases
                    .iter()
                    .map(|db| JsonDatabase {
                        name: &db.name,
                        verdict: db.verdict.as_str(),
                        score: db.score,
                        counts: &db.counts,
                        inherited: db.inherited.iter().map(JsonInherited::from).collect(),
                    })
                    .collect(),
            })
            .collect(),
        estate: JsonEstate {
            instances: estate.instances,
            databases: estate.databases,
            blockers: estate.blockers.iter().map(JsonBlocker::from).collect(),
            not_assessed: estate
                .not_assessed
                .into_iter()
                .map(|n| JsonNotAssessed {
                    instance: n.instance,
                    reasons: n.reasons,
                })
                .collect(),
        },
        findings,
        unknowns: assessment.unknowns.iter().map(unknown).collect(),
        suppressed,
        unused_suppressions: assessment
            .unused_suppressions
            .iter()
            .map(|suppression| JsonSuppression {
                rule: &suppression.rule,
                scope: match suppression.scope {
                    SuppressionScope::Line => "line",
                    SuppressionScope::NextLine => "next-line",
                    SuppressionScope::File => "file",
                },
                location: Location {
                    path: &suppression.path,
                    line: suppression.line,
                    column: suppression.column,
                },
            })
            .collect(),
        config_suppressions: assessment
            .config_suppressions
            .iter()
            .map(JsonConfigSuppression::from)
            .collect(),
        inputs: Inputs {
            files: report
                .files
                .iter()
                .map(|file| JsonFile {
                    path: &file.path,
                    status: match file.status {
                        FileStatus::Scanned => "scanned",
                        FileStatus::Error => "error",
                    },
                    batches: file.batches,
                    statements: file.statements,
                    error: file.error.as_deref(),
                    warnings: &file.warnings,
                })
                .collect(),
            inventories: report
                .inventories
                .iter()
                .map(|inventory| JsonInventory {
                    path: &inventory.path,
                    status: match inventory.status {
                        FileStatus::Scanned => "read",
                        FileStatus::Error => "error",
                    },
                    server: inventory.server.as_deref(),
                    error: inventory.error.as_deref(),
                })
                .collect(),
        },
    };
    // Serializing plain structs of strings and numbers cannot fail.
    let mut text = serde_json::to_string_pretty(&document)
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"));
    text.push('\n');
    text
}
