use crate::model::{Instance, Known};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// Fires when the edition is not Enterprise, Standard or Developer
    /// (Express, Web, Enterprise Evaluation, …).
    ///
    /// # Why it matters for the link
    /// The link needs availability groups, which Express and Web editions do
    /// not have; Evaluation is not a supported edition (and expires after
    /// 180 days).
    ///
    /// # Example
    /// `SERVERPROPERTY('Edition')` = `Express Edition (64-bit)`.
    ///
    /// # How to fix
    /// Upgrade the edition (Standard is enough for one database per link), or
    /// migrate by backup and restore instead.
    pub struct UnsupportedEdition {
        id: "LR103",
        name: "unsupported-edition",
        severity: Blocker,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [ServerProperties],
        aliases: [],
        summary: "the edition has no availability groups",
    }
}

/// `SERVERPROPERTY('Edition')` values (MicrosoftDocs/sql-docs
/// `docs/t-sql/functions/serverproperty-transact-sql.md`): "Enterprise
/// Edition", "Enterprise Edition: Core-based Licensing", "Standard Edition",
/// "Developer Edition" and, from 2025, "Enterprise Developer Edition" /
/// "Standard Developer Edition" are supported; "Enterprise Evaluation
/// Edition" starts like Enterprise but is not (RULES.md LR103, MI-LINK.md §1).
fn is_supported_edition(edition: &str) -> bool {
    let lower = edition.to_ascii_lowercase();
    !lower.contains("evaluation")
        && ["enterprise", "standard", "developer"]
            .iter()
            .any(|supported| lower.starts_with(supported))
}

impl Rule for UnsupportedEdition {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        match &instance.facts.edition {
            Known::Known(edition) => {
                if !is_supported_edition(edition) {
                    out.finding(
                        &Self::META,
                        instance,
                        None,
                        Some("SERVERPROPERTY('Edition')".to_string()),
                        format!("{edition} is not a supported edition for the link; it needs Enterprise, Standard or Developer"),
                        &instance_origin(instance, "SERVERPROPERTY('Edition')"),
                    );
                }
            }
            Known::Unknown(reason) => out.unknown(&Self::META, instance, None, reason.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_supported_edition;

    #[test]
    fn editions_as_serverproperty_spells_them() {
        for supported in [
            "Enterprise Edition (64-bit)",
            "Enterprise Edition: Core-based Licensing (64-bit)",
            "Standard Edition (64-bit)",
            "Developer Edition (64-bit)",
            "Enterprise Developer Edition (64-bit)",
            "Standard Developer Edition (64-bit)",
        ] {
            assert!(is_supported_edition(supported), "{supported}");
        }
        for unsupported in [
            "Enterprise Evaluation Edition (64-bit)",
            "Express Edition (64-bit)",
            "Express Edition with Advanced Services (64-bit)",
            "Web Edition (64-bit)",
            "Azure SQL Edge Developer (64-bit)",
        ] {
            assert!(!is_supported_edition(unsupported), "{unsupported}");
        }
    }
}
