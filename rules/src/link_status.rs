//! `linkready status`: one verdict per existing link (healthy, degraded,
//! broken, or unknown when what decides it could not be read), with the
//! reasons, each naming the Microsoft page it rests on. Pure: it reads the
//! fact model (crate::link_facts and the instance's endpoints, trace flags
//! and backup history), wherever the facts came from.
//!
//! Sources (MicrosoftDocs/sql-docs):
//! - STATE: docs/relational-databases/system-dynamic-management-objects/
//!   sys-dm-hadr-availability-replica-states-transact-sql.md (connected_state,
//!   synchronization_health; a remote replica has a row only on the primary)
//! - DBSTATE: …/sys-dm-hadr-database-replica-states-transact-sql.md
//!   (synchronization_state "NOT SYNCHRONIZING", is_suspended, secondary_lag_seconds)
//! - SEEDING: …/sys-dm-hadr-automatic-seeding.md and
//!   …/sys-dm-hadr-physical-seeding-stats.md
//! - TROUBLESHOOT: azure-sql/managed-instance/managed-instance-link-troubleshoot-how-to.md
//!   ("Initial seeding": cancelled after 6 days, restarts after an
//!   interruption; errors 1408/1412 from log backups during seeding; trace
//!   flag 12381 off once seeding is done; "Expired certificate"; "Database
//!   unavailable after server restart": the managed instance's first full backup)
//! - BEST: azure-sql/managed-instance/managed-instance-link-best-practices.md
//!   ("Take log backups regularly"; "Rotate certificate")
//! - FAILOVER: azure-sql/managed-instance/managed-instance-link-failover-how-to.md
//!   (after a forced failover both sides can be primary: split brain)

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::link_facts::{
    Link, LinkDatabase, LinkMember, LinkSeeding, is_managed_instance_endpoint,
};
use crate::model::{FactSet, Instance, Known};

/// A link's verdict, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkHealth {
    Healthy,
    /// What decides it could not be read: never a pass.
    Unknown,
    Degraded,
    Broken,
}

impl LinkHealth {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkHealth::Healthy => "healthy",
            LinkHealth::Unknown => "unknown",
            LinkHealth::Degraded => "degraded",
            LinkHealth::Broken => "broken",
        }
    }
}

/// What the verdict takes as limits that Microsoft's pages give no number
/// for (linkready's policy, said as such in the output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatusPolicy {
    /// A secondary trailing by more than this is degraded.
    pub max_lag_seconds: i64,
    /// An endpoint certificate expiring within this many days is degraded
    /// (the same setting as LR109).
    pub certificate_expiry_days: i64,
}

/// Automatic seeding of a link is cancelled after six days
/// (TROUBLESHOOT, "Initial seeding"; LR214 estimates against it too).
pub const SEEDING_LIMIT_DAYS: i64 = 6;
const SEEDING_LIMIT_MINUTES: i64 = SEEDING_LIMIT_DAYS * 24 * 60;

/// The trace flag that keeps the log during seeding (TROUBLESHOOT).
pub const SEEDING_TRACE_FLAG: u16 = 12381;

/// One reason for a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusReason {
    /// The verdict this reason alone gives (healthy: a note).
    pub health: LinkHealth,
    /// A short stable key (`disconnected`, `seeding-cancelled`, …).
    pub key: &'static str,
    pub text: String,
    /// The page it rests on (MicrosoftDocs/sql-docs path), or "linkready
    /// policy" for a limit Microsoft does not give.
    pub source: &'static str,
}

