//! The bundle's files from reports/templates/setup/.

use handlebars::{Handlebars, handlebars_helper};
use serde::Serialize;

use super::SetupError;
use super::plan::{BundleContext, IndexContext};
use super::quote;

/// One file of a bundle: its template, and what README.md says of it.
struct FileSpec {
    name: &'static str,
    template: &'static str,
    /// Where it runs.
    runs_on: &'static str,
    /// MI-LINK.md steps it carries out.
    steps: &'static str,
    changes: &'static str,
    wanted: fn(&BundleContext) -> bool,
    /// Written once per instance in `<instance>/_instance/` (master key,
    /// certificates, trust, endpoint), not in each database's folder.
    instance: bool,
}

fn always(_: &BundleContext) -> bool {
    true
}

fn sql_primary(context: &BundleContext) -> bool {
    !context.mi_primary
}

/// A planned failover from SQL Server (or the migration wait).
fn planned_from_sql(context: &BundleContext) -> bool {
    !context.mi_primary
}

/// T-SQL forced failover on the managed instance: 2022 CU13 and later.
fn forced_tsql(context: &BundleContext) -> bool {
    !context.mi_primary && context.tsql_failover
}

/// Forced failover through Azure: Start-AzSqlInstanceLinkFailover exists
/// from Az.Sql 6.0.0; on 2016–2019 a disaster breaks the link instead
/// (remove-link.ps1).
fn forced_azure(context: &BundleContext) -> bool {
    !context.mi_primary && !context.azsql_legacy && context.major >= 16
}

fn split_brain(context: &BundleContext) -> bool {
    context.forced_failover
}

/// Failback through the link with T-SQL on the managed instance.
fn failback_tsql(context: &BundleContext) -> bool {
    context.two_way && context.tsql_failover
}

/// Failback through Azure: accepted while the managed instance is primary.
fn failback_azure(context: &BundleContext) -> bool {
    context.two_way && !context.azsql_legacy
}

