//! `linkready status`: the links that exist and their verdicts, as a
//! table, JSON (`linkready_status: 1`), one HTML page, or SARIF. Every
//! name and message comes from a server: escaped for where it goes.

use serde::Serialize;

use linkready_rules::link_status::{
    DatabaseStatus, InstanceStatus, LinkHealth, LinkStatus, StatusPolicy,
};

use crate::table::{new_table, safe};

/// Bumped on any incompatible change to the status JSON layout.
pub const STATUS_SCHEMA_VERSION: u32 = 1;

/// What `status` found, ready to render.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub linkready_status: u32,
    pub tool_version: &'static str,
    /// UTC, ISO 8601 (SOURCE_DATE_EPOCH fixes it).
    pub assessed_at: String,
    pub policy: StatusPolicy,
    pub summary: StatusSummary,
    /// One entry per instance read (its links, or why they are unknown).
    pub instances: Vec<InstanceStatus>,
    /// Inputs that could not be used (an inventory that is not one).
    pub input_errors: Vec<String>,
}

/// Counts of links by verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatusSummary {
    pub links: usize,
    pub healthy: usize,
    pub degraded: usize,
    pub broken: usize,
    pub unknown: usize,
    /// Instances whose links could not be read.
    pub instances_unknown: usize,
}

impl StatusReport {
    pub fn new(
        assessed_at: String,
        policy: StatusPolicy,
        instances: Vec<InstanceStatus>,
        input_errors: Vec<String>,
    ) -> StatusReport {
        let mut summary = StatusSummary::default();
        for instance in &instances {
            if instance.unknown.is_some() {
                summary.instances_unknown += 1;
            }
            for link in &instance.links {
                summary.links += 1;
                match link.health {
                    LinkHealth::Healthy => summary.healthy += 1,
                    LinkHealth::Degraded => summary.degraded += 1,
                    LinkHealth::Broken => summary.broken += 1,
                    LinkHealth::Unknown => summary.unknown += 1,
                }
            }
        }
        StatusReport {
            linkready_status: STATUS_SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION"),
            assessed_at,
            policy,
            summary,
            instances,
            input_errors,
        }
    }

    /// Whether anything is not healthy: a link degraded, broken or
    /// unknown, or an instance whose links could not be read.
    pub fn needs_attention(&self) -> bool {
        let s = &self.summary;
        s.degraded + s.broken + s.unknown + s.instances_unknown > 0
    }

    fn links(&self) -> impl Iterator<Item = &LinkStatus> {
        self.instances.iter().flat_map(|i| i.links.iter())
    }
}

/// One line: what a person reads first.
pub fn status_summary_line(report: &StatusReport) -> String {
    let s = &report.summary;
    let mut line = format!(
        "{} link{}: {} healthy, {} degraded, {} broken, {} unknown",
        s.links,
        if s.links == 1 { "" } else { "s" },
        s.healthy,
        s.degraded,
        s.broken,
        s.unknown
    );
    if s.instances_unknown > 0 {
        line.push_str(&format!(
            "; links not readable on {} instance{}",
            s.instances_unknown,
            if s.instances_unknown == 1 { "" } else { "s" }
        ));
    }
    line
}

fn symbol(health: LinkHealth) -> &'static str {
    match health {
        LinkHealth::Healthy => "✓ healthy",
        LinkHealth::Degraded => "! degraded",
        LinkHealth::Broken => "✗ broken",
        LinkHealth::Unknown => "? unknown",
    }
}

/// A database's state, with the seeding's progress while it runs.
fn state_text(database: &DatabaseStatus) -> String {
    match database.seeding_percent {
        Some(percent) => format!("{} {percent}%", database.state),
        None => database.state.clone(),
    }
}