/// One database of a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatabaseStatus {
    pub database: String,
    /// `seeding`, `synchronizing`, `synchronized`, `not synchronizing`,
    /// `suspended`, `failed seeding`, `unknown`.
    pub state: String,
    pub health: LinkHealth,
    /// The partner's (secondary's) row when this side is primary, else the local one.
    pub synchronization_state: Option<String>,
    pub synchronization_health: Option<String>,
    /// ONLINE, RESTORING, RECOVERING, RECOVERY_PENDING, SUSPECT, EMERGENCY, OFFLINE.
    pub database_state: Option<String>,
    pub secondary_lag_seconds: Option<i64>,
    pub log_send_queue_kb: Option<i64>,
    pub redo_queue_kb: Option<i64>,
    pub seeding: Option<LinkSeeding>,
    /// Seeding progress, 0–100, while it runs.
    pub seeding_percent: Option<u8>,
    /// Log backups in the last day (msdb), when read.
    pub log_backups_last_day: Option<usize>,
}

/// One link as seen from one instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkStatus {
    pub instance: String,
    pub link: String,
    pub health: LinkHealth,
    pub reasons: Vec<StatusReason>,
    pub local_member: Option<String>,
    /// PRIMARY or SECONDARY: which side leads the link now.
    pub local_role: Option<String>,
    pub partner_member: Option<String>,
    pub partner_endpoint: Option<String>,
    pub connected_state: Option<String>,
    pub synchronization_health: Option<String>,
    pub availability_mode: Option<String>,
    pub certificate_days_left: Option<i64>,
    /// Trace flag 12381 is on, when the trace flags were read.
    pub trace_flag_12381: Option<bool>,
    pub databases: Vec<DatabaseStatus>,
    /// The two member groups' names, lower-cased and sorted: with the
    /// link's name, what tells one link seen from its two sides.
    #[serde(skip)]
    pub member_key: String,
}

/// What status found on one instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstanceStatus {
    pub instance: String,
    /// Why the links could not be read, if so (the instance is unknown).
    pub unknown: Option<String>,
    pub links: Vec<LinkStatus>,
}

/// Judges every link of every instance, then across instances: two sides
/// of one link that both say primary are a split brain.
pub fn link_statuses(instances: &[Instance], policy: &StatusPolicy) -> Vec<InstanceStatus> {
    let mut statuses: Vec<InstanceStatus> = instances
        .iter()
        .map(|instance| instance_status(instance, policy))
        .collect();
    // One link seen from two servers: the same name and the same two
    // member groups; a server read twice (live and from its inventory)
    // counts once.
    let mut primaries: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for status in &statuses {
        for link in &status.links {
            if link.local_role.as_deref() == Some("PRIMARY") {
                primaries
                    .entry((link.link.to_lowercase(), link.member_key.clone()))
                    .or_default()
                    .insert(status.instance.to_lowercase());
            }
        }
    }
    for status in &mut statuses {
        for link in &mut status.links {
            let Some(sides) = primaries.get(&(link.link.to_lowercase(), link.member_key.clone()))
            else {
                continue;
            };
            if sides.len() > 1 && link.local_role.as_deref() == Some("PRIMARY") {
                let here = status.instance.to_lowercase();
                let others: Vec<&str> = sides
                    .iter()
                    .map(String::as_str)
                    .filter(|side| *side != here)
                    .collect();
                let text = format!(
                    "split brain: {} is primary here and on {} (after a forced failover, set the old primary to secondary with ALTER AVAILABILITY GROUP … SET (ROLE = SECONDARY), or drop the link)",
                    link.link,
                    others.join(", ")
                );
                push(link, [(LinkHealth::Broken, "split-brain", text, FAILOVER)]);
            }
        }
    }
    statuses
}

const STATE: &str = "docs/relational-databases/system-dynamic-management-objects/sys-dm-hadr-availability-replica-states-transact-sql.md";
const DBSTATE: &str = "docs/relational-databases/system-dynamic-management-objects/sys-dm-hadr-database-replica-states-transact-sql.md";
const SEEDING: &str =
    "docs/relational-databases/system-dynamic-management-objects/sys-dm-hadr-automatic-seeding.md";
const TROUBLESHOOT: &str =
    "azure-sql/managed-instance/managed-instance-link-troubleshoot-how-to.md";
const BEST: &str = "azure-sql/managed-instance/managed-instance-link-best-practices.md";
const FAILOVER: &str = "azure-sql/managed-instance/managed-instance-link-failover-how-to.md";
const POLICY: &str = "linkready policy (Microsoft's pages give no number)";

