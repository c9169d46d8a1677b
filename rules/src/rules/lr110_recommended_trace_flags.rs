use crate::model::{Instance, Known};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// Notes when trace flags 1800 and 9567 are not enabled globally.
    ///
    /// # Why it matters for the link
    /// 1800 keeps log I/O aligned when SQL Server's and the managed
    /// instance's log disks have different sector sizes; 9567 compresses the
    /// seeding stream. Both are recommended, not required.
    ///
    /// # Example
    /// `DBCC TRACESTATUS(-1)` lists no 1800.
    ///
    /// # How to fix
    /// Add `-T1800` and `-T9567` to the startup parameters and restart in a
    /// maintenance window (or `DBCC TRACEON (1800, 9567, -1)` until then).
    pub struct RecommendedTraceFlags {
        id: "LR110",
        name: "recommended-trace-flags",
        severity: Info,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [TraceFlags],
        aliases: [],
        summary: "trace flags 1800 and 9567 are not enabled globally",
    }
}

impl Rule for RecommendedTraceFlags {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        match &instance.facts.objects.trace_flags {
            Known::Known(flags) => {
                let missing: Vec<String> = [1800u16, 9567]
                    .iter()
                    .filter(|f| !flags.contains(f))
                    .map(u16::to_string)
                    .collect();
                if !missing.is_empty() {
                    out.finding(
                        &Self::META,
                        instance,
                        None,
                        Some("DBCC TRACESTATUS".to_string()),
                        format!(
                            "recommended trace flag(s) {} not enabled globally",
                            missing.join(", ")
                        ),
                        &instance_origin(instance, "DBCC TRACESTATUS(-1)"),
                    );
                }
            }
            Known::Unknown(reason) => out.unknown(&Self::META, instance, None, reason.clone()),
        }
    }
}