fn number(value: Option<i64>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// The first reason that decides the verdict (or the first note).
fn top_reason(link: &LinkStatus) -> String {
    link.reasons
        .iter()
        .filter(|r| r.health == link.health)
        .map(|r| r.text.clone())
        .next()
        .or_else(|| link.reasons.first().map(|r| r.text.clone()))
        .unwrap_or_else(|| "connected and synchronizing".to_string())
}

/// The table: links, then their databases, then every reason.
pub fn render_status_table(report: &StatusReport, width: Option<u16>) -> String {
    let mut out = String::new();
    out.push_str(&status_summary_line(report));
    out.push('\n');
    if report.summary.links > 0 {
        let mut table = new_table(
            width,
            &["Instance", "Link", "Verdict", "Role here", "Partner", "Why"],
        );
        for link in report.links() {
            table.add_row(vec![
                safe(&link.instance),
                safe(&link.link),
                symbol(link.health).to_string(),
                safe(link.local_role.as_deref().unwrap_or("-")),
                safe(link.partner_member.as_deref().unwrap_or("-")),
                safe(&top_reason(link)),
            ]);
        }
        out.push_str(&table.to_string());
        out.push('\n');
        let mut databases = new_table(
            width,
            &[
                "Instance",
                "Link",
                "Database",
                "State",
                "Lag (s)",
                "Send queue (KB)",
                "Redo queue (KB)",
                "Log backups 1 day",
            ],
        );
        for link in report.links() {
            for database in &link.databases {
                databases.add_row(vec![
                    safe(&link.instance),
                    safe(&link.link),
                    safe(&database.database),
                    safe(&state_text(database)),
                    number(database.secondary_lag_seconds),
                    number(database.log_send_queue_kb),
                    number(database.redo_queue_kb),
                    database
                        .log_backups_last_day
                        .map_or_else(|| "-".to_string(), |n| n.to_string()),
                ]);
            }
        }
        out.push_str(&databases.to_string());
        out.push('\n');
        for link in report.links() {
            if link.reasons.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "\n{} on {}: {}\n",
                safe(&link.link),
                safe(&link.instance),
                link.health.as_str()
            ));
            for reason in &link.reasons {
                out.push_str(&format!(
                    "  [{}] {} (source: {})\n",
                    reason.health.as_str(),
                    safe(&reason.text),
                    reason.source
                ));
            }
        }
    }
    for instance in &report.instances {
        if let Some(reason) = &instance.unknown {
            out.push_str(&format!(
                "\n{}: links not read: {}\n",
                safe(&instance.instance),
                safe(reason)
            ));
        } else if instance.links.is_empty() {
            out.push_str(&format!(
                "\n{}: no link (no distributed availability group toward a managed instance)\n",
                safe(&instance.instance)
            ));
        }
    }
    for error in &report.input_errors {
        out.push_str(&format!("\nnot assessed: {}\n", safe(error)));
    }
    out.push_str(&format!(
        "\nLimits: lag over {} s and an endpoint certificate within {} days are degraded (linkready's defaults: --max-lag, [rules.LR109] expiry_days).\n",
        report.policy.max_lag_seconds, report.policy.certificate_expiry_days
    ));
    out
}

/// The report as JSON (`linkready_status: 1`).
pub fn render_status_json(report: &StatusReport) -> String {
    let mut text = serde_json::to_string_pretty(report)
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"));
    text.push('\n');
    text
}

/// Escaped for HTML, control characters shown as visible escapes (a C0
/// control is not allowed in an HTML document).
fn html(text: &str) -> String {
    handlebars::html_escape(&crate::terminal_text(text))
}