/// The setup files, run once, in order.
const SETUP: &[FileSpec] = &[
    FileSpec {
        name: "00-network-1-parameters.sql",
        template: include_str!("../../templates/setup/00-network-1-parameters.sql.hbs"),
        runs_on: "the managed instance",
        steps: "§3 network (the preparation page's two-sided test), part 1",
        changes: "nothing: prints the managed instance's node and HADR port as sqlcmd variables (00-network.setvar.sql)",
        wanted: always,
        instance: true,
    },
    FileSpec {
        name: "00-network-2-sql-server-to-managed-instance.sql",
        template: include_str!(
            "../../templates/setup/00-network-2-sql-server-to-managed-instance.sql.hbs"
        ),
        runs_on: "SQL Server (msdb), with 00-network.setvar.sql",
        steps: "§3 network, part 2",
        changes: "a SQL Server Agent job tests TCP 5022 and the HADR port toward the managed instance, prints one result row per port, and is removed",
        wanted: always,
        instance: true,
    },
    FileSpec {
        name: "00-network-3-test-endpoint.sql",
        template: include_str!("../../templates/setup/00-network-3-test-endpoint.sql.hbs"),
        runs_on: "SQL Server (master)",
        steps: "§3 network, part 3",
        changes: "only when no database mirroring endpoint exists: a test certificate and endpoint (linkready_network_test) on the link's port",
        wanted: always,
        instance: true,
    },
    FileSpec {
        name: "00-network-4-managed-instance-to-sql-server.sql",
        template: include_str!(
            "../../templates/setup/00-network-4-managed-instance-to-sql-server.sql.hbs"
        ),
        runs_on: "the managed instance (msdb)",
        steps: "§3 network, part 4",
        changes: "a SQL Agent job tests TCP toward SQL Server's endpoint, prints one result row, and is removed",
        wanted: always,
        instance: true,
    },
    FileSpec {
        name: "00-network-5-cleanup.sql",
        template: include_str!("../../templates/setup/00-network-5-cleanup.sql.hbs"),
        runs_on: "SQL Server (master)",
        steps: "§3 network, part 5",
        changes: "drops the test endpoint and certificate of part 3 (and a test job left by an interrupted part 2)",
        wanted: always,
        instance: true,
    },
    FileSpec {
        name: "01-prepare-database.sql",
        template: include_str!("../../templates/setup/01-prepare-database.sql.hbs"),
        runs_on: "SQL Server",
        steps: "§4 step 1",
        changes: "recovery model FULL; a full backup WITH CHECKSUM when the log chain has not started",
        wanted: sql_primary,
        instance: false,
    },
    FileSpec {
        name: "02-master-key-and-certificate.sql",
        template: include_str!("../../templates/setup/02-master-key-and-certificate.sql.hbs"),
        runs_on: "SQL Server (master)",
        steps: "§4 steps 2–4",
        changes: "the database master key and the endpoint certificate, each only when absent; prints the certificate's public key",
        wanted: always,
        instance: true,
    },
    FileSpec {
        name: "03-exchange-certificates.ps1",
        template: include_str!("../../templates/setup/03-exchange-certificates.ps1.hbs"),
        runs_on: "PowerShell with Az.Sql",
        steps: "§4 steps 5–6 (and the root certificates of step 8)",
        changes: "uploads SQL Server's certificate to the managed instance; fetches the managed instance's certificate and the Azure root certificates into 04-certificates.setvar.sql",
        wanted: always,
        instance: true,
    },
    FileSpec {
        name: "04-trust-certificates.sql",
        template: include_str!("../../templates/setup/04-trust-certificates.sql.hbs"),
        runs_on: "SQL Server (master), with 04-certificates.setvar.sql",
        steps: "§4 steps 7–8",
        changes: "imports the managed instance's certificate and the Azure root certificates, each only when absent",
        wanted: always,
        instance: true,
    },
    FileSpec {
        name: "05-endpoint.sql",
        template: include_str!("../../templates/setup/05-endpoint.sql.hbs"),
        runs_on: "SQL Server (master)",
        steps: "§4 step 9",
        changes: "creates the database mirroring endpoint, or alters the existing one to accept the certificate",
        wanted: always,
        instance: true,
    },
    FileSpec {
        name: "06-availability-group.sql",
        template: include_str!("../../templates/setup/06-availability-group.sql.hbs"),
        runs_on: "SQL Server (master)",
        steps: "§4 step 10",
        changes: "creates the availability group on SQL Server (and, on 2016, the grants to NT AUTHORITY\\SYSTEM)",
        wanted: always,
        instance: false,
    },
    FileSpec {
        name: "07-distributed-availability-group.sql",
        template: include_str!("../../templates/setup/07-distributed-availability-group.sql.hbs"),
        runs_on: "SQL Server (master)",
        steps: "§4 step 11",
        changes: "creates the distributed availability group (the link) on SQL Server",
        wanted: always,
        instance: false,
    },
    FileSpec {
        name: "08-create-link.ps1",
        template: include_str!("../../templates/setup/08-create-link.ps1.hbs"),
        runs_on: "PowerShell with Az.Sql",
        steps: "§4 step 12",
        changes: "creates the link on the managed instance; seeding starts",
        wanted: always,
        instance: false,
    },
    FileSpec {
        name: "09-verify.sql",
        template: include_str!("../../templates/setup/09-verify.sql.hbs"),
        runs_on: "SQL Server",
        steps: "§4 step 13",
        changes: "nothing (reads the replica and seeding state)",
        wanted: always,
        instance: false,
    },
    FileSpec {
        name: "10-after-seeding.sql",
        template: include_str!("../../templates/setup/10-after-seeding.sql.hbs"),
        runs_on: "SQL Server",
        steps: "§4 step 14",
        changes: "the first log backup once seeding is done; trace flag 12381 off",
        wanted: sql_primary,
        instance: false,
    },
];

