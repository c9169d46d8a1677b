//! Findings' fingerprints: SARIF's `partialFingerprints["linkreadFinding/v1"]`,
//! the JSON report's `fingerprint`, and what `linkready diff` matches
//! findings by. One computation for all three.

use linkready_rules::{Finding, Origin};

/// FNV-1a, 64 bits: stable across runs, platforms and Rust versions (the
/// standard hasher promises none of that).
fn fnv1a(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &byte in part.as_bytes().iter().chain(std::iter::once(&0x1f)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The fingerprint of each finding, then of each suppressed one, in
/// report order: SARIF's `partialFingerprints["linkreadFinding/v1"]`, the JSON report's
/// `fingerprint`, and what `linkready diff` matches findings by. Findings
/// are sorted by place, so the n-th finding with the same key keeps its
/// rank while lines move.
pub(crate) fn fingerprints(assessment: &linkready_rules::Assessment) -> Vec<String> {
    let mut seen: std::collections::HashMap<[&str; 5], usize> = std::collections::HashMap::new();
    assessment
        .findings
        .iter()
        .chain(assessment.suppressed.iter())
        .map(|finding| {
            let key = fingerprint_key(finding);
            let occurrence = seen.entry(key).or_insert(0);
            *occurrence += 1;
            finding_fingerprint(key, *occurrence)
        })
        .collect()
}

/// A finding's fingerprint from its key (rule ID, instance, database,
/// object, script path without a leading `./`; empty when absent) and its
/// rank among the findings with that key (from 1).
pub fn finding_fingerprint(key: [&str; 5], rank: usize) -> String {
    let rank = rank.to_string();
    fnv1a(&[key[0], key[1], key[2], key[3], key[4], &rank])
}

fn fingerprint_key(finding: &Finding) -> [&str; 5] {
    let path = match &finding.origin {
        Origin::Script { path, .. } => path.strip_prefix("./").unwrap_or(path),
        _ => "",
    };
    [
        finding.rule.id,
        &finding.instance,
        finding.database.as_deref().unwrap_or(""),
        finding.object.as_deref().unwrap_or(""),
        path,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_separate_parts() {
        assert_eq!(fnv1a(&["LR202", "x"]), fnv1a(&["LR202", "x"]));
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
        // Fixed value (FNV-1a of the separator byte 0x1f, computed apart):
        // changing the hash would reopen every alert.
        assert_eq!(fnv1a(&[""]), "af63d24c8601db8e");
    }
}
