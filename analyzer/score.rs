//! Readiness scores (0–100), written down in the README.
//!
//! The verdict chooses a band — ready 90–100, ready-with-conditions 50–89,
//! not-ready 0–49 — so every ready database scores above every
//! ready-with-conditions one, which scores above every not-ready one. Inside
//! its band a score falls with the points its findings cost (a fixed weight
//! per severity, or the rule's own): 0 points is the top of the band, 100 or
//! more the bottom. A database or instance whose verdict is unknown has no
//! score.

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

/// The lowest and highest score of a verdict's band.
pub fn band(verdict: Verdict) -> Option<(u8, u8)> {
    match verdict {
        Verdict::Ready => Some((90, 100)),
        Verdict::ReadyWithConditions => Some((50, 89)),
        Verdict::NotReady => Some((0, 49)),
        Verdict::Unknown => None,
    }
}

/// The score within the verdict's band for the points lost.
fn points(verdict: Verdict, lost: u32) -> Option<u8> {
    let (low, high) = band(verdict)?;
    let kept = 100 - lost.min(100);
    let span = u32::from(high - low);
    let score = u32::from(low) + (kept * span) / 100;
    Some(u8::try_from(score).unwrap_or(high))
}

/// The score of a database from the points its findings (its own and
/// those it inherits from its instance) cost; None when its verdict is
/// unknown.
pub fn database_score(verdict: Verdict, lost: u32) -> Option<u8> {
    points(verdict, lost)
}

/// The instance's score: its own findings within its verdict's band,
/// capped by its worst database; None when its verdict is unknown.
pub fn instance_score(
    verdict: Verdict,
    own_lost: u32,
    databases: &[DatabaseAssessment],
) -> Option<u8> {
    let own = points(verdict, own_lost)?;
    let worst_database = databases.iter().filter_map(|db| db.score).min();
    Some(worst_database.map_or(own, |worst| own.min(worst)))
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
    fn weights_move_a_score_within_its_band() {
        let counts = SeverityCounts {
            blocker: 0,
            prerequisite: 2,
            warning: 3,
            info: 9,
        };
        // 29 points lost: 71 % of the ready-with-conditions band.
        assert_eq!(
            database_score(Verdict::ReadyWithConditions, lost(&counts)),
            Some(77)
        );
        let many = SeverityCounts {
            blocker: 3,
            ..SeverityCounts::default()
        };
        assert_eq!(database_score(Verdict::NotReady, lost(&many)), Some(0));
        assert_eq!(database_score(Verdict::Unknown, lost(&counts)), None);
        assert_eq!(database_score(Verdict::Ready, 0), Some(100));
        assert_eq!(database_score(Verdict::NotReady, 0), Some(49));
    }

    #[test]
    fn every_ready_scores_above_every_condition_above_every_not_ready() {
        // Whatever the weights, the bands do not overlap.
        for lost in [0u32, 1, 3, 10, 59, 60, 99, 100, 1000, u32::MAX] {
            let ready = database_score(Verdict::Ready, lost).unwrap();
            let conditions = database_score(Verdict::ReadyWithConditions, lost).unwrap();
            let not_ready = database_score(Verdict::NotReady, lost).unwrap();
            assert!((90..=100).contains(&ready), "{lost}: {ready}");
            assert!((50..=89).contains(&conditions), "{lost}: {conditions}");
            assert!(not_ready <= 49, "{lost}: {not_ready}");
        }
        assert!(
            database_score(Verdict::Ready, u32::MAX)
                > database_score(Verdict::ReadyWithConditions, 0)
        );
        assert!(
            database_score(Verdict::ReadyWithConditions, u32::MAX)
                > database_score(Verdict::NotReady, 0)
        );
    }

    fn database(verdict: Verdict, score: Option<u8>) -> DatabaseAssessment {
        DatabaseAssessment {
            name: "db".to_string(),
            verdict,
            score,
            counts: SeverityCounts::default(),
            inherited: Vec::new(),
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
            Some(85)
        );
        assert_eq!(instance_score(Verdict::Ready, 0, &[]), Some(100));
    }

    #[test]
    fn unknown_databases_do_not_count_as_perfect_or_zero() {
        let all_unknown = [
            database(Verdict::Unknown, None),
            database(Verdict::Unknown, None),
        ];
        assert_eq!(instance_score(Verdict::Unknown, 0, &all_unknown), None);
        let mixed = [
            database(Verdict::Unknown, None),
            database(Verdict::ReadyWithConditions, Some(87)),
        ];
        assert_eq!(instance_score(Verdict::Unknown, 0, &mixed), None);
        assert_eq!(
            instance_score(Verdict::ReadyWithConditions, 0, &mixed[1..]),
            Some(87)
        );
    }

    #[test]
    fn an_instance_scores_no_higher_than_its_worst_database() {
        let own = SeverityCounts {
            blocker: 1,
            ..SeverityCounts::default()
        };
        let not_ready = [database(Verdict::NotReady, Some(19))];
        assert_eq!(
            instance_score(Verdict::NotReady, lost(&own), &not_ready),
            Some(19)
        );
        let two = SeverityCounts {
            blocker: 2,
            ..SeverityCounts::default()
        };
        assert_eq!(
            instance_score(Verdict::NotReady, lost(&two), &not_ready),
            Some(0)
        );
    }
}
