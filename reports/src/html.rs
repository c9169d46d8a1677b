//! The HTML report: one self-contained file from reports/templates/report.html.hbs.
//!
//! No script at all (mail gateways and intranet policies strip it, and the
//! report must work opened from disk): sorting and filtering are radio
//! buttons and checkboxes driving CSS (each order is rendered once, CSS
//! shows the chosen one); the chart is inline SVG. Handlebars runs in
//! strict mode with its HTML escaping on, so every value the template
//! shows is escaped (object names can hold anything); the one value it
//! takes as markup is the rules' documentation, our own Markdown rendered
//! here with any raw HTML in it escaped.

use std::collections::BTreeMap;

use handlebars::Handlebars;
use linkready_rules::{Finding, Origin, RuleMeta, Verdict, VerdictCounts};
use serde::Serialize;

use crate::json::JsonBlocker;
use crate::model::{FileStatus, Report};
use crate::outlook::{Outlook, outlooks, top_cause};

const TEMPLATE: &str = include_str!("../templates/report.html.hbs");
const FINDING_ROW: &str = include_str!("../templates/finding.html.hbs");
const DATABASE_ROW: &str = include_str!("../templates/database.html.hbs");

#[derive(Serialize)]
struct Page<'a> {
    tool: &'a str,
    version: &'a str,
    /// UTC, ISO 8601, or "not dated".
    assessed_at: &'a str,
    /// The target's name, or what stands for it.
    target: String,
    /// What the command assessed, as given.
    given: &'a [String],
    estate: Estate<'a>,
    /// Every database of every instance in four orders; CSS shows the
    /// chosen one.
    databases_by_instance: Vec<DbRow<'a>>,
    databases_by_verdict: Vec<DbRow<'a>>,
    databases_by_score: Vec<DbRow<'a>>,
    databases_by_name: Vec<DbRow<'a>>,
    estate_counts: EstateCounts,
    instances: Vec<Instance<'a>>,
    /// The same findings in three orders; CSS shows the chosen one.
    by_severity: Vec<Row<'a>>,
    by_rule: Vec<Row<'a>>,
    by_place: Vec<Row<'a>>,
    rules: Vec<RuleDocs>,
    unknowns: Vec<Unknown<'a>>,
    suppressed: Vec<Row<'a>>,
    config_suppressions: Vec<ConfigSuppression<'a>>,
    inputs: Inputs<'a>,
}

#[derive(Serialize)]
struct ConfigSuppression<'a> {
    rule: &'a str,
    scope: String,
    reason: &'a str,
    expires: &'a str,
    expired: bool,
    matched: usize,
    place: &'a str,
}

#[derive(Serialize)]
struct EstateCounts {
    instances: Counts,
    databases: Counts,
}

/// Verdict counts with names a template can use.
#[derive(Serialize)]
struct Counts {
    ready: usize,
    ready_with_conditions: usize,
    unknown: usize,
    not_ready: usize,
}

impl From<VerdictCounts> for Counts {
    fn from(counts: VerdictCounts) -> Self {
        Counts {
            ready: counts.ready,
            ready_with_conditions: counts.ready_with_conditions,
            unknown: counts.unknown,
            not_ready: counts.not_ready,
        }
    }
}

#[derive(Serialize)]
struct Estate<'a> {
    instances: Chart,
    databases: Chart,
    findings: usize,
    blockers: Vec<JsonBlocker<'a>>,
    not_assessed: Vec<NotAssessed>,
}

/// One stacked bar: a segment per verdict, widths in percent of 600 px.
#[derive(Serialize)]
struct Chart {
    total: usize,
    segments: Vec<Segment>,
}

#[derive(Serialize)]
struct Segment {
    verdict: &'static str,
    count: usize,
    x: usize,
    width: usize,
}

#[derive(Serialize)]
struct NotAssessed {
    instance: String,
    reasons: String,
}

#[derive(Serialize)]
struct Instance<'a> {
    name: &'a str,
    verdict: &'static str,
    score: String,
    prerequisites_assessed: bool,
    errors: &'a [String],
    databases: usize,
    /// The id of its first instance-level finding in the by-place table.
    anchor: String,
}

