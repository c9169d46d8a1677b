//! From facts and findings to what each bundle says: names, version
//! shapes, the endpoint to create or alter, and the manual steps.

use std::collections::{BTreeMap, BTreeSet};

use linkready_rules::{
    Assessment, Estate, Finding, Instance, MirroringEndpoint, ProductVersion, RuleUnknown,
    Severity, Source, Target, UpdatePolicy, Verdict,
};
use serde::Serialize;

use super::quote::{
    azure_name, link_name, markdown_code, markdown_text, multi_database_link_name, path_component,
    sqlcmd_hazard, sqlcmd_server, tsql_name,
};
use super::render::Renderer;
use super::{InitialPrimary, LinkMode, SetupError, SetupFile, SetupOptions, SetupOutput};

/// The port SQL Server's default instance uses for its mirroring endpoint,
/// and the managed instance's own (MI-LINK.md §3, §4).
const DEFAULT_ENDPOINT_PORT: u16 = 5022;
/// The endpoint a new bundle creates.
const NEW_ENDPOINT_NAME: &str = "database_mirroring_endpoint";
/// 2022 CU10: the managed instance can be the initial primary.
const MI_PRIMARY_MINIMUM: ProductVersion = ProductVersion::new(16, 0, 4095, 4);
/// 2022 CU13: failover with T-SQL.
const TSQL_FAILOVER_MINIMUM: ProductVersion = ProductVersion::new(16, 0, 4125, 3);
/// Availability group and link names stay well inside Azure's limits.
const NAME_BUDGET: usize = 60;

/// A bundle that was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleSummary {
    pub instance: String,
    pub database: String,
    /// The folder, relative to the output directory.
    pub folder: Vec<String>,
    pub files: usize,
}

/// A database that got no scripts, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub instance: String,
    pub database: Option<String>,
    pub verdict: String,
    pub reason: String,
}

/// The target managed instance, checked once (before any server is
/// contacted): the names go into certificate names, URLs and cmdlet
/// arguments.
#[derive(Debug, Clone, Serialize)]
pub struct LinkTarget {
    pub name: String,
    pub fqdn: String,
    pub resource_group: String,
    pub subscription: Option<String>,
    #[serde(skip)]
    pub update_policy: Option<UpdatePolicy>,
    /// Databases already on the target.
    #[serde(skip)]
    pub databases: Vec<String>,
}

