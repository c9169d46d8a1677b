//! Readiness scores (0–100), written down in the README.
//!
//! A database starts at 100 and loses a fixed weight per finding by severity;
//! the result is clamped to 0–100. A database or instance whose verdict is
//! unknown has no score.

use std::collections::BTreeMap;

use linkready_rules::{DatabaseAssessment, Finding, Severity, Verdict};

/// Points a finding costs: by severity, or the rule's own weight
/// (`[scoring]` and `[rules.LRxxx] weight` in linkready.toml).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weights {
    pub blocker: u32,
    pub prerequisite: u32,
    pub warning: u32,
    pub info: u32,
    pub per_rule: BTreeMap<&'static str, u32>,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            blocker: 60,
            prerequisite: 10,
            warning: 3,
            info: 0,
            per_rule: BTreeMap::new(),
        }
    }
}

impl Weights {
    pub fn for_severity(&self, severity: Severity) -> u32 {
        match severity {
            Severity::Blocker => self.blocker,
            Severity::Prerequisite => self.prerequisite,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }

    pub fn cost(&self, finding: &Finding) -> u32 {
        self.per_rule
            .get(finding.rule.id)
            .copied()
            .unwrap_or_else(|| self.for_severity(finding.severity))
    }

    /// Points lost to these findings.
    pub fn lost<'a>(&self, findings: impl IntoIterator<Item = &'a Finding>) -> u32 {
        findings
            .into_iter()
            .map(|finding| self.cost(finding))
            .fold(0u32, u32::saturating_add)
    }
}

fn points(lost: u32) -> u8 {
    u8::try_from(100u32.saturating_sub(lost)).unwrap_or(0)
}

/// The score of a database from the points its findings cost; None when
/// its verdict is unknown.
pub fn database_score(verdict: Verdict, lost: u32) -> Option<u8> {
    (verdict != Verdict::Unknown).then(|| points(lost))
}

/// The instance's own score (its instance-level findings), capped by its
/// worst database; None when its verdict is unknown.
pub fn instance_score(
    verdict: Verdict,
    own_lost: u32,
    databases: &[DatabaseAssessment],
) -> Option<u8> {
    if verdict == Verdict::Unknown {
        return None;
    }
    let worst_database = databases
        .iter()
        .filter_map(|db| db.score)
        .min()
        .unwrap_or(100);
    Some(points(own_lost).min(worst_database))
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkready_rules::SeverityCounts;

    /// Points lost with the default weights.
    fn lost(counts: &SeverityCounts) -> u32 {
        let weights = Weights::default();
        [
            (counts.blocker, Severity::Blocker),
            (counts.prerequisite, Severity::Prerequisite),
            (counts.warning, Severity::Warning),
            (counts.info, Severity::Info),
        ]
        .iter()
        .map(|&(count, severity)| count as u32 * weights.for_severity(severity))
        .sum()
    }

    #[test]
    fn weights_and_clamping() {
        let counts = SeverityCounts {
            blocker: 0,
            prerequisite: 2,
            warning: 3,
            info: 9,
        };
        assert_eq!(
            database_score(Verdict::ReadyWithConditions, lost(&counts)),
            Some(71)
        );
        let many = SeverityCounts {
            blocker: 3,
            ..SeverityCounts::default()
        };
        assert_eq!(database_score(Verdict::NotReady, lost(&many)), Some(0));
        assert_eq!(database_score(Verdict::Unknown, lost(&counts)), None);
        assert_eq!(database_score(Verdict::Ready, 0), Some(100));
    }

    fn database(verdict: Verdict, score: Option<u8>) -> DatabaseAssessment {
        DatabaseAssessment {
            name: "db".to_string(),
            verdict,
            score,
            counts: SeverityCounts::default(),
        }
    }

    #[test]
    fn an_instance_without_databases_scores_its_own_findings() {
        let own = SeverityCounts {
            prerequisite: 1,
            ..SeverityCounts::default()
        };
        assert_eq!(
            instance_score(Verdict::ReadyWithConditions, lost(&own), &[]),
            Some(90)
        );
        assert_eq!(instance_score(Verdict::Ready, 0, &[]), Some(100));
    }

    #[test]
    fn unknown_databases_do_not_count_as_perfect_or_zero() {
        // All databases unknown: the instance is unknown too (worst verdict)
        // and has no score.
        let all_unknown = [
            database(Verdict::Unknown, None),
            database(Verdict::Unknown, None),
        ];
        assert_eq!(instance_score(Verdict::Unknown, 0, &all_unknown), None);
        // One unknown beside a scored one: only the scored one caps.
        let mixed = [
            database(Verdict::Unknown, None),
            database(Verdict::ReadyWithConditions, Some(97)),
        ];
        assert_eq!(instance_score(Verdict::Unknown, 0, &mixed), None);
        assert_eq!(
            instance_score(Verdict::ReadyWithConditions, 0, &mixed[1..]),
            Some(97)
        );
    }

    #[test]
    fn blockers_only_at_instance_level() {
        let own = SeverityCounts {
            blocker: 1,
            ..SeverityCounts::default()
        };
        let ready = [database(Verdict::Ready, Some(100))];
        assert_eq!(
            instance_score(Verdict::NotReady, lost(&own), &ready),
            Some(40)
        );
        // The database itself keeps its own score.
        assert_eq!(database_score(Verdict::Ready, 0), Some(100));
        let two = SeverityCounts {
            blocker: 2,
            ..SeverityCounts::default()
        };
        assert_eq!(
            instance_score(Verdict::NotReady, lost(&two), &ready),
            Some(0)
        );
    }
}
