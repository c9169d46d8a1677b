use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta, for_each_call};

crate::declare_rule! {
    /// # What it does
    /// Finds calls of the SQL Mail procedures: `xp_sendmail`,
    /// `xp_startmail`, `xp_stopmail`, `xp_readmail`, `xp_deletemail`,
    /// `xp_findnextmsg`, `sp_processmail`.
    ///
    /// # Why it matters for the link
    /// SQL Mail was removed from SQL Server and the managed instance has
    /// only Database Mail: code that calls these fails after failover.
    ///
    /// # Example
    /// ```sql
    /// EXEC master.dbo.xp_sendmail @recipients = 'dba@corp.example', @message = 'done';
    /// ```
    ///
    /// # How to fix
    /// Use Database Mail (`msdb.dbo.sp_send_dbmail`) with a profile set up on
    /// the managed instance.
    pub struct SqlMail {
        id: "LR312",
        name: "sql-mail",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [Code],
        aliases: ["SqlMail"],
        summary: "code calls SQL Mail procedures",
    }
}

const SQL_MAIL: [&str; 7] = [
    "xp_sendmail",
    "xp_startmail",
    "xp_stopmail",
    "xp_readmail",
    "xp_deletemail",
    "xp_findnextmsg",
    "sp_processmail",
];

impl Rule for SqlMail {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for_each_call(instance, |database, call, origin| {
            if SQL_MAIL
                .iter()
                .any(|p| p.eq_ignore_ascii_case(call.short_name()))
            {
                out.finding(
                    &Self::META,
                    instance,
                    database,
                    Some(call.name.clone()),
                    format!(
                        "calls SQL Mail procedure {}; use Database Mail (sp_send_dbmail)",
                        call.short_name()
                    ),
                    origin,
                );
            }
        });
    }
}