impl LinkTarget {
    /// linkready.toml's `[target]`, if it says enough to write scripts for.
    pub fn from_config(target: Option<&Target>) -> Result<LinkTarget, SetupError> {
        let empty = Target::default();
        let target = target.unwrap_or(&empty);
        let present = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
        let (Some(name), Some(resource_group), Some(fqdn)) = (
            present(&target.name),
            present(&target.resource_group),
            present(&target.fqdn),
        ) else {
            let missing = [
                ("name", &target.name),
                ("resource_group", &target.resource_group),
                ("fqdn", &target.fqdn),
            ]
            .into_iter()
            .filter(|(_, value)| present(value).is_none())
            .map(|(field, _)| field)
            .collect();
            return Err(SetupError::MissingTarget { missing });
        };
        // Azure: 1–63 lowercase letters, digits and hyphens.
        let valid_name = name.len() <= 63
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !name.starts_with('-')
            && !name.ends_with('-');
        if !valid_name {
            return Err(SetupError::InvalidTarget {
                field: "name",
                value: name,
                reason: "a managed instance name is 1 to 63 lowercase letters, digits and hyphens",
            });
        }
        let valid_fqdn = fqdn.split('.').count() >= 3
            && fqdn.split('.').all(|label| {
                !label.is_empty()
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if !valid_fqdn || !fqdn.to_ascii_lowercase().starts_with(&format!("{name}.")) {
            return Err(SetupError::InvalidTarget {
                field: "fqdn",
                value: fqdn,
                reason: "expected the instance's host name, e.g. <name>.<dns-zone>.database.windows.net",
            });
        }
        Ok(LinkTarget {
            name,
            fqdn,
            resource_group,
            subscription: present(&target.subscription),
            update_policy: target.update_policy,
            databases: target.databases.clone(),
        })
    }
}

/// One instance's findings and unknowns, grouped once for all its databases.
#[derive(Default)]
struct InstanceOutcomes<'a> {
    findings: Vec<&'a Finding>,
    unknowns: Vec<&'a RuleUnknown>,
}

/// Whether a finding or unknown recorded for `place` (None: the instance)
/// concerns `database`.
fn concerns(place: Option<&str>, database: &str) -> bool {
    place.is_none_or(|d| d == database)
}

/// Writes the link setup for every database that can be linked.
pub fn link_setup(
    estate: &Estate,
    assessment: &Assessment,
    target: &LinkTarget,
    options: &SetupOptions,
) -> Result<SetupOutput, SetupError> {
    let renderer = Renderer::new()?;
    let ports = endpoint_ports(estate, options);
    let mut outcomes: BTreeMap<&str, InstanceOutcomes> = BTreeMap::new();
    for finding in &assessment.findings {
        outcomes
            .entry(&finding.instance)
            .or_default()
            .findings
            .push(finding);
    }
    for unknown in &assessment.unknowns {
        outcomes
            .entry(&unknown.instance)
            .or_default()
            .unknowns
            .push(unknown);
    }
    let none = InstanceOutcomes::default();
    let mut output = SetupOutput::default();
    // Database names (lowercase) already given a bundle, and by which instance.
    let mut claimed: BTreeMap<String, String> = BTreeMap::new();
    let mut folders: BTreeSet<Vec<String>> = BTreeSet::new();
    for instance_assessment in &assessment.instances {
        let Some(instance) = estate
            .instances
            .iter()
            .find(|i| i.name == instance_assessment.name)
        else {
            continue;
        };
        let found = outcomes.get(instance.name.as_str()).unwrap_or(&none);
        let plan = InstancePlan::new(instance, &ports, options, target);
        // The instance's own steps (master key, certificates, trust,
        // endpoint) are written once, beside its databases' folders.
        let instance_folder = [path_component(&instance.name), "_instance".to_string()];
        folders.insert(instance_folder.iter().map(|c| c.to_lowercase()).collect());
        let mut instance_written = false;
        let mut multi_contexts: Vec<BundleContext> = Vec::new();
        for database in &instance_assessment.databases {
            let context = if matches!(
                database.verdict,
                Verdict::Ready | Verdict::ReadyWithConditions
            ) {
                plan.as_ref()
                    .map_err(String::clone)
                    .and_then(|plan| plan.database(&database.name, found, &claimed))
            } else {
                Err(why_not(instance, found, &database.name, database.verdict))
            }
            // The preview mode links the databases of one new availability
            // group together; a database already in a group would take
            // that whole group along, which linkready does not write yet.
            .and_then(|context| multi_database_refusal(options, &context).map_or(Ok(context), Err));
            let context = match context {
                Ok(context) => context,
                Err(reason) => {
                    output.skipped.push(Skipped {
                        instance: instance.name.clone(),
                        database: Some(database.name.clone()),
                        verdict: database.verdict.as_str().to_string(),
                        reason,
                    });
                    continue;
                }
            };
            claimed.insert(database.name.to_lowercase(), instance.name.clone());
            if options.multiple_database {
                multi_contexts.push(context);
                continue;
            }
            let mut folder = vec![
                path_component(&instance.name),
                path_component(&database.name),
            ];
            // Two names that differ only in characters a path cannot hold.
            while !folders.insert(folder.iter().map(|c| c.to_lowercase()).collect()) {
                if let Some(last) = folder.last_mut() {
                    last.push('_');
                }
            }
            if !instance_written {
                place(
                    &mut output,
                    &instance_folder,
                    renderer.instance_files(&context)?,
                );
                instance_written = true;
            }
            let files = renderer.bundle(&context)?;
            output.bundles.push(BundleSummary {
                instance: instance.name.clone(),
                database: database.name.clone(),
                folder: folder.clone(),
                files: files.len(),
            });
            place(&mut output, &folder, files);
        }
        if let Some(first) = multi_contexts.first() {
            place(
                &mut output,
                &instance_folder,
                renderer.instance_files(first)?,
            );
            let short = first.server.replace('\\', "_");
            let link = multi_database_link_name(&first.server, NAME_BUDGET);
            let folder = vec![
                path_component(&instance.name),
                "multiple-database".to_string(),
            ];
            let files = renderer.multi_database_files(
                &multi_contexts,
                &link,
                &azure_name(&format!("AG_{short}_LINK"), NAME_BUDGET),
                &azure_name(&format!("AG_{short}_LINK_MI"), NAME_BUDGET),
            )?;
            output.bundles.push(BundleSummary {
                instance: instance.name.clone(),
                database: multi_contexts
                    .iter()
                    .map(|c| c.database.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                folder: folder.clone(),
                files: files.len(),
            });
            place(&mut output, &folder, files);
        }
        if instance_assessment.databases.is_empty() {
            output.skipped.push(Skipped {
                instance: instance.name.clone(),
                database: None,
                verdict: instance_assessment.verdict.as_str().to_string(),
                reason: if instance_assessment.errors.is_empty() {
                    "no user database was found".to_string()
                } else {
                    format!("not assessed: {}", instance_assessment.errors.join("; "))
                },
            });
        }
    }
    let index = renderer.index(&IndexContext {
        target,
        bundles: output
            .bundles
            .iter()
            .map(|b| IndexBundle {
                instance: markdown_code(&b.instance),
                database: markdown_code(&b.database),
                folder: b.folder.join("/"),
            })
            .collect(),
        skipped: output
            .skipped
            .iter()
            .map(|s| IndexSkipped {
                instance: markdown_code(&s.instance),
                database: s.database.as_deref().map(markdown_code).unwrap_or_default(),
                verdict: s.verdict.clone(),
                reason: markdown_text(&s.reason),
            })
            .collect(),
    })?;
    output.files.push(SetupFile {
        path: vec!["README.md".to_string()],
        contents: index,
    });
    Ok(output)
}

/// Rendered files placed under `folder` in the output.
fn place(output: &mut SetupOutput, folder: &[String], files: Vec<(String, String)>) {
    output
        .files
        .extend(files.into_iter().map(|(name, contents)| SetupFile {
            path: folder.iter().cloned().chain([name]).collect(),
            contents,
        }));
}

/// Why a ready database cannot join the multiple-database link linkready
/// writes (preview: a new single-node group, SQL Server as the initial
/// primary, Az.Sql 7.1.0); None outside that mode.
fn multi_database_refusal(options: &SetupOptions, context: &BundleContext) -> Option<String> {
    if !options.multiple_database {
        return None;
    }
    if options.initial_primary == InitialPrimary::ManagedInstance {
        return Some("[scripts] link_mode = \"multiple-database\" with the managed instance as the initial primary is not documented step by step (managed-instance-link-extend-availability-group.md): not written".to_string());
    }
    if options.azsql_legacy {
        return Some("the multiple-database link needs New-AzSqlInstanceLink -LinkMode (Az.Sql 7.1.0), not --azsql-legacy".to_string());
    }
    if context.existing_ag {
        return Some(format!(
            "{:?} is in availability group {:?}: a multiple-database link carries a whole group, and linkready writes one for databases outside availability groups; extend that group's link by hand (managed-instance-link-extend-availability-group.md)",
            context.database, context.sql_ag
        ));
    }
    None
}

/// Why a database gets no scripts: its blockers, or what could not be seen.
fn why_not(
    instance: &Instance,
    found: &InstanceOutcomes,
    database: &str,
    verdict: Verdict,
) -> String {
    let mut reasons: Vec<String> = Vec::new();
    for finding in &found.findings {
        if finding.severity == Severity::Blocker && concerns(finding.database.as_deref(), database)
        {
            let reason = format!(
                "{} {}: {}",
                finding.rule.id, finding.rule.name, finding.message
            );
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
    }
    if verdict == Verdict::Unknown {
        for unknown in &found.unknowns {
            if !unknown.needs_target && concerns(unknown.database.as_deref(), database) {
                reasons.push(format!(
                    "{} {} not assessed: {}",
                    unknown.rule.id, unknown.rule.name, unknown.reason
                ));
            }
        }
        reasons.extend(instance.errors.iter().map(|e| format!("not assessed: {e}")));
    }
    if reasons.is_empty() {
        reasons.push(format!("verdict {verdict}"));
    }
    reasons.join("; ")
}

/// The endpoint port per instance: an existing endpoint keeps its port; a
/// configured one wins next; a default instance gets 5022 and each named
/// instance on the same host the next free port from 5023 (one endpoint
/// per port per host).
fn endpoint_ports(estate: &Estate, options: &SetupOptions) -> BTreeMap<String, u16> {
    let mut used: BTreeMap<String, BTreeSet<u16>> = BTreeMap::new();
    let mut chosen = BTreeMap::new();
    let mut open = Vec::new();
    for instance in &estate.instances {
        let server = server_name(instance);
        let host = host_of(server).to_lowercase();
        let existing = existing_endpoint(instance).and_then(|e| e.port);
        let configured = instance_options(instance, options).and_then(|o| o.endpoint_port);
        match existing.or(configured) {
            Some(port) => {
                used.entry(host).or_default().insert(port);
                chosen.insert(instance.name.clone(), port);
            }
            None => open.push((instance.name.clone(), host, server.contains('\\'))),
        }
    }
    // Default instances first. A named instance never takes 5022: the
    // host's default instance, assessed or not, may need it.
    open.sort_by_key(|(_, _, named)| *named);
    for (name, host, named) in open {
        let taken = used.entry(host).or_default();
        let mut port = DEFAULT_ENDPOINT_PORT + u16::from(named);
        while taken.contains(&port) {
            port += 1;
        }
        taken.insert(port);
        chosen.insert(name, port);
    }
    chosen
}

/// @@SERVERNAME when it was collected, else the name the report uses.
fn server_name(instance: &Instance) -> &str {
    instance
        .facts
        .server_name
        .as_known()
        .map_or(instance.name.as_str(), String::as_str)
}

fn host_of(server: &str) -> &str {
    server.split(['\\', ',']).next().unwrap_or(server)
}

fn instance_options<'o>(
    instance: &Instance,
    options: &'o SetupOptions,
) -> Option<&'o super::InstanceEndpoint> {
    let server = server_name(instance);
    options.instances.iter().find(|o| {
        o.instance.eq_ignore_ascii_case(&instance.name) || o.instance.eq_ignore_ascii_case(server)
    })
}

fn existing_endpoint(instance: &Instance) -> Option<&MirroringEndpoint> {
    instance
        .facts
        .objects
        .mirroring_endpoints
        .first()
        .map(|fact| &fact.value)
}

fn version_name(major: u16) -> &'static str {
    match major {
        13 => "SQL Server 2016",
        14 => "SQL Server 2017",
        15 => "SQL Server 2019",
        16 => "SQL Server 2022",
        17 => "SQL Server 2025",
        _ => "SQL Server",
    }
}