/// A reason before it joins a link: its verdict, key, text and source.
type Reason = (LinkHealth, &'static str, String, &'static str);

/// Adds reasons to the link; its verdict is the worst of them.
fn push(link: &mut LinkStatus, reasons: impl IntoIterator<Item = Reason>) {
    for (health, key, text, source) in reasons {
        link.health = link.health.max(health);
        link.reasons.push(StatusReason {
            health,
            key,
            text,
            source,
        });
    }
}

fn instance_status(instance: &Instance, policy: &StatusPolicy) -> InstanceStatus {
    let links = match &instance.facts.links {
        Known::Known(links) => links,
        Known::Unknown(reason) => {
            return InstanceStatus {
                instance: instance.name.clone(),
                unknown: Some(reason.clone()),
                links: Vec::new(),
            };
        }
    };
    let links: Vec<(&Link, Vec<&str>)> = links
        .iter()
        .filter(|link| link.is_managed_instance_link())
        .map(|link| (link, running_seedings(link)))
        .collect();
    // Trace flag 12381 stays on until seeding ends "for all links being
    // created" (TROUBLESHOOT): a seeding on any link of the instance.
    let seeding_anywhere = links.iter().any(|(_, running)| !running.is_empty());
    InstanceStatus {
        instance: instance.name.clone(),
        unknown: None,
        links: links
            .iter()
            .map(|(link, running)| judge(instance, link, running, policy, seeding_anywhere))
            .collect(),
    }
}

/// The databases whose seeding runs (younger than the six days after
/// which it is cancelled).
fn running_seedings(link: &Link) -> Vec<&str> {
    link.seeding
        .as_known()
        .map(|rows| {
            rows.iter()
                .filter(|s| {
                    s.is_running()
                        && s.started_minutes_ago
                            .is_none_or(|m| m < SEEDING_LIMIT_MINUTES)
                })
                .map(|s| s.database.as_str())
                .collect()
        })
        .unwrap_or_default()
}

fn is_not_synchronizing(state: &str) -> bool {
    // DBSTATE spells it with a space; accept the underscore too.
    state.eq_ignore_ascii_case("NOT SYNCHRONIZING")
        || state.eq_ignore_ascii_case("NOT_SYNCHRONIZING")
}

/// A replica state that says data moves (SYNCHRONIZING or SYNCHRONIZED).
fn moves_data(state: Option<&str>) -> bool {
    state.is_some_and(|s| {
        s.eq_ignore_ascii_case("SYNCHRONIZING") || s.eq_ignore_ascii_case("SYNCHRONIZED")
    })
}

