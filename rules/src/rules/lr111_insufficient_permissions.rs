use crate::model::{Instance, Known};
use crate::rule::{Outcomes, Rule, RuleMeta, instance_origin};

crate::declare_rule! {
    /// # What it does
    /// Fires when the login linkready connected with is not sysadmin.
    ///
    /// # Why it matters for the link
    /// Setting up the link needs sysadmin. For the assessment, a login
    /// without it may not see some catalog views (they return no rows
    /// instead of an error), so those facts are reported as unknown.
    ///
    /// # Example
    /// `IS_SRVROLEMEMBER('sysadmin')` = 0 for the assessment login.
    ///
    /// # How to fix
    /// Assess with a sysadmin login, or grant the read-only rights the
    /// assessment needs: `GRANT VIEW SERVER STATE, VIEW ANY DEFINITION TO
    /// [login]` and read access to msdb; run the link setup as sysadmin.
    pub struct InsufficientPermissions {
        id: "LR111",
        name: "insufficient-permissions",
        severity: Prerequisite,
        scope: Instance,
        sources: [Live],
        reads: [ServerProperties],
        aliases: [],
        summary: "the collecting login is not sysadmin",
    }
}

impl Rule for InsufficientPermissions {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        if instance.facts.sysadmin == Known::Known(false) {
            out.finding(
                &Self::META,
                instance,
                None,
                Some("IS_SRVROLEMEMBER('sysadmin')".to_string()),
                "the login is not sysadmin: link setup needs it, and some facts may be unknown (grant VIEW SERVER STATE and VIEW ANY DEFINITION to assess)".to_string(),
                &instance_origin(instance, "IS_SRVROLEMEMBER('sysadmin')"),
            );
        }
    }
}