/// What is decided once per instance; [`InstancePlan::database`] adds what
/// differs per database.
struct InstancePlan<'a> {
    instance: &'a Instance,
    target: &'a LinkTarget,
    options: &'a SetupOptions,
    server: String,
    version: ProductVersion,
    endpoint: Option<&'a MirroringEndpoint>,
    certificate: String,
    address: String,
    port: u16,
    two_way: bool,
    link_mode_reason: String,
    /// Why no database of this instance can have the configured scripts,
    /// checked after the database's own name.
    refusal: Option<String>,
    /// Manual steps for the server itself, listed before the database's.
    server_steps: Vec<String>,
    /// Manual steps for the connection and the endpoint, listed after the database's.
    connection_steps: Vec<String>,
}

impl<'a> InstancePlan<'a> {
    fn new(
        instance: &'a Instance,
        ports: &BTreeMap<String, u16>,
        options: &'a SetupOptions,
        target: &'a LinkTarget,
    ) -> Result<InstancePlan<'a>, String> {
        if instance.source == Source::Script {
            return Err("script files show no instance facts (version, endpoint, master key, @@SERVERNAME); \
                 assess the server live (--server) or from an inventory to get its scripts"
                .to_string());
        }
        let Some(version) = instance.facts.version.as_known().copied() else {
            return Err("the server's version was not collected".to_string());
        };
        let Some(server) = instance.facts.server_name.as_known().cloned() else {
            return Err(
                "@@SERVERNAME was not collected (the availability group names the replica by it)"
                    .to_string(),
            );
        };
        let configured = instance_options(instance, options).and_then(|o| o.address.clone());
        let address_configured = configured.is_some();
        let address = configured.unwrap_or_else(|| host_of(&server).to_string());
        let port = ports
            .get(&instance.name)
            .copied()
            .unwrap_or(DEFAULT_ENDPOINT_PORT);
        let endpoint = existing_endpoint(instance);
        let certificate = endpoint
            .and_then(|e| e.certificate.clone())
            .unwrap_or_else(|| format!("Cert_{}_endpoint", server.replace('\\', "_")));
        let mut plan = InstancePlan {
            instance,
            target,
            options,
            server,
            version,
            endpoint,
            certificate,
            address,
            port,
            two_way: false,
            link_mode_reason: String::new(),
            refusal: None,
            server_steps: Vec::new(),
            connection_steps: Vec::new(),
        };
        (plan.two_way, plan.link_mode_reason) = plan.link_mode();
        plan.refusal = plan.refusal();
        plan.server_steps = plan.server_steps();
        plan.connection_steps = plan.connection_steps(address_configured);
        Ok(plan)
    }

    fn policy_matches(&self) -> Option<bool> {
        let policy = self.target.update_policy?;
        Some(matches!(
            (self.version.major, policy),
            (16, UpdatePolicy::SqlServer2022) | (17, UpdatePolicy::SqlServer2025)
        ))
    }

    /// The instance's names sqlcmd cannot carry, or a configured variant
    /// this server cannot do.
    fn refusal(&self) -> Option<String> {
        let named = [
            ("@@SERVERNAME", Some(self.server.as_str())),
            ("the endpoint name", self.endpoint.map(|e| e.name.as_str())),
            (
                "the endpoint certificate's name",
                self.endpoint.and_then(|e| e.certificate.as_deref()),
            ),
            ("the address", Some(self.address.as_str())),
        ];
        for (what, name) in named {
            if let Some(hazard) = name.and_then(sqlcmd_hazard) {
                return Some(unsafe_name(what, hazard));
            }
        }
        if self.options.initial_primary != InitialPrimary::ManagedInstance {
            return None;
        }
        if self.options.azsql_legacy {
            return Some("[scripts] initial_primary = \"managed-instance\" needs New-AzSqlInstanceLink -InstanceLinkRole (Az.Sql 6.0.0 and later), not --azsql-legacy".to_string());
        }
        if self.version < MI_PRIMARY_MINIMUM {
            return Some(format!(
                "[scripts] initial_primary = \"managed-instance\" needs SQL Server 2022 CU10 (16.0.4095.4) or later; this server is {}",
                self.version
            ));
        }
        if self.policy_matches() != Some(true) {
            return Some(format!(
                "[scripts] initial_primary = \"managed-instance\" needs {}'s update policy to match {} ([target] update_policy)",
                self.target.name,
                version_name(self.version.major)
            ));
        }
        None
    }

    fn link_mode(&self) -> (bool, String) {
        if self.version.major < 16 {
            return (
                false,
                format!(
                    "{} links one way: failing over ends the link (no failback)",
                    version_name(self.version.major)
                ),
            );
        }
        match (self.options.link_mode, self.policy_matches()) {
            (Some(LinkMode::OneWay), _) => (
                false,
                "one-way, as configured ([scripts] link_mode): failing over ends the link".to_string(),
            ),
            (_, Some(true)) => (
                true,
                "two-way: the update policy matches, so the database can fail back online".to_string(),
            ),
            (_, Some(false)) => (
                false,
                "one-way: the target's update policy does not match this SQL Server version, so failback is impossible (MI-LINK.md §2)"
                    .to_string(),
            ),
            (Some(LinkMode::TwoWay), None) => (
                true,
                "two-way, as configured ([scripts] link_mode); check that the target's update policy matches this SQL Server version".to_string(),
            ),
            (None, None) => (
                false,
                "one-way: linkready.toml gives no [target] update_policy, and failback needs a matching one (set it, or link_mode = \"two-way\")"
                    .to_string(),
            ),
        }
    }

    fn flag_on(&self, flag: u16) -> bool {
        self.instance
            .facts
            .objects
            .trace_flags
            .as_known()
            .is_some_and(|flags| flags.contains(&flag))
    }

    fn server_steps(&self) -> Vec<String> {
        let mut steps = Vec::new();
        if self.instance.facts.hadr_enabled.as_known().copied() == Some(false) {
            steps.push("Enable Always On availability groups before 06 (SQL Server Configuration Manager → the service → Always On; on Linux `mssql-conf set hadr.hadrenabled 1`) and restart the SQL Server service.".to_string());
        }
        if self.version.major == 13 {
            steps.push("SQL Server 2016: the host must be a node of a Windows Server Failover Cluster (a single-node cluster is enough) before 06; 06 grants the permissions `NT AUTHORITY\\SYSTEM` needs.".to_string());
        }
        steps
    }

    fn connection_steps(&self, address_configured: bool) -> Vec<String> {
        let mut steps = Vec::new();
        if !address_configured {
            steps.push(format!(
                "The managed instance connects to {} (the host of @@SERVERNAME). If it cannot resolve that name, set `address` under `[scripts.instances.\"{}\"]` in linkready.toml and generate again.",
                markdown_code(&self.address),
                self.server.replace('\\', "\\\\").replace('"', "\\\"")
            ));
        }
        if self.endpoint.is_none() && self.server.contains('\\') {
            steps.push(format!(
                "Named instance: the new endpoint listens on port {} (each instance on a host needs its own; set `endpoint_port` to choose another).",
                self.port
            ));
        }
        if self.flag_on(12381) {
            steps.push("Trace flag 12381 is on: 10 turns it off after seeding; remove `-T12381` from the startup parameters too.".to_string());
        }
        let flags_known = self.instance.facts.objects.trace_flags.as_known().is_some();
        let missing_flags: Vec<String> = [1800u16, 9567]
            .into_iter()
            .filter(|f| flags_known && !self.flag_on(*f))
            .map(|f| format!("`-T{f}`"))
            .collect();
        if !missing_flags.is_empty() {
            steps.push(format!(
                "Recommended, not required: startup trace flags {} (then restart).",
                missing_flags.join(" and ")
            ));
        }
        if let Some(endpoint) = self.endpoint {
            let algorithm = endpoint.algorithm.as_deref().unwrap_or_default();
            if !algorithm.eq_ignore_ascii_case("AES") {
                steps.push(format!(
                    "05 sets the existing endpoint's encryption to AES (it was {}): replicas of other availability groups on this endpoint must accept AES.",
                    if algorithm.is_empty() { "unknown".to_string() } else { markdown_code(algorithm) }
                ));
            }
        }
        steps
    }

    /// The bundle of one ready database, or why it gets none.
    fn database(
        &self,
        database: &str,
        found: &InstanceOutcomes,
        claimed: &BTreeMap<String, String>,
    ) -> Result<BundleContext, String> {
        let instance = self.instance;
        let target = self.target;
        if !instance.is_selected(database) {
            return Err("not selected (--database)".to_string());
        }
        if target
            .databases
            .iter()
            .any(|name| name.eq_ignore_ascii_case(database))
        {
            return Err(format!(
                "a database named {database:?} is already on {} (linkready.toml [target] databases)",
                target.name
            ));
        }
        if let Some(first) = claimed.get(&database.to_lowercase()) {
            return Err(format!(
                "{database:?} from {first} already takes this name on {}; one managed instance holds one database of a name",
                target.name
            ));
        }
        if let Some(hazard) = sqlcmd_hazard(database) {
            return Err(unsafe_name("the database name", hazard));
        }
        if let Some(refusal) = &self.refusal {
            return Err(refusal.clone());
        }
        let options = self.options;
        let short = azure_name(database, NAME_BUDGET);
        // A database alone in a plain availability group (LR207 info): the
        // link reuses that group (managed-instance-link-configure-how-to-
        // scripts.md: skip creating one when it exists). With one replica the
        // distributed group names this instance's endpoint; with more it must
        // name the group's listener, which is not collected: refused.
        let membership = instance
            .databases
            .iter()
            .find(|d| d.name == database)
            .and_then(|d| d.facts.availability_group.as_ref())
            .map(|fact| &fact.value);
        let existing_ag = match membership {
            None => None,
            Some(ag) if ag.distributed || ag.contained || ag.databases_in_group != 1 => {
                return Err(format!(
                    "{database:?} is in availability group {:?}, which the link cannot reuse (LR207)",
                    ag.group
                ));
            }
            Some(ag) if options.initial_primary == InitialPrimary::ManagedInstance => {
                return Err(format!(
                    "{database:?} is already in availability group {:?}: the managed instance cannot be the initial primary of a database SQL Server already holds",
                    ag.group
                ));
            }
            Some(ag) => match ag.replicas {
                Some(1) => {
                    if let Some(hazard) = sqlcmd_hazard(&ag.group) {
                        return Err(unsafe_name("the availability group's name", hazard));
                    }
                    Some(ag.group.clone())
                }
                Some(replicas) => {
                    return Err(format!(
                        "{database:?} is alone in availability group {:?} with {replicas} replicas: the link must name that group's listener address (MI-LINK.md §4), which linkready does not collect; create this link with the SSMS wizard, or give the group's listener by hand",
                        ag.group
                    ));
                }
                None => {
                    return Err(format!(
                        "{database:?} is in availability group {:?}, whose replicas were not collected (an inventory from an older collector): collect again to reuse it",
                        ag.group
                    ));
                }
            },
        };
        let mi_primary = options.initial_primary == InitialPrimary::ManagedInstance;
        let tde_certificates: Vec<String> = instance
            .databases
            .iter()
            .find(|d| d.name == database)
            .map(|d| {
                d.facts
                    .encryption_keys
                    .iter()
                    .map(|k| markdown_code(k.value.certificate.as_deref().unwrap_or("(unnamed)")))
                    .collect()
            })
            .unwrap_or_default();
        let backup_file = |suffix: &str| {
            let file = format!("{short}_link_{suffix}");
            match &options.backup_directory {
                Some(dir) => {
                    let separator = if dir.contains('/') && !dir.contains('\\') {
                        '/'
                    } else {
                        '\\'
                    };
                    format!("{}{separator}{file}", dir.trim_end_matches(['\\', '/']))
                }
                None => file,
            }
        };
        let mut mi_listener_url = format!(
            "tcp://{}:{DEFAULT_ENDPOINT_PORT};Server=[{}]",
            target.fqdn, target.name
        );
        if mi_primary {
            mi_listener_url.push_str(&format!(";Database={}", tsql_name(database)));
        }
        let conditions: Vec<Condition> = found
            .findings
            .iter()
            .filter(|f| concerns(f.database.as_deref(), database))
            .map(|f| Condition {
                rule: f.rule.id,
                name: f.rule.name,
                severity: f.severity.as_str(),
                text: markdown_text(&f.message),
                object: f.object.as_deref().map(markdown_code).unwrap_or_default(),
            })
            .collect();
        let mut manual = self.server_steps.clone();
        if !tde_certificates.is_empty() {
            manual.push(format!(
                "The database is encrypted (TDE, certificate {}): upload that certificate with its private key to {} before 08 (Azure portal or `Add-AzSqlManagedInstanceTransparentDataEncryptionCertificate`); seeding fails without it.",
                tde_certificates.join(", "),
                target.name
            ));
        }
        manual.extend(self.connection_steps.iter().cloned());
        let endpoint = self.endpoint;
        Ok(BundleContext {
            instance: instance.name.clone(),
            sqlcmd_server: sqlcmd_server(&instance.name),
            server: self.server.clone(),
            version: self.version.to_string(),
            version_name: version_name(self.version.major),
            sql2016: self.version.major == 13,
            database: database.to_string(),
            sql_ag: existing_ag.clone().unwrap_or_else(|| format!("AG_{short}")),
            existing_ag: existing_ag.is_some(),
            mi_ag: format!("AG_{short}_MI"),
            dag: link_name(database, NAME_BUDGET),
            certificate_subject: format!(
                "Database mirroring endpoint certificate of {}",
                self.server
            ),
            certificate: self.certificate.clone(),
            certificate_expiry: options.certificate_expiry.clone(),
            certificate_expiry_tsql: options.certificate_expiry.replace('-', ""),
            master_key_exists: instance.facts.master_key.as_known().copied() == Some(true),
            endpoint_exists: endpoint.is_some(),
            endpoint_name: endpoint
                .map_or(NEW_ENDPOINT_NAME, |e| e.name.as_str())
                .to_string(),
            endpoint_authentication: endpoint
                .filter(|e| e.certificate_authentication == Some(true))
                .and_then(|e| e.certificate.as_ref())
                .map_or_else(
                    || "Windows".to_string(),
                    |c| format!("Windows or certificate {c}"),
                ),
            port: self.port,
            endpoint_url: format!("TCP://{}:{}", self.address, self.port),
            address: self.address.clone(),
            // Test-NetConnection -InformationLevel Quiet prints True or
            // False (managed-instance-link-preparation.md, "Test bidirectional
            // network connectivity").
            probe_to_managed_instance: format!(
                "Test-NetConnection -ComputerName {} -Port 5022 -InformationLevel Quiet",
                super::quote::powershell_string(&target.fqdn)
            ),
            network_row_example: format!(
                "network-test|{}|sql-server-to-managed-instance|PORT|True or False|ADDRESS|DATE",
                instance.name
            ),
            probe_to_sql_server: format!(
                "Test-NetConnection -ComputerName {} -Port {} -InformationLevel Quiet",
                super::quote::powershell_string(&self.address),
                self.port
            ),
            mi_listener_url,
            target: target.clone(),
            backup_full: backup_file("full.bak"),
            backup_log: backup_file("log.trn"),
            mi_primary,
            two_way: self.two_way,
            link_mode_reason: self.link_mode_reason.clone(),
            tsql_failover: self.version >= TSQL_FAILOVER_MINIMUM,
            keep_link: self.two_way && self.version >= TSQL_FAILOVER_MINIMUM,
            major: self.version.major,
            major_below_2022: self.version.major < 16,
            forced_failover: !mi_primary
                && (self.version >= TSQL_FAILOVER_MINIMUM
                    || (!options.azsql_legacy && self.version.major >= 16)),
            azsql_legacy: options.azsql_legacy,
            trace_flag_12381: self.flag_on(12381),
            manual,
            conditions,
        })
    }
}