fn judge(
    instance: &Instance,
    link: &Link,
    running: &[&str],
    policy: &StatusPolicy,
    seeding_anywhere: bool,
) -> LinkStatus {
    let local = link.local_member();
    let partner = link.partner_member();
    let local_role = local.and_then(|m| m.role.clone());
    let primary_here = local_role.as_deref() == Some("PRIMARY");
    // The partner's state row exists only on the primary (STATE); on the
    // secondary, the local row says whether it is connected to the primary.
    let state_row = if primary_here { partner } else { local };
    let here_is_managed_instance = local
        .and_then(|m| m.endpoint_url.as_deref())
        .is_some_and(is_managed_instance_endpoint);
    let certificate_days_left = instance
        .facts
        .objects
        .mirroring_endpoints
        .iter()
        .filter_map(|endpoint| endpoint.value.certificate_days_left)
        .min();
    let trace_flag_12381 = instance
        .facts
        .objects
        .trace_flags
        .as_known()
        .map(|flags| flags.contains(&SEEDING_TRACE_FLAG));
    let mut status = LinkStatus {
        instance: instance.name.clone(),
        link: link.name.clone(),
        health: LinkHealth::Healthy,
        reasons: Vec::new(),
        local_member: local.map(|m| m.name.clone()),
        local_role: local_role.clone(),
        partner_member: partner.map(|m| m.name.clone()),
        partner_endpoint: partner.and_then(|m| m.endpoint_url.clone()),
        connected_state: state_row.and_then(|m| m.connected_state.clone()),
        synchronization_health: state_row.and_then(|m| m.synchronization_health.clone()),
        availability_mode: partner
            .and_then(|m| m.availability_mode.clone())
            .or_else(|| local.and_then(|m| m.availability_mode.clone())),
        certificate_days_left,
        trace_flag_12381,
        databases: Vec::new(),
        member_key: {
            let mut names: Vec<String> =
                link.members.iter().map(|m| m.name.to_lowercase()).collect();
            names.sort();
            names.join("|")
        },
    };
    // While every database seeds, not synchronizing is what seeding looks
    // like (TROUBLESHOOT's auto-pause script waits for SYNCHRONIZING and
    // HEALTHY to call seeding done).
    let all_seeding = !running.is_empty()
        && link.databases.as_known().is_none_or(|rows| {
            rows.iter().all(|row| {
                running
                    .iter()
                    .any(|r| r.eq_ignore_ascii_case(&row.database))
            })
        });
    push(
        &mut status,
        replica_reasons(local, state_row, primary_here, all_seeding),
    );
    push(
        &mut status,
        instance_reasons(
            instance,
            here_is_managed_instance,
            certificate_days_left,
            policy,
        ),
    );

    // The databases.
    let seeding: &[LinkSeeding] = match &link.seeding {
        Known::Known(rows) => rows,
        Known::Unknown(reason) => {
            push(
                &mut status,
                [(
                    LinkHealth::Unknown,
                    "seeding-unread",
                    format!("seeding not read: {reason}"),
                    SEEDING,
                )],
            );
            &[]
        }
    };
    let rows: &[LinkDatabase] = match &link.databases {
        Known::Known(rows) => rows,
        Known::Unknown(reason) => {
            push(
                &mut status,
                [(
                    LinkHealth::Unknown,
                    "databases-unread",
                    format!("database replica states not read: {reason}"),
                    DBSTATE,
                )],
            );
            &[]
        }
    };
    let mut names: Vec<&str> = rows
        .iter()
        .map(|row| row.database.as_str())
        .chain(seeding.iter().map(|s| s.database.as_str()))
        .collect();
    names.sort_by_key(|name| name.to_lowercase());
    names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    if names.is_empty() && link.databases.as_known().is_some() {
        push(
            &mut status,
            [(
                LinkHealth::Unknown,
                "no-databases",
                "no database replica rows for the link: it has not started replicating, or it is a multiple-database link (preview), whose per-database groups sys.availability_groups does not show (managed-instance-link-extend-availability-group.md)".to_string(),
                DBSTATE,
            )],
        );
    }
    // The log-backup risks are SQL Server's as the primary (TROUBLESHOOT:
    // "while seeding with SQL Server as primary"; BEST: its log backups).
    let context = DatabaseContext {
        sql_server_primary: primary_here && !here_is_managed_instance,
        trace_flag_12381: trace_flag_12381 == Some(true),
        backups_unread: instance.gap(FactSet::Backups, None),
    };
    // After a failover to the managed instance, read there: its first full
    // backup of each database.
    let mut first_backups: Vec<Reason> = Vec::new();
    for name in names {
        let mut database = judge_database(instance, name, rows, seeding, primary_here);
        let reasons = database_reasons(&database, &context, policy);
        database.health = reasons
            .iter()
            .map(|(health, ..)| *health)
            .fold(database.health, LinkHealth::max);
        push(&mut status, reasons);
        if here_is_managed_instance && primary_here {
            first_backups.push(first_full_backup(instance, name));
        }
        status.databases.push(database);
    }

    // Trace flag 12381 keeps the log for seeding; off once seeding is done.
    // (SQL Server's flag: the managed instance side has nothing to turn off.)
    if trace_flag_12381 == Some(true)
        && !seeding_anywhere
        && !here_is_managed_instance
        && !status.databases.is_empty()
    {
        push(
            &mut status,
            [(
                LinkHealth::Degraded,
                "trace-flag-12381",
                "trace flag 12381 is still on after seeding finished: turn it off (DBCC TRACEOFF (12381, -1)) so the log can truncate as usual".to_string(),
                TROUBLESHOOT,
            )],
        );
    }
    push(&mut status, first_backups);
    if local_role.as_deref() == Some("SECONDARY") && !here_is_managed_instance {
        push(
            &mut status,
            [(
                LinkHealth::Healthy,
                "first-full-backup",
                "the managed instance is primary: before you drop the link, check its first full backup exists (msdb.dbo.backupset type 'D' on the managed instance; not readable from SQL Server)".to_string(),
                TROUBLESHOOT,
            )],
        );
    }
    status
}

