use crate::finding::Severity;
use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta};

crate::declare_rule! {
    /// # What it does
    /// Fires when a database is already in an availability group: a blocker
    /// when the group holds other databases or is distributed (or
    /// contained); info when it is the group's only database (that group can
    /// be reused for the link).
    ///
    /// # Why it matters for the link
    /// The link builds a distributed availability group on top of an
    /// availability group with exactly one database.
    ///
    /// # Example
    /// `Sales` is in `AG_Prod` with `Billing` and `Crm`.
    ///
    /// # How to fix
    /// Move the database to an availability group of its own (remove it from
    /// the shared one), or use the link's multiple-database mode when it is
    /// generally available.
    pub struct AvailabilityGroupMembership {
        id: "LR207",
        name: "availability-group-membership",
        severity: Blocker,
        scope: Database,
        sources: [Live, Inventory],
        reads: [AvailabilityGroups],
        aliases: [],
        summary: "the database is in an availability group the link cannot use",
    }
}

impl Rule for AvailabilityGroupMembership {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for database in &instance.databases {
            let Some(membership) = &database.facts.availability_group else {
                continue;
            };
            let value = &membership.value;
            let (severity, message) = if value.distributed {
                (
                    Severity::Blocker,
                    format!("in distributed availability group {}", value.group),
                )
            } else if value.contained {
                (
                    Severity::Blocker,
                    format!(
                        "in contained availability group {}, which the link cannot use",
                        value.group
                    ),
                )
            } else if value.databases_in_group > 1 {
                (
                    Severity::Blocker,
                    format!(
                        "in availability group {} with {} other database(s); the link needs a group of one",
                        value.group,
                        value.databases_in_group - 1
                    ),
                )
            } else {
                (
                    Severity::Info,
                    format!(
                        "sole database of availability group {}, which the link can reuse",
                        value.group
                    ),
                )
            };
            out.finding_with_severity(
                &Self::META,
                severity,
                instance,
                Some(&database.name),
                Some(value.group.clone()),
                message,
                &membership.origin,
            );
        }
    }
}