/// The operations: failover, failback, removal (MI-LINK.md §5, from
/// managed-instance-link-failover-how-to.md and Azure PowerShell's recorded
/// tests). None is a step Azure refuses; each checks the link's roles first,
/// so running one twice never silently reverses it.
const OPERATIONS: &[FileSpec] = &[
    FileSpec {
        name: "failover-planned.sql",
        template: include_str!("../../templates/setup/failover-planned.sql.hbs"),
        runs_on: "SQL Server",
        steps: "§5 steps 1–3 (planned failover) or 1, 2, 4 (migration)",
        changes: "checks SQL Server is primary; synchronous commit; waits until every replica holds the same hardened log, SYNCHRONIZED, for 30 s (back to asynchronous on timeout); then fails over (2022 CU13+, two-way) or hands over to remove-link.ps1 (migration)",
        wanted: planned_from_sql,
        instance: false,
    },
    FileSpec {
        name: "failover-forced.sql",
        template: include_str!("../../templates/setup/failover-forced.sql.hbs"),
        runs_on: "the managed instance",
        steps: "§5 step 5 (forced, T-SQL)",
        changes: "disaster only: FORCE_FAILOVER_ALLOW_DATA_LOSS on the secondary, after an explicit confirmation",
        wanted: forced_tsql,
        instance: false,
    },
    FileSpec {
        name: "failover-forced.ps1",
        template: include_str!("../../templates/setup/failover-forced.ps1.hbs"),
        runs_on: "PowerShell with Az.Sql 6.0.0+",
        steps: "§5 step 5 (forced, Azure)",
        changes: "disaster only: Start-AzSqlInstanceLinkFailover -FailoverType ForcedAllowDataLoss -Force, with -AllowDataLoss as the confirmation",
        wanted: forced_azure,
        instance: false,
    },
    FileSpec {
        name: "split-brain.sql",
        template: include_str!("../../templates/setup/split-brain.sql.hbs"),
        runs_on: "SQL Server",
        steps: "§5 step 5 (after a forced failover)",
        changes: "when SQL Server returns still primary: requires a tail-log backup, then SET (ROLE = SECONDARY)",
        wanted: split_brain,
        instance: false,
    },
    FileSpec {
        name: "failback-planned.sql",
        template: include_str!("../../templates/setup/failback-planned.sql.hbs"),
        runs_on: "the managed instance",
        steps: "§5 step 3 (failback, T-SQL)",
        changes: "checks the managed instance is primary; FAILOVER back to SQL Server, keeping the link",
        wanted: failback_tsql,
        instance: false,
    },
    FileSpec {
        name: "failback-planned.ps1",
        template: include_str!("../../templates/setup/failback-planned.ps1.hbs"),
        runs_on: "PowerShell with Az.Sql 6.0.0+",
        steps: "§5 step 3 (failback, Azure)",
        changes: "checks the managed instance is primary (Azure refuses a planned failover otherwise); Start-AzSqlInstanceLinkFailover -FailoverType Planned",
        wanted: failback_azure,
        instance: false,
    },
    FileSpec {
        name: "remove-link.ps1",
        template: include_str!("../../templates/setup/remove-link.ps1.hbs"),
        runs_on: "PowerShell with Az.Sql",
        steps: "§5 steps 4, 7",
        changes: "Remove-AzSqlInstanceLink -Force (after a failover, only once the managed instance has its first full backup)",
        wanted: always,
        instance: false,
    },
    FileSpec {
        name: "remove-link.sql",
        template: include_str!("../../templates/setup/remove-link.sql.hbs"),
        runs_on: "SQL Server",
        steps: "§5 step 4",
        changes: "drops the distributed availability group and the availability group on SQL Server",
        wanted: always,
        instance: false,
    },
];

