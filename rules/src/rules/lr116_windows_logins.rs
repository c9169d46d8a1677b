use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta};

crate::declare_rule! {
    /// # What it does
    /// Finds Windows logins and groups (`CREATE LOGIN [DOMAIN\name] FROM
    /// WINDOWS`).
    ///
    /// # Why it matters for the link
    /// Logins are server objects: the link does not replicate them, and the
    /// managed instance has no Windows authentication. Windows principals
    /// must become Microsoft Entra logins, mapped to the database users,
    /// before the application can connect after failover.
    ///
    /// # Example
    /// ```sql
    /// CREATE LOGIN [CORP\app-sales] FROM WINDOWS WITH DEFAULT_DATABASE = [Sales];
    /// ```
    ///
    /// # How to fix
    /// Sync the accounts to Microsoft Entra ID, create the logins on the
    /// managed instance (`CREATE LOGIN [app-sales@corp.example] FROM
    /// EXTERNAL PROVIDER`) and remap the users (`ALTER USER … WITH LOGIN`).
    pub struct WindowsLogins {
        id: "LR116",
        name: "windows-logins",
        severity: Warning,
        scope: Instance,
        sources: [Live, Inventory, Script],
        reads: [Logins],
        aliases: ["WindowsAuthentication"],
        summary: "Windows logins must become Microsoft Entra logins on the managed instance",
    }
}

impl Rule for WindowsLogins {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for login in &instance.facts.objects.logins {
            if login.value.windows {
                out.finding(
                    &Self::META,
                    instance,
                    None,
                    Some(login.value.name.clone()),
                    format!(
                        "Windows login {} must be recreated as a Microsoft Entra login",
                        login.value.name
                    ),
                    &login.origin,
                );
            }
        }
    }
}