/// The two members: who leads, whether the partner is connected, and the
/// distributed group's synchronization health.
fn replica_reasons(
    local: Option<&LinkMember>,
    state_row: Option<&LinkMember>,
    primary_here: bool,
    all_seeding: bool,
) -> Vec<Reason> {
    let local = match local {
        None => {
            return vec![(
                LinkHealth::Broken,
                "no-state",
                "this instance reports no state for the link's members: the managed instance has not joined, or the link was dropped on the Azure side".to_string(),
                STATE,
            )];
        }
        Some(local) if local.role.as_deref() == Some("RESOLVING") => {
            return vec![(
                LinkHealth::Broken,
                "resolving",
                format!("{} is RESOLVING: neither primary nor secondary", local.name),
                STATE,
            )];
        }
        Some(local) => local,
    };
    let Some(row) = state_row else {
        return vec![(
            LinkHealth::Broken,
            "partner-missing",
            "the primary reports no state for the managed instance's member: it has never connected".to_string(),
            STATE,
        )];
    };
    let mut reasons = Vec::new();
    if primary_here && row.role.as_deref() == Some("PRIMARY") {
        reasons.push((
            LinkHealth::Broken,
            "split-brain",
            format!(
                "split brain: {} and {} both report PRIMARY",
                local.name, row.name
            ),
            FAILOVER,
        ));
    }
    match row.connected_state.as_deref() {
        Some("CONNECTED") => {}
        Some(other) => {
            let error = row
                .last_connect_error
                .as_ref()
                .map(|e| {
                    format!(
                        "; last connection error {}{}{} (linkready explain {})",
                        e.number,
                        e.description
                            .as_deref()
                            .map(|d| format!(": {d}"))
                            .unwrap_or_default(),
                        e.minutes_ago
                            .map(|m| format!(", {} ago", minutes_text(m)))
                            .unwrap_or_default(),
                        e.number
                    )
                })
                .unwrap_or_default();
            reasons.push((
                LinkHealth::Broken,
                "disconnected",
                format!("{} is {other}{error}", row.name),
                STATE,
            ));
        }
        None => reasons.push((
            LinkHealth::Unknown,
            "connected-state-unread",
            format!("no connected state for {}", row.name),
            STATE,
        )),
    }
    match row.synchronization_health.as_deref() {
        Some("NOT_HEALTHY") if all_seeding => reasons.push((
            LinkHealth::Healthy,
            "not-healthy-while-seeding",
            "synchronization health NOT_HEALTHY while its databases seed".to_string(),
            STATE,
        )),
        Some("NOT_HEALTHY") => reasons.push((
            LinkHealth::Broken,
            "not-healthy",
            "synchronization health NOT_HEALTHY: a database is not synchronizing".to_string(),
            STATE,
        )),
        Some("PARTIALLY_HEALTHY") => reasons.push((
            LinkHealth::Degraded,
            "partially-healthy",
            "synchronization health PARTIALLY_HEALTHY: a database has not reached its target state"
                .to_string(),
            STATE,
        )),
        _ => {}
    }
    reasons
}