/// One line of the database table.
#[derive(Serialize, Clone)]
struct DbRow<'a> {
    instance: &'a str,
    name: &'a str,
    verdict: &'static str,
    score: String,
    blocker: usize,
    prerequisite: usize,
    warning: usize,
    info: usize,
    /// "LR102 blocker: …" per inherited instance outcome, else its most
    /// severe finding, else what could not be read.
    cause: String,
    /// The id of its first finding in the by-place table ("" when none).
    anchor: String,
    /// For the orders: `Verdict` sorts ready first, not-ready last.
    #[serde(skip)]
    verdict_value: Verdict,
    #[serde(skip)]
    score_value: Option<u8>,
}

#[derive(Serialize)]
struct Row<'a> {
    /// The row's id when it is its database's first in the by-place table.
    anchor: String,
    severity: &'static str,
    rule: &'static str,
    name: &'static str,
    aliases: String,
    instance: &'a str,
    database: &'a str,
    object: &'a str,
    message: &'a str,
    origin: &'static str,
    location: String,
    dynamic: bool,
    suppressed_by: &'a str,
}

#[derive(Serialize)]
struct RuleDocs {
    id: &'static str,
    name: &'static str,
    severity: &'static str,
    summary: &'static str,
    aliases: String,
    /// The rule's documentation as HTML (from its Markdown).
    docs_html: String,
}

#[derive(Serialize)]
struct Unknown<'a> {
    rule: &'static str,
    instance: &'a str,
    database: &'a str,
    reason: &'a str,
    /// What it waits for, in words ("" when it could not decide).
    needs: &'static str,
}

#[derive(Serialize)]
struct Inputs<'a> {
    files: usize,
    unreadable: Vec<Unreadable<'a>>,
    inventories: usize,
}

#[derive(Serialize)]
struct Unreadable<'a> {
    path: &'a str,
    error: &'a str,
}

const CHART_WIDTH: usize = 600;

fn chart(counts: &VerdictCounts) -> Chart {
    let total = counts.total();
    let mut segments = Vec::new();
    let mut x = 0;
    for (verdict, count) in [
        (Verdict::Ready, counts.ready),
        (Verdict::ReadyWithConditions, counts.ready_with_conditions),
        (Verdict::Unknown, counts.unknown),
        (Verdict::NotReady, counts.not_ready),
    ] {
        if count == 0 || total == 0 {
            continue;
        }
        let width = (count * CHART_WIDTH / total).max(1);
        segments.push(Segment {
            verdict: verdict.as_str(),
            count,
            x,
            width,
        });
        x += width;
    }
    // Rounding: the last segment reaches the end.
    if let Some(last) = segments.last_mut() {
        last.width = CHART_WIDTH - last.x;
    }
    Chart { total, segments }
}

fn location(origin: &Origin) -> String {
    match origin {
        Origin::Script {
            path, line, column, ..
        } => format!("{path}:{line}:{column}"),
        Origin::Live {
            server,
            database,
            object,
        }
        | Origin::Inventory {
            server,
            database,
            object,
        } => match database {
            Some(database) => format!("{server} / {database} / {object}"),
            None => format!("{server} / {object}"),
        },
        Origin::Selection { argument, .. } => argument.clone(),
    }
}

fn row(finding: &Finding) -> Row<'_> {
    Row {
        anchor: String::new(),
        severity: finding.severity.as_str(),
        rule: finding.rule.id,
        name: finding.rule.name,
        aliases: finding.rule.aliases.join(", "),
        instance: &finding.instance,
        database: finding.database.as_deref().unwrap_or(""),
        object: finding.object.as_deref().unwrap_or(""),
        message: &finding.message,
        origin: finding.origin.source().as_str(),
        location: location(&finding.origin),
        dynamic: finding.origin.is_dynamic(),
        suppressed_by: finding.suppressed_by.as_deref().unwrap_or(""),
    }
}

fn score(score: Option<u8>) -> String {
    score.map_or_else(|| "–".to_string(), |s| s.to_string())
}

fn rule_docs(meta: &'static RuleMeta) -> RuleDocs {
    RuleDocs {
        id: meta.id,
        name: meta.name,
        severity: meta.severity.as_str(),
        summary: meta.summary,
        aliases: meta.aliases.join(", "),
        docs_html: markdown_html(&meta.docs_markdown()),
    }
}

