//! Readiness scores (0–100), written down in the README.
//!
//! A database starts at 100 and loses a fixed weight per finding by severity;
//! the result is clamped to 0–100. A database or instance whose verdict is
//! unknown has no score.

use linkready_rules::{DatabaseAssessment, SeverityCounts, Verdict};

/// Points lost per finding, by severity.
pub const BLOCKER_WEIGHT: u32 = 60;
pub const PREREQUISITE_WEIGHT: u32 = 10;
pub const WARNING_WEIGHT: u32 = 3;
pub const INFO_WEIGHT: u32 = 0;

fn points(counts: &SeverityCounts) -> u8 {
    let lost = [
        (counts.blocker, BLOCKER_WEIGHT),
        (counts.prerequisite, PREREQUISITE_WEIGHT),
        (counts.warning, WARNING_WEIGHT),
        (counts.info, INFO_WEIGHT),
    ]
    .iter()
    .map(|&(count, weight)| {
        u32::try_from(count)
            .unwrap_or(u32::MAX)
            .saturating_mul(weight)
    })
    .fold(0u32, u32::saturating_add);
    u8::try_from(100u32.saturating_sub(lost)).unwrap_or(0)
}

/// The score of a database from its findings; None when its verdict is unknown.
pub fn database_score(verdict: Verdict, counts: &SeverityCounts) -> Option<u8> {
    (verdict != Verdict::Unknown).then(|| points(counts))
}

/// The instance's own score (its instance-level findings), capped by its
/// worst database; None when its verdict is unknown.
pub fn instance_score(
    verdict: Verdict,
    own: &SeverityCounts,
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
    Some(points(own).min(worst_database))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_and_clamping() {
        let counts = SeverityCounts {
            blocker: 0,
            prerequisite: 2,
            warning: 3,
            info: 9,
        };
        assert_eq!(
            database_score(Verdict::ReadyWithConditions, &counts),
            Some(71)
        );
        let many = SeverityCounts {
            blocker: 3,
            ..SeverityCounts::default()
        };
        assert_eq!(database_score(Verdict::NotReady, &many), Some(0));
        assert_eq!(database_score(Verdict::Unknown, &counts), None);
        assert_eq!(
            database_score(Verdict::Ready, &SeverityCounts::default()),
            Some(100)
        );
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
            instance_score(Verdict::ReadyWithConditions, &own, &[]),
            Some(90)
        );
        assert_eq!(
            instance_score(Verdict::Ready, &SeverityCounts::default(), &[]),
            Some(100)
        );
    }

    #[test]
    fn unknown_databases_do_not_count_as_perfect_or_zero() {
        // All databases unknown: the instance is unknown too (worst verdict)
        // and has no score.
        let all_unknown = [
            database(Verdict::Unknown, None),
            database(Verdict::Unknown, None),
        ];
        assert_eq!(
            instance_score(Verdict::Unknown, &SeverityCounts::default(), &all_unknown),
            None
        );
        // One unknown beside a scored one: only the scored one caps.
        let mixed = [
            database(Verdict::Unknown, None),
            database(Verdict::ReadyWithConditions, Some(97)),
        ];
        assert_eq!(
            instance_score(Verdict::Unknown, &SeverityCounts::default(), &mixed),
            None
        );
        assert_eq!(
            instance_score(
                Verdict::ReadyWithConditions,
                &SeverityCounts::default(),
                &mixed[1..]
            ),
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
        assert_eq!(instance_score(Verdict::NotReady, &own, &ready), Some(40));
        // The database itself keeps its own score.
        assert_eq!(
            database_score(Verdict::Ready, &SeverityCounts::default()),
            Some(100)
        );
        let two = SeverityCounts {
            blocker: 2,
            ..SeverityCounts::default()
        };
        assert_eq!(instance_score(Verdict::NotReady, &two, &ready), Some(0));
    }
}