/// The multiple-database link's bundle (preview), one per instance: its own
/// files, then 02 from each database's 01 and 09 from the single-database
/// verify script.
const MULTI_DATABASE: &[(&str, &str)] = &[
    (
        "01-enable-multiple-database-mode.sql",
        include_str!("../../templates/setup/multidb/01-enable-multiple-database-mode.sql.hbs"),
    ),
    (
        "06-availability-group.sql",
        include_str!("../../templates/setup/multidb/06-availability-group.sql.hbs"),
    ),
    (
        "07-distributed-availability-group.sql",
        include_str!("../../templates/setup/multidb/07-distributed-availability-group.sql.hbs"),
    ),
    (
        "08-create-link.ps1",
        include_str!("../../templates/setup/multidb/08-create-link.ps1.hbs"),
    ),
    (
        "README.md",
        include_str!("../../templates/setup/multidb/README.md.hbs"),
    ),
];

const POWERSHELL_PREAMBLE: &str = include_str!("../../templates/setup/_azsql.ps1.hbs");
/// The network test kit's steps, in both kinds of README.
const NETWORK_README: &str = include_str!("../../templates/setup/_network.md.hbs");
const BUNDLE_README: &str = include_str!("../../templates/setup/README.md.hbs");
const INDEX_README: &str = include_str!("../../templates/setup/index.md.hbs");

handlebars_helper!(tsql_name: |text: str| quote::tsql_name(text));
handlebars_helper!(tsql_string: |text: str| quote::tsql_string(text));
handlebars_helper!(ps_string: |text: str| quote::powershell_string(text));
handlebars_helper!(md_code: |text: str| quote::markdown_code(text));
handlebars_helper!(comment: |text: str| quote::comment_text(text));

pub(super) struct Renderer {
    registry: Handlebars<'static>,
}

#[derive(Serialize)]
struct ReadmeFile {
    step: usize,
    name: String,
    runs_on: &'static str,
    steps: &'static str,
    changes: &'static str,
}

#[derive(Serialize)]
struct ReadmeContext<'a> {
    #[serde(flatten)]
    bundle: &'a BundleContext,
    /// Setup, in order.
    files: Vec<ReadmeFile>,
    /// Operations, each chosen when needed.
    operations: Vec<ReadmeFile>,
}

fn template_error(error: impl std::fmt::Display) -> SetupError {
    SetupError::Template(error.to_string())
}