/// Markdown as HTML for a rule's box: its `#` sections become fourth-level
/// headings (the page's own go to three), and raw HTML is shown as text,
/// never taken as markup.
fn markdown_html(markdown: &str) -> String {
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
    let events = Parser::new(markdown).map(|event| match event {
        Event::Start(Tag::Heading {
            level: _,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: HeadingLevel::H4,
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(_)) => Event::End(TagEnd::Heading(HeadingLevel::H4)),
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        other => other,
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// What decides a database's verdict most (the terminal's "top cause"),
/// or the next step for a ready one.
fn database_cause(db: &linkready_rules::DatabaseAssessment, outlook: &Outlook) -> String {
    if db.verdict == Verdict::Ready {
        return "next: linkready scripts".to_string();
    }
    top_cause(db, outlook)
}

/// Renders the report as one self-contained HTML page.
pub fn render_html(report: &Report) -> Result<String, handlebars::RenderError> {
    let assessment = &report.assessment;
    let estate = assessment.estate();
    let findings = &assessment.findings;

    let mut by_severity: Vec<&Finding> = findings.iter().collect();
    // Stable: within a severity, the assessment's order (instance, database).
    by_severity.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut by_rule: Vec<&Finding> = findings.iter().collect();
    by_rule.sort_by_key(|f| f.rule.id);

    // Every rule the page names, by ID: findings, suppressed ones, and
    // rules that could not decide (their rows link here too).
    let fired: BTreeMap<&str, &'static RuleMeta> = findings
        .iter()
        .chain(&assessment.suppressed)
        .map(|finding| finding.rule)
        .chain(assessment.unknowns.iter().map(|unknown| unknown.rule))
        .map(|rule| (rule.id, rule))
        .collect();

    // The first finding of each instance (no database) and database in the
    // by-place table gets an id the database table and headings link to.
    let mut anchors: std::collections::HashMap<(&str, Option<&str>), String> =
        std::collections::HashMap::new();
    let mut by_place: Vec<Row> = Vec::with_capacity(findings.len());
    for finding in findings {
        let mut row = row(finding);
        let key = (finding.instance.as_str(), finding.database.as_deref());
        if !anchors.contains_key(&key) {
            let anchor = format!("findings-{}", anchors.len() + 1);
            anchors.insert(key, anchor.clone());
            row.anchor = anchor;
        }
        by_place.push(row);
    }
    let outlooks = outlooks(assessment);
    let nothing = Outlook::default();
    let databases_by_instance: Vec<DbRow> = assessment
        .instances
        .iter()
        .flat_map(|instance| {
            let (anchors, outlooks, nothing) = (&anchors, &outlooks, &nothing);
            instance.databases.iter().map(move |db| {
                let key = (instance.name.as_str(), Some(db.name.as_str()));
                DbRow {
                    instance: &instance.name,
                    name: &db.name,
                    verdict: db.verdict.as_str(),
                    score: score(db.score),
                    blocker: db.counts.blocker,
                    prerequisite: db.counts.prerequisite,
                    warning: db.counts.warning,
                    info: db.counts.info,
                    cause: database_cause(db, outlooks.get(&key).unwrap_or(nothing)),
                    anchor: anchors.get(&key).cloned().unwrap_or_default(),
                    verdict_value: db.verdict,
                    score_value: db.score,
                }
            })
        })
        .collect();
    let mut databases_by_verdict = databases_by_instance.clone();
    databases_by_verdict.sort_by_key(|db| std::cmp::Reverse(db.verdict_value));
    let mut databases_by_score = databases_by_instance.clone();
    databases_by_score.sort_by_key(|db| db.score_value);
    let mut databases_by_name = databases_by_instance.clone();
    databases_by_name.sort_by_cached_key(|db| (db.name.to_lowercase(), db.instance.to_lowercase()));
    let target = match (&report.context.target, report.context.target_described) {
        (Some(name), _) => name.clone(),
        (None, true) => "described in linkready.toml, without a name".to_string(),
        (None, false) => "not described ([target] in linkready.toml)".to_string(),
    };

    let page = Page {
        tool: report.tool_name,
        version: report.tool_version,
        assessed_at: report.context.assessed_at.as_deref().unwrap_or("not dated"),
        target,
        given: &report.context.inputs,
        databases_by_instance,
        databases_by_verdict,
        databases_by_score,
        databases_by_name,
        estate_counts: EstateCounts {
            instances: estate.instances.into(),
            databases: estate.databases.into(),
        },
        estate: Estate {
            instances: chart(&estate.instances),
            databases: chart(&estate.databases),
            findings: findings.len(),
            blockers: estate.blockers.iter().map(JsonBlocker::from).collect(),
            not_assessed: estate
                .not_assessed
                .into_iter()
                .map(|n| NotAssessed {
                    instance: n.instance,
                    reasons: n.reasons.join("; "),
                })
                .collect(),
        },
        instances: assessment
            .instances
            .iter()
            .map(|instance| Instance {
                name: &instance.name,
                verdict: instance.verdict.as_str(),
                score: score(instance.score),
                prerequisites_assessed: instance.prerequisites_assessed(),
                errors: &instance.errors,
                databases: instance.databases.len(),
                anchor: anchors
                    .get(&(instance.name.as_str(), None))
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect(),
        by_severity: by_severity.into_iter().map(row).collect(),
        by_rule: by_rule.into_iter().map(row).collect(),
        by_place,
        rules: fired.into_values().map(rule_docs).collect(),
        unknowns: assessment
            .unknowns
            .iter()
            .map(|u| Unknown {
                rule: u.rule.id,
                instance: &u.instance,
                database: u.database.as_deref().unwrap_or(""),
                reason: &u.reason,
                needs: match u.needs {
                    Some(linkready_rules::Needs::Target) => {
                        "needs the target managed instance's description"
                    }
                    Some(linkready_rules::Needs::NetworkResults) => {
                        "needs the network test kit's results"
                    }
                    None => "",
                },
            })
            .collect(),
        suppressed: assessment.suppressed.iter().map(row).collect(),
        config_suppressions: assessment
            .config_suppressions
            .iter()
            .map(|used| {
                let (c, matched) = (&used.entry, used.matched);
                ConfigSuppression {
                    rule: &c.rule,
                    scope: [
                        ("instance", &c.instance),
                        ("database", &c.database),
                        ("object", &c.object),
                    ]
                    .iter()
                    .filter_map(|(key, value)| value.as_ref().map(|v| format!("{key} {v}")))
                    .collect::<Vec<_>>()
                    .join(", "),
                    reason: &c.reason,
                    expires: c.expires.as_deref().unwrap_or(""),
                    expired: c.expired,
                    matched,
                    place: &c.place,
                }
            })
            .collect(),
        inputs: Inputs {
            files: report.files.len(),
            unreadable: report
                .files
                .iter()
                .filter(|f| f.status == FileStatus::Error)
                .map(|f| Unreadable {
                    path: &f.path,
                    error: f.error.as_deref().unwrap_or(""),
                })
                .chain(report.inventories.iter().filter_map(|i| {
                    i.error.as_deref().map(|error| Unreadable {
                        path: &i.path,
                        error,
                    })
                }))
                .collect(),
            inventories: report.inventories.len(),
        },
    };

    let mut handlebars = Handlebars::new();
    handlebars.set_strict_mode(true);
    handlebars.register_partial("finding", FINDING_ROW)?;
    handlebars.register_partial("database", DATABASE_ROW)?;
    handlebars.register_template_string("report", TEMPLATE)?;
    handlebars.render("report", &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_compiles_and_renders_an_empty_report() {
        let report = Report::new(linkready_rules::Assessment::default(), Vec::new());
        let html = render_html(&report).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn chart_segments_fill_the_width() {
        let counts = VerdictCounts {
            ready: 1,
            ready_with_conditions: 1,
            unknown: 0,
            not_ready: 1,
        };
        let chart = chart(&counts);
        assert_eq!(chart.segments.len(), 3);
        let last = chart.segments.last().unwrap();
        assert_eq!(last.x + last.width, CHART_WIDTH);
    }
}
