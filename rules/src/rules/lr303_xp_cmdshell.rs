use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_call};

crate::declare_rule! {
    /// # What it does
    /// Finds calls of `xp_cmdshell` and `sp_configure 'xp_cmdshell', 1`.
    /// A string that only names it (`WHERE name = 'xp_cmdshell'`) is not a call.
    ///
    /// # Why it matters for the link
    /// Azure SQL Managed Instance does not support `xp_cmdshell`: whatever
    /// shells out to the operating system stops working after failover.
    ///
    /// # Example
    /// ```sql
    /// EXEC master..xp_cmdshell 'robocopy D:\export \\files\drop';
    /// ```
    ///
    /// # How to fix
    /// Move the operating-system work out of the database: an Azure
    /// Automation or Functions job, or a SQL Agent job step on a machine
    /// that keeps a SQL Server.
    pub struct XpCmdshell {
        id: "LR303",
        name: "xp-cmdshell",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code, Configurations],
        aliases: ["XpCmdshell"],
        summary: "code calls xp_cmdshell, which the managed instance does not support",
    }
}

impl Rule for XpCmdshell {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_call(instance, |database, call, origin| {
            if call.short_name().eq_ignore_ascii_case("xp_cmdshell") {
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(call.name.clone()),
                    "calls xp_cmdshell, which the managed instance does not support".to_string(),
                    origin,
                );
            }
        });
        for option in &instance.facts.objects.configurations {
            if option.value.name == "xp_cmdshell" && option.value.value != 0 {
                out.finding(
                    &Self::META,
                    instance,
                    None,
                    Some("xp_cmdshell".to_string()),
                    "the xp_cmdshell option is enabled; the managed instance does not support it"
                        .to_string(),
                    &option.origin,
                );
            }
        }
    }
}
