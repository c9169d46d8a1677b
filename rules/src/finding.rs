//! What rules produce: findings with their evidence, and rules that could not
//! decide because a fact was unknown.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::model::Origin;
use crate::rule::RuleMeta;

/// How much a finding matters for the link (RULES.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Prerequisite,
    Blocker,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Blocker,
        Severity::Prerequisite,
        Severity::Warning,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Prerequisite => "prerequisite",
            Severity::Blocker => "blocker",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found, with the evidence that shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    /// The effective severity (a rule may lower or raise its default, e.g. LR205 by tier).
    pub severity: Severity,
    pub instance: String,
    /// None for instance-level findings and for script constructs outside any database.
    pub database: Option<String>,
    /// The object concerned (table, filegroup, file, setting), when there is one.
    pub object: Option<String>,
    pub message: String,
    pub origin: Origin,
    /// Why the finding is suppressed (a comment in the script, or a
    /// linkready.toml entry), for findings in `Assessment::suppressed`.
    pub suppressed_by: Option<String>,
}

/// A rule that needed a fact which could not be collected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleUnknown {
    pub rule: &'static RuleMeta,
    pub instance: String,
    pub database: Option<String>,
    pub reason: String,
    /// The rule needs something the user supplies besides the source's
    /// facts (see `needs`): it does not make the verdict unknown.
    pub needs_target: bool,
    /// What it needs, when `needs_target`.
    pub needs: Option<Needs>,
}

/// What a rule waits for besides the source's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Needs {
    /// The target managed instance's description (linkready.toml `[target]`).
    Target,
    /// The network test kit's results (`--network-results`).
    NetworkResults,
}

impl Needs {
    pub fn as_str(self) -> &'static str {
        match self {
            Needs::Target => "target",
            Needs::NetworkResults => "network-results",
        }
    }
}

/// Whether a suppression comment covers one line or the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionScope {
    /// `… -- linkready: ignore LR301` after code: that line.
    Line,
    /// `-- linkready: ignore LR301` alone on its line: the line below.
    NextLine,
    /// `-- linkready: ignore-file LR301`: every line of the file.
    File,
}

/// A `-- linkready: ignore …` comment in a script, for one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// The rule as written (ID or name).
    pub rule: String,
    pub scope: SuppressionScope,
}

/// How `Finding::suppressed_by` names a suppression comment (a linkready.toml
/// entry is named by its file and line instead).
const COMMENT_SUPPRESSION: &str = "-- linkready: ignore at ";

impl Finding {
    /// Whether a comment in the analysed source suppressed it (not linkready.toml).
    pub fn suppressed_in_source(&self) -> bool {
        self.suppressed_by
            .as_deref()
            .is_some_and(|by| by.starts_with(COMMENT_SUPPRESSION))
    }
}

impl Suppression {
    /// What a finding it suppresses says in `suppressed_by`.
    pub fn describe(&self) -> String {
        format!("{COMMENT_SUPPRESSION}{}:{}", self.path, self.line)
    }

    /// Whether this suppression covers the finding.
    pub fn covers(&self, finding: &Finding) -> bool {
        let crate::model::Origin::Script { path, line, .. } = &finding.origin else {
            return false;
        };
        let names_rule = self.rule.eq_ignore_ascii_case(finding.rule.id)
            || self.rule.eq_ignore_ascii_case(finding.rule.name);
        names_rule
            && *path == self.path
            && match self.scope {
                SuppressionScope::File => true,
                SuppressionScope::Line => *line == self.line,
                SuppressionScope::NextLine => *line == self.line + 1,
            }
    }
}

/// A linkready.toml `[[suppress]]` entry (parsed at the CLI edge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSuppression {
    /// Rule ID or name, or a glob over them.
    pub rule: String,
    pub instance: Option<String>,
    pub database: Option<String>,
    pub object: Option<String>,
    pub reason: String,
    /// `YYYY-MM-DD`; the suppression stops on that day.
    pub expires: Option<String>,
    /// Past its date: it no longer suppresses (what it would match is reported).
    pub expired: bool,
    /// Where it is written (file:line).
    pub place: String,
}

impl ConfigSuppression {
    /// Whether this entry covers the finding (ignoring expiry).
    pub fn matches(&self, finding: &Finding) -> bool {
        let rule =
            glob_match(&self.rule, finding.rule.id) || glob_match(&self.rule, finding.rule.name);
        let optional = |pattern: &Option<String>, value: Option<&str>| match pattern {
            None => true,
            Some(pattern) => glob_match(pattern, value.unwrap_or("")),
        };
        rule && optional(&self.instance, Some(&finding.instance))
            && optional(&self.database, finding.database.as_deref())
            && optional(&self.object, finding.object.as_deref())
    }
}

/// `*` any run of characters, `?` one; letters compare without case (SQL
/// Server names usually do).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("LR3*", "LR301"));
        assert!(glob_match("sales_*", "Sales_EU"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("*", ""));
        assert!(glob_match("*x*y", "axbxy"));
        assert!(!glob_match("LR30?", "LR3010"));
    }
}