/// What the instance itself says about the link: its endpoint
/// certificate (TROUBLESHOOT "Expired certificate"; BEST "Rotate
/// certificate") and whether its trace flags could be read.
fn instance_reasons(
    instance: &Instance,
    here_is_managed_instance: bool,
    certificate_days_left: Option<i64>,
    policy: &StatusPolicy,
) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if let Some(reason) = instance.gap(FactSet::Endpoints, None) {
        reasons.push((
            LinkHealth::Unknown,
            "certificate-unread",
            format!("the endpoint certificate's expiry was not read: {reason}"),
            TROUBLESHOOT,
        ));
    }
    if let Some(reason) = instance.facts.objects.trace_flags.unknown_reason()
        && !here_is_managed_instance
    {
        reasons.push((
            LinkHealth::Unknown,
            "trace-flags-unread",
            format!("trace flag 12381 not checked: {reason}"),
            TROUBLESHOOT,
        ));
    }
    match certificate_days_left {
        Some(days) if days < 0 => reasons.push((
            LinkHealth::Broken,
            "certificate-expired",
            format!("the endpoint certificate expired {} days ago", -days),
            TROUBLESHOOT,
        )),
        Some(days) if days <= policy.certificate_expiry_days => reasons.push((
            LinkHealth::Degraded,
            "certificate-expiring",
            format!(
                "the endpoint certificate expires in {days} days (rotate it before: linkready rule LR109)"
            ),
            BEST,
        )),
        _ => {}
    }
    reasons
}

/// The managed instance's first full backup of `database`, read on the
/// managed instance (TROUBLESHOOT "Database unavailable after server
/// restart": msdb.dbo.backupset type 'D' there). A COPY_ONLY backup is a
/// user's, not Azure's own (TROUBLESHOOT marks is_copy_only = 1 as such).
fn first_full_backup(instance: &Instance, database: &str) -> Reason {
    match instance
        .database(database)
        .and_then(|db| db.facts.backups.as_ref())
    {
        Some(backups) if backups.value.full_backups > 0 => (
            LinkHealth::Healthy,
            "first-full-backup-taken",
            format!("{database}: the managed instance has taken its first full backup"),
            TROUBLESHOOT,
        ),
        Some(_) => (
            LinkHealth::Degraded,
            "no-first-full-backup",
            format!(
                "{database}: the managed instance has no full backup yet: do not drop the link before it has one (a restart could leave the database unavailable)"
            ),
            TROUBLESHOOT,
        ),
        None => (
            LinkHealth::Unknown,
            "first-full-backup-unread",
            format!(
                "{database}: the managed instance's backup history was not read: check its first full backup before dropping the link"
            ),
            TROUBLESHOOT,
        ),
    }
}

fn minutes_text(minutes: i64) -> String {
    match minutes {
        m if m < 120 => format!("{m} min"),
        m if m < 48 * 60 => format!("{} h", m / 60),
        m => format!("{} days", m / (24 * 60)),
    }
}