fn unsafe_name(what: &str, hazard: &str) -> String {
    format!(
        "{what} {hazard}: the scripts could not be run safely with sqlcmd; set this link up by hand"
    )
}

/// What every template of one bundle sees.
#[derive(Debug, Serialize)]
pub(super) struct BundleContext {
    pub instance: String,
    /// The instance as sqlcmd's `-S` argument (quoted for a shell).
    pub sqlcmd_server: String,
    /// @@SERVERNAME: the replica name in the availability group.
    pub server: String,
    pub version: String,
    pub version_name: &'static str,
    pub sql2016: bool,
    pub database: String,
    pub sql_ag: String,
    /// `sql_ag` existed before the link (a database alone in a one-replica
    /// group): 06 checks it instead of creating it; removal keeps it.
    pub existing_ag: bool,
    pub mi_ag: String,
    pub dag: String,
    pub certificate: String,
    pub certificate_subject: String,
    /// `YYYY-MM-DD`.
    pub certificate_expiry: String,
    /// `YYYYMMDD`: the form T-SQL reads the same under every language and DATEFORMAT.
    pub certificate_expiry_tsql: String,
    pub master_key_exists: bool,
    pub endpoint_exists: bool,
    pub endpoint_name: String,
    pub endpoint_authentication: String,
    pub port: u16,
    pub endpoint_url: String,
    /// The address the managed instance reaches SQL Server at.
    pub address: String,
    /// The network test kit's PowerShell probes (Test-NetConnection, quoted).
    pub probe_to_managed_instance: String,
    pub probe_to_sql_server: String,
    /// A result row as the kit writes it, for one typed by hand.
    pub network_row_example: String,
    pub mi_listener_url: String,
    pub target: LinkTarget,
    pub backup_full: String,
    pub backup_log: String,
    pub mi_primary: bool,
    pub two_way: bool,
    pub link_mode_reason: String,
    pub tsql_failover: bool,
    /// A planned failover keeps the link (two-way, T-SQL failover): else
    /// the failover is a migration that breaks it.
    pub keep_link: bool,
    pub major: u16,
    pub major_below_2022: bool,
    /// A forced failover script exists (T-SQL or Azure), and so split-brain.sql.
    pub forced_failover: bool,
    pub azsql_legacy: bool,
    pub trace_flag_12381: bool,
    /// Markdown list items: what must be done by hand.
    pub manual: Vec<String>,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Serialize)]
pub(super) struct Condition {
    pub rule: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub text: String,
    pub object: String,
}

#[derive(Serialize)]
pub(super) struct IndexContext<'a> {
    pub target: &'a LinkTarget,
    pub bundles: Vec<IndexBundle>,
    pub skipped: Vec<IndexSkipped>,
}

#[derive(Serialize)]
pub(super) struct IndexBundle {
    pub instance: String,
    pub database: String,
    pub folder: String,
}

#[derive(Serialize)]
pub(super) struct IndexSkipped {
    pub instance: String,
    pub database: String,
    pub verdict: String,
    pub reason: String,
}
