use crate::model::{Instance, Known};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// Fires when the edition is not Enterprise, Standard or Developer
    /// (Express, Web, Evaluation, …).
    ///
    /// # Why it matters for the link
    /// The link needs availability groups, which Express and Web editions do
    /// not have.
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
        aliases: [],
        summary: "the edition has no availability groups",
    }
}

impl Rule for UnsupportedEdition {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        match &instance.facts.edition {
            Known::Known(edition) => {
                let lower = edition.to_ascii_lowercase();
                if !["enterprise", "standard", "developer"]
                    .iter()
                    .any(|e| lower.starts_with(e))
                {
                    out.finding(
                        &Self::META,
                        instance,
                        None,
                        Some("SERVERPROPERTY('Edition')".to_string()),
                        format!("{edition} has no availability groups; the link needs Enterprise, Standard or Developer"),
                        &instance_origin(instance, "SERVERPROPERTY('Edition')"),
                    );
                }
            }
            Known::Unknown(reason) => out.unknown(&Self::META, instance, None, reason.clone()),
        }
    }
}
