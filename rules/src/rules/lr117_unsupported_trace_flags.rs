use crate::model::{Instance, Known};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// Notes global trace flags that Azure SQL Managed Instance does not
    /// support (the link's own 1800, 9567 and 12381 aside).
    ///
    /// # Why it matters for the link
    /// After failover the managed instance runs without them: behaviour that
    /// depends on them (cardinality estimation, lock escalation, …) changes.
    ///
    /// # Example
    /// `DBCC TRACESTATUS(-1)` lists 1118 and 4199.
    ///
    /// # How to fix
    /// Replace them with database-scoped configuration or query hints, or
    /// test the workload without them.
    pub struct UnsupportedTraceFlags {
        id: "LR117",
        name: "unsupported-trace-flags",
        severity: Info,
        scope: Instance,
        sources: [Live, Inventory],
        reads: [TraceFlags],
        aliases: ["TraceFlags"],
        summary: "global trace flags the managed instance does not support",
    }
}

/// Global trace flags Azure SQL Managed Instance supports (Microsoft's
/// "trace flags supported in Azure SQL Managed Instance" list), plus the
/// link's own.
const SUPPORTED: [u16; 14] = [
    460, 1800, 2301, 2389, 2390, 2453, 2467, 7471, 8207, 9389, 9567, 10316, 11024, 12381,
];

impl Rule for UnsupportedTraceFlags {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        let Known::Known(flags) = &instance.facts.objects.trace_flags else {
            return;
        };
        let unsupported: Vec<String> = flags
            .iter()
            .filter(|f| !SUPPORTED.contains(f))
            .map(u16::to_string)
            .collect();
        if !unsupported.is_empty() {
            out.finding(
                &Self::META,
                instance,
                None,
                Some("DBCC TRACESTATUS".to_string()),
                format!(
                    "global trace flag(s) {} are not supported on the managed instance",
                    unsupported.join(", ")
                ),
                &instance_origin(instance, "DBCC TRACESTATUS(-1)"),
            );
        }
    }
}