fn judge_database(
    instance: &Instance,
    name: &str,
    rows: &[LinkDatabase],
    seeding: &[LinkSeeding],
    primary_here: bool,
) -> DatabaseStatus {
    let mine: Vec<&LinkDatabase> = rows
        .iter()
        .filter(|row| row.database.eq_ignore_ascii_case(name))
        .collect();
    // On the primary, the partner's row says how far the secondary is (the
    // primary's own row always says SYNCHRONIZED: DBSTATE), so without it
    // the database's state is not known; on the secondary, its own row.
    let row = if primary_here {
        mine.iter().find(|row| !row.is_local)
    } else {
        mine.iter().find(|row| row.is_local).or(mine.first())
    };
    // The latest, when the database's seeding shows under both the
    // distributed group and its member group (the query matches both).
    let seeding = seeding
        .iter()
        .filter(|s| s.database.eq_ignore_ascii_case(name))
        .min_by_key(|s| s.started_minutes_ago.unwrap_or(i64::MAX))
        .cloned();
    let seeding_percent = seeding.as_ref().and_then(|s| {
        let (Some(done), Some(total)) = (s.transferred_bytes, s.database_bytes) else {
            return None;
        };
        (total > 0 && !s.completed).then(|| (done.clamp(0, total) * 100 / total) as u8)
    });
    let log_backups_last_day = instance
        .database(name)
        .and_then(|db| db.facts.backups.as_ref())
        .map(|b| b.value.log_backups_last_day);
    let state = match (&seeding, row) {
        (Some(s), row)
            if s.current_state.as_deref() == Some("FAILED")
                && !moves_data(row.and_then(|r| r.synchronization_state.as_deref())) =>
        {
            "failed seeding".to_string()
        }
        (Some(s), _) if s.is_running() => "seeding".to_string(),
        (_, Some(r)) if r.suspended => "suspended".to_string(),
        (_, Some(r)) => r.synchronization_state.as_deref().map_or_else(
            || "unknown".to_string(),
            |s| s.to_lowercase().replace('_', " "),
        ),
        (_, None) => "unknown".to_string(),
    };
    DatabaseStatus {
        database: name.to_string(),
        state,
        health: LinkHealth::Healthy,
        synchronization_state: row.and_then(|r| r.synchronization_state.clone()),
        synchronization_health: row.and_then(|r| r.synchronization_health.clone()),
        database_state: row.and_then(|r| r.database_state.clone()),
        secondary_lag_seconds: row.and_then(|r| r.secondary_lag_seconds),
        log_send_queue_kb: row.and_then(|r| r.log_send_queue_kb),
        redo_queue_kb: row.and_then(|r| r.redo_queue_kb),
        seeding,
        seeding_percent,
        log_backups_last_day,
    }
}

/// What the database verdicts need from the link and the instance.
struct DatabaseContext<'a> {
    /// SQL Server leads the link: its log backups are the risk.
    sql_server_primary: bool,
    trace_flag_12381: bool,
    /// Why the backup history (msdb) was not read, if so.
    backups_unread: Option<&'a str>,
}