/// One self-contained page (no script, nothing from the network).
pub fn render_status_html(report: &StatusReport) -> String {
    let mut page = crate::page::page_start(
        "linkready status",
        ".broken{color:#a4262c;font-weight:600}.degraded{color:#8a5300;font-weight:600}\
         .unknown{color:#5c2e91;font-weight:600}.healthy{color:#107c10;font-weight:600}\
         td.n{text-align:right}td code{overflow-wrap:anywhere;font-size:.85em}",
    );
    page.push_str(&format!(
        "<h1>linkready status</h1>\n<p>Assessed {} by linkready {}</p>\n<p>{}</p>\n",
        html(&report.assessed_at),
        html(report.tool_version),
        html(&status_summary_line(report))
    ));
    if report.summary.links > 0 {
        page.push_str("<table><thead><tr><th>Instance</th><th>Link</th><th>Verdict</th><th>Role here</th><th>Partner</th><th>Database</th><th>State</th><th>Lag (s)</th><th>Send queue (KB)</th><th>Redo queue (KB)</th></tr></thead><tbody>\n");
        for link in report.links() {
            let rows = link.databases.len().max(1);
            let first = format!(
                "<td rowspan=\"{rows}\">{}</td><td rowspan=\"{rows}\">{}</td><td rowspan=\"{rows}\" class=\"{}\">{}</td><td rowspan=\"{rows}\">{}</td><td rowspan=\"{rows}\">{}<br><code>{}</code></td>",
                html(&link.instance),
                html(&link.link),
                link.health.as_str(),
                link.health.as_str(),
                html(link.local_role.as_deref().unwrap_or("-")),
                html(link.partner_member.as_deref().unwrap_or("-")),
                html(link.partner_endpoint.as_deref().unwrap_or("")),
            );
            if link.databases.is_empty() {
                page.push_str(&format!("<tr>{first}<td colspan=\"5\">-</td></tr>\n"));
            }
            for (index, database) in link.databases.iter().enumerate() {
                page.push_str(&format!(
                    "<tr>{}<td>{}</td><td class=\"{}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
                    if index == 0 { first.as_str() } else { "" },
                    html(&database.database),
                    database.health.as_str(),
                    html(&state_text(database)),
                    number(database.secondary_lag_seconds),
                    number(database.log_send_queue_kb),
                    number(database.redo_queue_kb),
                ));
            }
        }
        page.push_str("</tbody></table>\n<h2>Why</h2>\n");
        for link in report.links() {
            page.push_str(&format!(
                "<h3>{} on {}: <span class=\"{}\">{}</span></h3>\n<ul>\n",
                html(&link.link),
                html(&link.instance),
                link.health.as_str(),
                link.health.as_str()
            ));
            if link.reasons.is_empty() {
                page.push_str("<li>connected and synchronizing</li>\n");
            }
            for reason in &link.reasons {
                page.push_str(&format!(
                    "<li><span class=\"{}\">{}</span> {} <small>(source: <code>{}</code>)</small></li>\n",
                    reason.health.as_str(),
                    reason.health.as_str(),
                    html(&reason.text),
                    html(reason.source)
                ));
            }
            page.push_str("</ul>\n");
        }
    }
    let quiet: Vec<&InstanceStatus> = report
        .instances
        .iter()
        .filter(|i| i.unknown.is_some() || i.links.is_empty())
        .collect();
    if !quiet.is_empty() || !report.input_errors.is_empty() {
        page.push_str("<h2>Instances without a link</h2>\n<ul>\n");
        for instance in quiet {
            page.push_str(&format!(
                "<li>{}: {}</li>\n",
                html(&instance.instance),
                html(
                    instance
                        .unknown
                        .as_deref()
                        .map(|r| format!("links not read: {r}"))
                        .as_deref()
                        .unwrap_or("no link")
                )
            ));
        }
        for error in &report.input_errors {
            page.push_str(&format!("<li>not assessed: {}</li>\n", html(error)));
        }
        page.push_str("</ul>\n");
    }
    page.push_str("</body></html>\n");
    page
}

/// SARIF 2.1.0: one result per link that is not healthy, and per instance
/// whose links could not be read; located by a logical location
/// (`instance/link`), since a link lives on a server, not in a file.
pub fn render_status_sarif(report: &StatusReport) -> String {
    let rule = |id: &str, text: &str| {
        serde_json::json!({
            "id": id,
            "name": id,
            "shortDescription": {"text": text},
        })
    };
    let mut results = Vec::new();
    for link in report.links() {
        let (rule_id, level) = match link.health {
            LinkHealth::Healthy => continue,
            LinkHealth::Broken => ("link-broken", "error"),
            LinkHealth::Degraded => ("link-degraded", "warning"),
            LinkHealth::Unknown => ("link-unknown", "note"),
        };
        let reasons: Vec<&str> = link
            .reasons
            .iter()
            .filter(|r| r.health != LinkHealth::Healthy)
            .map(|r| r.text.as_str())
            .collect();
        let name = format!("{}/{}", link.instance, link.link);
        results.push(serde_json::json!({
            "ruleId": rule_id,
            "level": level,
            "message": {"text": crate::terminal_text(&format!("{}: {}", name, reasons.join("; "))).into_owned()},
            "locations": [{"logicalLocations": [{"fullyQualifiedName": name, "kind": "resource"}]}],
            "partialFingerprints": {"linkreadyLink/v1": crate::fingerprint::finding_fingerprint(
                [rule_id, &link.instance, &link.link, "", ""], 0)},
            "properties": {"reasons": link.reasons.iter().map(|r| serde_json::json!({
                "health": r.health, "key": r.key, "text": r.text, "source": r.source})).collect::<Vec<_>>()},
        }));
    }
    for instance in &report.instances {
        if let Some(reason) = &instance.unknown {
            results.push(serde_json::json!({
                "ruleId": "link-unknown",
                "level": "note",
                "message": {"text": crate::terminal_text(&format!("{}: links not read: {reason}", instance.instance)).into_owned()},
                "locations": [{"logicalLocations": [{"fullyQualifiedName": instance.instance, "kind": "resource"}]}],
            }));
        }
    }
    let sarif = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "linkready",
                "version": report.tool_version,
                "rules": [
                    rule("link-broken", "A link is broken: not connected, not synchronizing, seeding failed or cancelled, split brain, or an expired certificate"),
                    rule("link-degraded", "A link is degraded: lagging, a certificate about to expire, log backups during seeding, trace flag 12381 left on"),
                    rule("link-unknown", "A link's state could not be read"),
                ],
            }},
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    text.push('\n');
    text
}
