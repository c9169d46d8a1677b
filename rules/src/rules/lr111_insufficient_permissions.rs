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
    /// assessment needs: VIEW SERVER STATE (DMVs), VIEW ANY DEFINITION
    /// (catalog views return no rows for what a login may not see), CONNECT
    /// ANY DATABASE (to read each database's objects and code; without it
    /// `HAS_DBACCESS` is 0 and those databases are unknown), and SELECT on
    /// msdb's dbo.backupset, dbo.sysjobs, dbo.sysjobsteps and the log
    /// shipping tables. `linkready collect-script --grant LOGIN` writes that
    /// script. Run the link setup as sysadmin.
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
                "the login is not sysadmin: link setup needs it; to assess without it, grant VIEW SERVER STATE, VIEW ANY DEFINITION, CONNECT ANY DATABASE and SELECT on the msdb tables read (`linkready collect-script --grant LOGIN` writes the script)".to_string(),
                &instance_origin(instance, "IS_SRVROLEMEMBER('sysadmin')"),
            );
        }
    }
}