fn database_reasons(
    database: &DatabaseStatus,
    context: &DatabaseContext<'_>,
    policy: &StatusPolicy,
) -> Vec<Reason> {
    let name = &database.database;
    let mut reasons: Vec<Reason> = Vec::new();
    let synchronizing = moves_data(database.synchronization_state.as_deref());
    if let Some(seeding) = &database.seeding
        && seeding.current_state.as_deref() == Some("FAILED")
    {
        let text = format!(
            "{name}: seeding FAILED{}{}{}",
            seeding
                .failure_state
                .as_deref()
                .map(|f| format!(" ({f})"))
                .unwrap_or_default(),
            seeding
                .error_code
                .filter(|code| *code != 0)
                .map(|code| format!(", error {code} (linkready explain {code})"))
                .unwrap_or_default(),
            seeding
                .failure_message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        );
        if synchronizing {
            // A group initialized another way can show a FAILED seeding
            // while it replicates (distributed-availability-groups.md).
            reasons.push((
                LinkHealth::Healthy,
                "seeding-failed-but-replicating",
                format!("{text}; the database replicates, so it was initialized another way"),
                SEEDING,
            ));
        } else {
            reasons.push((LinkHealth::Broken, "seeding-failed", text, SEEDING));
        }
    }
    if let Some(seeding) = database.seeding.as_ref().filter(|s| s.is_running()) {
        let started = seeding.started_minutes_ago;
        if started.is_some_and(|m| m >= SEEDING_LIMIT_MINUTES) {
            reasons.push((
                LinkHealth::Broken,
                "seeding-cancelled",
                format!(
                    "{name}: seeding has run {} without finishing: a link's seeding is cancelled after 6 days (recreate the link; check the network throughput and the database size)",
                    minutes_text(started.unwrap_or_default())
                ),
                TROUBLESHOOT,
            ));
        } else {
            reasons.push((
                LinkHealth::Healthy,
                "seeding",
                format!(
                    "{name}: seeding{}{}",
                    database
                        .seeding_percent
                        .map(|p| format!(" {p}%"))
                        .unwrap_or_default(),
                    started
                        .map(|m| format!(", started {} ago", minutes_text(m)))
                        .unwrap_or_default()
                ),
                SEEDING,
            ));
        }
        if seeding.attempts.is_some_and(|n| n > 1) {
            reasons.push((
                LinkHealth::Healthy,
                "seeding-restarted",
                format!(
                    "{name}: seeding attempt {} (it restarts from the beginning after any interruption)",
                    seeding.attempts.unwrap_or_default()
                ),
                TROUBLESHOOT,
            ));
        }
        if context.sql_server_primary && seeding.log_backups_since_start.is_some_and(|n| n > 0) {
            let count = seeding.log_backups_since_start.unwrap_or_default();
            if context.trace_flag_12381 {
                reasons.push((
                    LinkHealth::Healthy,
                    "log-backup-during-seeding",
                    format!("{name}: {count} log backups since seeding started; trace flag 12381 keeps the log the seeding needs"),
                    TROUBLESHOOT,
                ));
            } else {
                reasons.push((
                    LinkHealth::Degraded,
                    "log-backup-during-seeding",
                    format!(
                        "{name}: {count} log backups since seeding started: they can truncate log the seeding needs (errors 1408/1412, then the link must be recreated); pause log backups or turn on trace flag 12381 until seeding ends"
                    ),
                    TROUBLESHOOT,
                ));
            }
        }
        return reasons;
    }
    let state = database
        .synchronization_state
        .as_deref()
        .unwrap_or_default();
    if database.state == "suspended" {
        reasons.push((
            LinkHealth::Broken,
            "suspended",
            format!("{name}: data movement is suspended"),
            DBSTATE,
        ));
    } else if is_not_synchronizing(state) {
        reasons.push((
            LinkHealth::Broken,
            "not-synchronizing",
            format!("{name}: NOT SYNCHRONIZING"),
            DBSTATE,
        ));
    } else if state.eq_ignore_ascii_case("REVERTING") || state.eq_ignore_ascii_case("INITIALIZING")
    {
        // A failover now would leave the database unable to start (DBSTATE).
        reasons.push((
            LinkHealth::Degraded,
            "reverting-or-initializing",
            format!("{name}: {state}: do not fail over until it is synchronizing"),
            DBSTATE,
        ));
    } else if database.synchronization_state.is_none() {
        reasons.push((
            LinkHealth::Unknown,
            "database-state-unread",
            format!("{name}: no replica state for the database from the secondary"),
            DBSTATE,
        ));
    }
    if let Some(db_state) = database.database_state.as_deref().filter(|s| {
        ["SUSPECT", "EMERGENCY", "OFFLINE", "RECOVERY_PENDING"]
            .iter()
            .any(|bad| s.eq_ignore_ascii_case(bad))
    }) {
        reasons.push((
            LinkHealth::Broken,
            "database-state",
            format!("{name}: the replica is {db_state}"),
            DBSTATE,
        ));
    }
    if let Some(lag) = database
        .secondary_lag_seconds
        .filter(|lag| *lag > policy.max_lag_seconds)
    {
        reasons.push((
            LinkHealth::Degraded,
            "lagging",
            format!(
                "{name}: the secondary trails by {lag} s (more than {} s: --max-lag); a planned failover waits for it",
                policy.max_lag_seconds
            ),
            POLICY,
        ));
    }
    if context.sql_server_primary {
        match (database.log_backups_last_day, context.backups_unread) {
            (Some(0), _) => reasons.push((
                LinkHealth::Degraded,
                "no-log-backup",
                format!(
                    "{name}: no log backup in the last day: the log cannot truncate, and replication stops when it is full"
                ),
                BEST,
            )),
            (None, Some(reason)) => reasons.push((
                LinkHealth::Unknown,
                "backups-unread",
                format!("{name}: log backups not read: {reason}"),
                BEST,
            )),
            _ => {}
        }
    }
    reasons
}
