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
}

fn always(_: &BundleContext) -> bool {
    true
}

fn sql_primary(context: &BundleContext) -> bool {
    !context.mi_primary
}

fn two_way(context: &BundleContext) -> bool {
    context.two_way
}

const SETUP: &[FileSpec] = &[
    FileSpec {
        name: "01-prepare-database.sql",
        template: include_str!("../../templates/setup/01-prepare-database.sql.hbs"),
        runs_on: "SQL Server",
        steps: "§4 step 1",
        changes: "recovery model FULL; a full backup WITH CHECKSUM when the log chain has not started",
        wanted: sql_primary,
    },
    FileSpec {
        name: "02-master-key-and-certificate.sql",
        template: include_str!("../../templates/setup/02-master-key-and-certificate.sql.hbs"),
        runs_on: "SQL Server (master)",
        steps: "§4 steps 2–4",
        changes: "the database master key and the endpoint certificate, each only when absent; prints the certificate's public key",
        wanted: always,
    },
    FileSpec {
        name: "03-exchange-certificates.ps1",
        template: include_str!("../../templates/setup/03-exchange-certificates.ps1.hbs"),
        runs_on: "PowerShell with Az.Sql",
        steps: "§4 steps 5–6 (and the root certificates of step 8)",
        changes: "uploads SQL Server's certificate to the managed instance; fetches the managed instance's certificate and the Azure root certificates into 04-certificates.setvar.sql",
        wanted: always,
    },
    FileSpec {
        name: "04-trust-certificates.sql",
        template: include_str!("../../templates/setup/04-trust-certificates.sql.hbs"),
        runs_on: "SQL Server (master), with 04-certificates.setvar.sql",
        steps: "§4 steps 7–8",
        changes: "imports the managed instance's certificate and the Azure root certificates, each only when absent",
        wanted: always,
    },
    FileSpec {
        name: "05-endpoint.sql",
        template: include_str!("../../templates/setup/05-endpoint.sql.hbs"),
        runs_on: "SQL Server (master)",
        steps: "§4 step 9",
        changes: "creates the database mirroring endpoint, or alters the existing one to accept the certificate",
        wanted: always,
    },
    FileSpec {
        name: "06-availability-group.sql",
        template: include_str!("../../templates/setup/06-availability-group.sql.hbs"),
        runs_on: "SQL Server (master)",
        steps: "§4 step 10",
        changes: "creates the availability group on SQL Server (and, on 2016, the grants to NT AUTHORITY\\SYSTEM)",
        wanted: always,
    },
    FileSpec {
        name: "07-distributed-availability-group.sql",
        template: include_str!("../../templates/setup/07-distributed-availability-group.sql.hbs"),
        runs_on: "SQL Server (master)",
        steps: "§4 step 11",
        changes: "creates the distributed availability group (the link) on SQL Server",
        wanted: always,
    },
    FileSpec {
        name: "08-create-link.ps1",
        template: include_str!("../../templates/setup/08-create-link.ps1.hbs"),
        runs_on: "PowerShell with Az.Sql",
        steps: "§4 step 12",
        changes: "creates the link on the managed instance; seeding starts",
        wanted: always,
    },
    FileSpec {
        name: "09-verify.sql",
        template: include_str!("../../templates/setup/09-verify.sql.hbs"),
        runs_on: "SQL Server",
        steps: "§4 step 13",
        changes: "nothing (reads the replica and seeding state)",
        wanted: always,
    },
    FileSpec {
        name: "10-after-seeding.sql",
        template: include_str!("../../templates/setup/10-after-seeding.sql.hbs"),
        runs_on: "SQL Server",
        steps: "§4 step 14",
        changes: "the first log backup once seeding is done; trace flag 12381 off",
        wanted: sql_primary,
    },
    FileSpec {
        name: "failover-planned.sql",
        template: include_str!("../../templates/setup/failover-planned.sql.hbs"),
        runs_on: "SQL Server",
        steps: "§5 steps 1–3",
        changes: "switches the link to synchronous commit, waits until both sides hold the same log, then (2022 CU13 and later) fails over",
        wanted: sql_primary,
    },
    FileSpec {
        name: "failover-planned.ps1",
        template: include_str!("../../templates/setup/failover-planned.ps1.hbs"),
        runs_on: "PowerShell with Az.Sql",
        steps: "§5 step 3 (planned)",
        changes: "fails the database over to the partner without data loss",
        wanted: always,
    },
    FileSpec {
        name: "failover-forced.ps1",
        template: include_str!("../../templates/setup/failover-forced.ps1.hbs"),
        runs_on: "PowerShell with Az.Sql",
        steps: "§5 step 3 (forced)",
        changes: "fails over allowing data loss (disaster recovery only)",
        wanted: always,
    },
    FileSpec {
        name: "failback-planned.ps1",
        template: include_str!("../../templates/setup/failback-planned.ps1.hbs"),
        runs_on: "PowerShell with Az.Sql",
        steps: "§5 (failback)",
        changes: "after a failover, fails the database back to SQL Server without data loss",
        wanted: two_way,
    },
    FileSpec {
        name: "remove-link.ps1",
        template: include_str!("../../templates/setup/remove-link.ps1.hbs"),
        runs_on: "PowerShell with Az.Sql",
        steps: "§5 steps 4–5",
        changes: "removes the link on the managed instance",
        wanted: always,
    },
    FileSpec {
        name: "remove-link.sql",
        template: include_str!("../../templates/setup/remove-link.sql.hbs"),
        runs_on: "SQL Server",
        steps: "§5 step 4",
        changes: "drops the distributed availability group and the availability group on SQL Server",
        wanted: always,
    },
];

const POWERSHELL_PREAMBLE: &str = include_str!("../../templates/setup/_azsql.ps1.hbs");
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
    name: &'static str,
    runs_on: &'static str,
    steps: &'static str,
    changes: &'static str,
}

#[derive(Serialize)]
struct ReadmeContext<'a> {
    #[serde(flatten)]
    bundle: &'a BundleContext,
    files: Vec<ReadmeFile>,
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
        for spec in SETUP {
            registry
                .register_template_string(spec.name, spec.template)
                .map_err(template_error)?;
        }
        registry
            .register_template_string("README.md", BUNDLE_README)
            .map_err(template_error)?;
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
        for spec in SETUP.iter().filter(|spec| (spec.wanted)(context)) {
            let text = self
                .registry
                .render(spec.name, context)
                .map_err(template_error)?;
            files.push((spec.name.to_string(), text));
            listed.push(ReadmeFile {
                step: listed.len() + 1,
                name: spec.name,
                runs_on: spec.runs_on,
                steps: spec.steps,
                changes: spec.changes,
            });
        }
        let readme = self
            .registry
            .render(
                "README.md",
                &ReadmeContext {
                    bundle: context,
                    files: listed,
                },
            )
            .map_err(template_error)?;
        files.push(("README.md".to_string(), readme));
        Ok(files)
    }

    pub(super) fn index(&self, context: &IndexContext) -> Result<String, SetupError> {
        self.registry
            .render("index.md", context)
            .map_err(template_error)
    }
}