impl Renderer {
    pub(super) fn new() -> Result<Renderer, SetupError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        // Scripts are not HTML: quoting is the helpers' job.
        registry.register_escape_fn(handlebars::no_escape);
        registry.register_helper("tsql_name", Box::new(tsql_name));
        registry.register_helper("tsql_string", Box::new(tsql_string));
        registry.register_helper("ps_string", Box::new(ps_string));
        registry.register_helper("md_code", Box::new(md_code));
        registry.register_helper("comment", Box::new(comment));
        registry
            .register_partial("azsql", POWERSHELL_PREAMBLE)
            .map_err(template_error)?;
        registry
            .register_partial("network", NETWORK_README)
            .map_err(template_error)?;
        for spec in SETUP.iter().chain(OPERATIONS) {
            registry
                .register_template_string(spec.name, spec.template)
                .map_err(template_error)?;
        }
        registry
            .register_template_string("README.md", BUNDLE_README)
            .map_err(template_error)?;
        for (name, template) in MULTI_DATABASE {
            registry
                .register_template_string(&format!("multidb/{name}"), *template)
                .map_err(template_error)?;
        }
        registry
            .register_template_string("index.md", INDEX_README)
            .map_err(template_error)?;
        Ok(Renderer { registry })
    }

    /// The files of one database's bundle, README.md last.
    pub(super) fn bundle(
        &self,
        context: &BundleContext,
    ) -> Result<Vec<(String, String)>, SetupError> {
        let mut files = Vec::new();
        let mut listed = Vec::new();
        let mut operations = Vec::new();
        for (section, specs) in [(0, SETUP), (1, OPERATIONS)] {
            for spec in specs.iter().filter(|spec| (spec.wanted)(context)) {
                let name = if spec.instance {
                    // Written once, in the instance's folder.
                    format!("../_instance/{}", spec.name)
                } else {
                    let text = self
                        .registry
                        .render(spec.name, context)
                        .map_err(template_error)?;
                    files.push((spec.name.to_string(), text));
                    spec.name.to_string()
                };
                let into = if section == 0 {
                    &mut listed
                } else {
                    &mut operations
                };
                into.push(ReadmeFile {
                    step: into.len() + 1,
                    name,
                    runs_on: spec.runs_on,
                    steps: spec.steps,
                    changes: spec.changes,
                });
            }
        }
        let readme = self
            .registry
            .render(
                "README.md",
                &ReadmeContext {
                    bundle: context,
                    files: listed,
                    operations,
                },
            )
            .map_err(template_error)?;
        files.push(("README.md".to_string(), readme));
        Ok(files)
    }

    /// The instance's own steps, rendered from one of its databases'
    /// contexts with the database left out (they do not depend on it).
    pub(super) fn instance_files(
        &self,
        context: &BundleContext,
    ) -> Result<Vec<(String, String)>, SetupError> {
        let mut shared = serde_json::to_value(context).map_err(template_error)?;
        if let Some(fields) = shared.as_object_mut() {
            fields.insert(
                "database".to_string(),
                serde_json::Value::String(String::new()),
            );
            fields.insert("dag".to_string(), serde_json::Value::String(String::new()));
        }
        SETUP
            .iter()
            .filter(|spec| spec.instance && (spec.wanted)(context))
            .map(|spec| {
                let text = self
                    .registry
                    .render(spec.name, &shared)
                    .map_err(template_error)?;
                Ok((spec.name.to_string(), text))
            })
            .collect()
    }

    /// The multiple-database link's files for `databases` (each one's
    /// context; the first gives the instance's), linked as `link` through
    /// the availability groups `sql_ag` and `mi_ag`.
    pub(super) fn multi_database_files(
        &self,
        databases: &[BundleContext],
        link: &str,
        sql_ag: &str,
        mi_ag: &str,
    ) -> Result<Vec<(String, String)>, SetupError> {
        let Some(first) = databases.first() else {
            return Ok(Vec::new());
        };
        let names: Vec<&str> = databases.iter().map(|d| d.database.as_str()).collect();
        let mut shared = serde_json::to_value(first).map_err(template_error)?;
        if let Some(fields) = shared.as_object_mut() {
            let text = |value: &str| serde_json::Value::String(value.to_string());
            fields.insert("database".to_string(), text(&names.join(", ")));
            fields.insert(
                "databases".to_string(),
                serde_json::Value::Array(names.iter().map(|name| text(name)).collect()),
            );
            fields.insert("dag".to_string(), text(link));
            fields.insert("sql_ag".to_string(), text(sql_ag));
            fields.insert("mi_ag".to_string(), text(mi_ag));
        }
        let mut files = Vec::new();
        for (name, _) in MULTI_DATABASE {
            let text = self
                .registry
                .render(&format!("multidb/{name}"), &shared)
                .map_err(template_error)?;
            files.push((name.to_string(), text));
        }
        let mut prepare = String::new();
        for database in databases {
            if !prepare.is_empty() {
                prepare.push_str("\nGO\n\n");
            }
            prepare.push_str(
                &self
                    .registry
                    .render("01-prepare-database.sql", database)
                    .map_err(template_error)?,
            );
        }
        files.push(("02-prepare-databases.sql".to_string(), prepare));
        files.push((
            "09-verify.sql".to_string(),
            self.registry
                .render("09-verify.sql", &shared)
                .map_err(template_error)?,
        ));
        files.sort();
        Ok(files)
    }

    pub(super) fn index(&self, context: &IndexContext) -> Result<String, SetupError> {
        self.registry
            .render("index.md", context)
            .map_err(template_error)
    }
}
