use crate::model::Instance;
use crate::rule::{Outcomes, Rule, RuleMeta, is_system_database};

crate::declare_rule! {
    /// # What it does
    /// Finds SQL Server Agent job steps whose subsystem is CmdExec,
    /// PowerShell, SSIS, ANALYSISCOMMAND, ANALYSISQUERY, Merge or
    /// QueueReader (`sp_add_jobstep @subsystem = …`, `msdb.dbo.sysjobsteps`).
    /// T-SQL steps are fine.
    ///
    /// # Why it matters for the link
    /// Agent jobs are not replicated by the link, and the managed instance's
    /// Agent runs only T-SQL and a few replication steps: these steps have no
    /// place to run after failover.
    ///
    /// # Example
    /// ```sql
    /// EXEC msdb.dbo.sp_add_jobstep @job_name = N'Export', @step_name = N'copy',
    ///     @subsystem = N'CmdExec', @command = N'copy D:\out\*.csv \\share\in';
    /// ```
    ///
    /// # How to fix
    /// Rewrite the step in T-SQL, or move it to Azure Automation, Data
    /// Factory (for SSIS packages) or a scheduler outside the database.
    pub struct AgentJobSubsystem {
        id: "LR305",
        name: "agent-job-subsystem",
        severity: Warning,
        scope: Database,
        sources: [Live, Inventory, Script],
        reads: [JobSteps],
        aliases: ["PowerShellJob", "AnalysisCommandJob", "AnalysisQueryJob", "MergeJob", "QueueReaderJob"],
        summary: "an Agent job step uses a subsystem the managed instance does not run",
    }
}

const UNSUPPORTED: [&str; 7] = [
    "CmdExec",
    "PowerShell",
    "SSIS",
    "ANALYSISCOMMAND",
    "ANALYSISQUERY",
    "Merge",
    "QueueReader",
];

impl Rule for AgentJobSubsystem {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, instance: &Instance, out: &mut Outcomes) {
        for step in &instance.facts.objects.job_steps {
            let subsystem = step.value.subsystem.trim();
            let Some(known) = UNSUPPORTED
                .iter()
                .find(|s| s.eq_ignore_ascii_case(subsystem))
            else {
                continue;
            };
            let job = step.value.job.as_deref().unwrap_or("(unnamed job)");
            let object = match &step.value.step {
                Some(name) => format!("{job} / {name}"),
                None => job.to_string(),
            };
            // A step that runs in a user database is that database's concern.
            let database = step
                .value
                .database
                .as_deref()
                .filter(|db| !is_system_database(db));
            out.finding(
                &Self::META,
                instance,
                database,
                Some(object.clone()),
                format!("job step {object} uses the {known} subsystem, which the managed instance's Agent does not run"),
                &step.origin,
            );
        }
    }
}
