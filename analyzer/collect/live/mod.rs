//! The live collector: many SQL Server instances at once over TDS
//! (tiberius), read-only, each bounded by a connect and a query timeout.
//! Catalog rows are kept as raw results and lowered into the fact model by
//! one function, which the offline inventory (a later issue) will share.

pub mod connection;
pub mod queries;
pub mod script;

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use linkready_rules::link_facts::{ConnectError, Link, LinkDatabase, LinkMember, LinkSeeding};
use linkready_rules::{
    Assembly, AssemblyPermission, AvailabilityGroupMembership, BackupHistory, ColumnName,
    Configuration, DatabaseEncryptionKey, DatabaseFacts, DatabaseFile, DatabaseSetting,
    DatabaseState, Fact, FactSet, FileDefinition, FileKind, Filegroup, FilegroupKind, Instance,
    JobStep, Known, LinkedServer, Login, MemoryOptimizedKind, MemoryOptimizedObject,
    MirroringEndpoint, Origin, ProductVersion, RecoveryModel, ReplicationFeature, ServerAudit,
    Source, Usage, is_system_database,
};

use crate::collect::tsql::{ScriptFacts, ScriptScanner};
use indicatif::{ProgressBar, ProgressStyle};
use tiberius::{AuthMethod, Client, ColumnData, Config, SqlBrowser};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio_util::compat::{Compat, TokioAsyncWriteCompatExt};

use connection::ServerSpec;
use futures_util::StreamExt;
use queries::{BatchStep, END_COLUMN, END_MARKER, INSTANCE_QUERIES, SERVER_PROPERTIES};

/// How to reach servers.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// Servers assessed at once.
    pub jobs: usize,
    pub connect_timeout: Duration,
    pub query_timeout: Duration,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            jobs: 64,
            connect_timeout: Duration::from_secs(15),
            query_timeout: Duration::from_secs(30),
        }
    }
}

/// A value of a catalog row, as the collector casts it in SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
}

/// The rows one query returned, or why it returned none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResult {
    pub query: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<RawValue>>,
    /// The error the server (or the connection) gave instead of rows.
    pub error: Option<String>,
}

/// One row of a raw result, read by column name.
pub struct Record<'r> {
    columns: &'r [String],
    values: &'r [RawValue],
}

impl Record<'_> {
    fn value(&self, column: &str) -> Option<&RawValue> {
        let index = self
            .columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(column))?;
        self.values.get(index)
    }

    pub fn text(&self, column: &str) -> Option<String> {
        match self.value(column)? {
            RawValue::Text(text) => Some(text.clone()),
            RawValue::Int(number) => Some(number.to_string()),
            _ => None,
        }
    }

    pub fn number(&self, column: &str) -> Option<i64> {
        match self.value(column)? {
            RawValue::Int(number) => Some(*number),
            RawValue::Bool(flag) => Some(i64::from(*flag)),
            RawValue::Text(text) => text.trim().parse().ok(),
            RawValue::Null => None,
        }
    }

    pub fn flag(&self, column: &str) -> bool {
        self.number(column).is_some_and(|n| n != 0)
    }
}

impl RawResult {
    /// The rows, read by column name.
    pub fn records(&self) -> impl Iterator<Item = Record<'_>> {
        self.rows.iter().map(|values| Record {
            columns: &self.columns,
            values,
        })
    }

    /// The first row (single-row queries: server properties, master key).
    fn first_record(&self) -> Option<Record<'_>> {
        self.records().next()
    }
}

/// Everything read from one server: the raw rows of each query.
#[derive(Debug, Clone, Default)]
pub struct RawServer {
    pub server: String,
    /// Why nothing could be read (connection, login, timeout), if so.
    pub error: Option<String>,
    pub results: Vec<RawResult>,
    /// Module code already scanned while it was read (a large inventory is
    /// not kept in memory): the facts, by database.
    pub scanned_modules: Vec<ScannedModules>,
}

impl RawServer {
    /// The result of the query named `name`.
    fn result(&self, name: &str) -> Option<&RawResult> {
        self.results.iter().find(|r| r.query == name)
    }

    /// The major version whose catalog queries apply (see [`catalog_major`]).
    fn catalog_major(&self) -> Option<u16> {
        self.ok(SERVER_PROPERTIES.name)
            .and_then(RawResult::first_record)
            .and_then(|row| catalog_major(&row))
    }

    /// The result of `name`, when the query ran without error.
    fn ok(&self, name: &str) -> Option<&RawResult> {
        self.result(name).filter(|r| r.error.is_none())
    }
}

/// What Azure SQL Managed Instance's engine counts as for the catalog
/// queries: its `SERVERPROPERTY('EngineEdition')` is 8 and its version
/// 12.0.2000.8, which "does not indicate SQL engine version 12": it "always
/// runs the latest stable SQL engine version, which is equal to or higher
/// than latest available RTM version of SQL Server" (MicrosoftDocs/sql-docs
/// azure-sql/managed-instance/sql-managed-instance-paas-overview.md,
/// "Programmatically identify a managed instance"), SQL Server 2025 (17).
/// `status` reads a link's managed-instance side with it.
const MANAGED_INSTANCE_ENGINE_EDITION: i64 = 8;
const MANAGED_INSTANCE_CATALOG_MAJOR: u16 = 17;

/// The major version whose catalog the server has: its ProductVersion's,
/// or the newest for a managed instance.
fn catalog_major(properties: &Record<'_>) -> Option<u16> {
    if properties.number("engine_edition") == Some(MANAGED_INSTANCE_ENGINE_EDITION) {
        return Some(MANAGED_INSTANCE_CATALOG_MAJOR);
    }
    properties
        .text("product_version")
        .and_then(|v| ProductVersion::parse(&v))
        .map(|v| v.major)
}

/// The facts of a database's module code, scanned as it was read.
#[derive(Debug, Clone, Default)]
pub struct ScannedModules {
    pub database: String,
    pub facts: ScriptFacts,
}

type TdsClient = Client<Compat<TcpStream>>;

/// Assesses every server, at most `options.jobs` at once, on its own
/// runtime; returns their instances in the order given.
pub fn collect_servers(
    servers: Vec<ServerSpec>,
    password: Option<String>,
    options: &LiveOptions,
) -> Vec<Instance> {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            return servers
                .iter()
                .map(|spec| {
                    lower_server(
                        RawServer {
                            server: spec.display.clone(),
                            error: Some(format!("cannot start the network runtime: {error}")),
                            ..RawServer::default()
                        },
                        Source::Live,
                    )
                })
                .collect();
        }
    };
    let raw = runtime.block_on(collect_raw(servers, password, options.clone()));
    raw.into_iter()
        .map(|server| lower_server(server, Source::Live))
        .collect()
}

/// Reads every server's raw rows concurrently (bounded by a semaphore).
pub async fn collect_raw(
    servers: Vec<ServerSpec>,
    password: Option<String>,
    options: LiveOptions,
) -> Vec<RawServer> {
    let permits = Arc::new(Semaphore::new(options.jobs.max(1)));
    let password = Arc::new(password);
    // Progress on stderr, only for a person watching a terminal.
    let progress = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(servers.len() as u64);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:30} {pos}/{len} servers assessed {msg}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    // Connecting waits mostly on the network (and on servers that never
    // answer, the whole connect timeout): it does not hold one of the
    // `jobs` query slots, only one of many more connection slots, so
    // unreachable servers cost the run about one connect timeout in all.
    let connect_permits = Arc::new(Semaphore::new(
        options.jobs.max(1).saturating_mul(8).max(256),
    ));
    let tasks: Vec<_> = servers
        .into_iter()
        .map(|spec| {
            let permits = Arc::clone(&permits);
            let connect_permits = Arc::clone(&connect_permits);
            let password = Arc::clone(&password);
            let options = options.clone();
            let progress = progress.clone();
            tokio::spawn(async move {
                let connected = {
                    let _connecting = connect_permits.acquire_owned().await;
                    connect(&spec, password.as_deref(), &options).await
                };
                let _permit = permits.acquire_owned().await;
                let raw = read_server(&spec, connected, password.as_deref(), &options).await;
                progress.inc(1);
                raw
            })
        })
        .collect();
    let mut raw = Vec::with_capacity(tasks.len());
    let _finish = FinishOnDrop(progress);
    for task in tasks {
        raw.push(task.await.unwrap_or_else(|error| RawServer {
            server: String::new(),
            error: Some(format!("collector task failed: {error}")),
            ..RawServer::default()
        }));
    }
    raw
}

/// Clears the progress bar when collection ends, however it ends.
struct FinishOnDrop(ProgressBar);

impl Drop for FinishOnDrop {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

async fn read_server(
    spec: &ServerSpec,
    connected: Result<TdsClient, String>,
    password: Option<&str>,
    options: &LiveOptions,
) -> RawServer {
    let mut raw = RawServer {
        server: spec.display.clone(),
        ..RawServer::default()
    };
    let mut client = match connected {
        Ok(client) => client,
        Err(error) => {
            raw.error = Some(error);
            return raw;
        }
    };
    let properties = run_query(
        &mut client,
        SERVER_PROPERTIES.name,
        SERVER_PROPERTIES.sql,
        options,
    )
    .await;
    let major = properties
        .first_record()
        .and_then(|row| catalog_major(&row));
    let connection_lost = properties.error.as_deref().is_some_and(is_connection_error);
    raw.results.push(properties);
    if connection_lost {
        return raw;
    }
    // The other server-wide queries in one round trip.
    let steps: Vec<BatchStep> = INSTANCE_QUERIES
        .iter()
        .filter(|query| query.applies_to(major))
        .map(BatchStep::instance)
        .collect();
    if !run_steps(&mut client, &steps, &mut raw, spec, password, options).await {
        return raw;
    }
    // Each online database the login can enter: its objects and its code.
    let databases: Vec<String> = raw
        .result(queries::DATABASES_2016.name)
        .map(|r| {
            r.records()
                .filter(|row| {
                    row.text("state").as_deref() == Some("ONLINE")
                        && row.number("has_access") == Some(1)
                })
                .filter_map(|row| row.text("name"))
                .filter(|name| !is_system_database(name))
                .collect()
        })
        .unwrap_or_default();
    let steps: Vec<BatchStep> = databases
        .iter()
        .flat_map(|database| {
            queries::DATABASE_QUERIES
                .iter()
                .map(move |query| BatchStep::database(query, database))
        })
        .collect();
    for chunk in steps.chunks(STEPS_PER_BATCH) {
        if !run_steps(&mut client, chunk, &mut raw, spec, password, options).await {
            return raw;
        }
    }
    raw
}

/// Per-database steps sent in one batch: a round trip per 32 databases,
/// and a batch text of a few hundred KB at most.
const STEPS_PER_BATCH: usize = 64;

/// How reading a batch ended.
enum BatchEnd {
    /// Every step answered (each with its rows or its error).
    Complete,
    /// Step N failed in a way that leaves the connection unusable for
    /// what follows (it timed out, or the server ended the batch): the
    /// steps after it run again on a new connection.
    Resume(usize),
    /// The connection is gone: nothing more can be read from this server.
    Lost,
}

/// Runs `steps` in as few round trips as the connection allows: one batch,
/// and after a step that timed out (its time-out ends only that step; the
/// server may still be sending its rows on the old connection) a new
/// connection and a batch of the steps after it. Says whether collection
/// can go on.
async fn run_steps(
    client: &mut TdsClient,
    steps: &[BatchStep],
    raw: &mut RawServer,
    spec: &ServerSpec,
    password: Option<&str>,
    options: &LiveOptions,
) -> bool {
    let mut rest = steps;
    while !rest.is_empty() {
        let (results, end) = run_batch(client, rest, options).await;
        raw.results.extend(results);
        match end {
            BatchEnd::Complete => return true,
            BatchEnd::Lost => return false,
            BatchEnd::Resume(failed) => {
                rest = &rest[failed + 1..];
                if rest.is_empty() {
                    return true;
                }
                match connect(spec, password, options).await {
                    Ok(fresh) => *client = fresh,
                    Err(error) => {
                        raw.results.push(RawResult {
                            query: format!("reconnect after {}", steps[failed].name),
                            columns: Vec::new(),
                            rows: Vec::new(),
                            error: Some(format!("connection lost: {error}")),
                        });
                        return false;
                    }
                }
            }
        }
    }
    true
}

/// Errors after which the connection cannot serve another query.
fn is_connection_error(error: &str) -> bool {
    error.starts_with("connection lost") || error.starts_with("timed out")
}

async fn connect(
    spec: &ServerSpec,
    password: Option<&str>,
    options: &LiveOptions,
) -> Result<TdsClient, String> {
    let mut config = Config::from_ado_string(&spec.ado)
        .map_err(|error| format!("bad connection string: {error}"))?;
    match (&spec.user, password) {
        (Some(user), Some(password)) => {
            config.authentication(AuthMethod::sql_server(user, password))
        }
        (Some(user), None) => return Err(format!("no password for {user}: set SQLCMDPASSWORD")),
        // No User Id: the current user's logon (Windows: SSPI; Linux with
        // the integrated-auth feature: Kerberos through GSSAPI).
        #[cfg(any(windows, all(unix, feature = "integrated-auth")))]
        (None, _) => config.authentication(AuthMethod::Integrated),
        #[cfg(not(any(windows, all(unix, feature = "integrated-auth"))))]
        (None, _) => {
            return Err("no User Id, and integrated authentication is not in this build (Windows has it through SSPI; on Linux, build with --features integrated-auth for Kerberos)".to_string());
        }
    }
    config.application_name("linkready");
    let attempt = async {
        let tcp = TcpStream::connect_named(&config)
            .await
            .map_err(|error| format!("cannot connect: {error}"))?;
        tcp.set_nodelay(true)
            .map_err(|error| format!("cannot connect: {error}"))?;
        Client::connect(config, tcp.compat_write())
            .await
            .map_err(|error| format!("login failed: {error}"))
    };
    match tokio::time::timeout(options.connect_timeout, attempt).await {
        Ok(result) => result,
        Err(_) => Err(format!(
            "timed out connecting after {} s",
            options.connect_timeout.as_secs()
        )),
    }
}

/// One query alone (server properties, which decide what else applies).
async fn run_query(
    client: &mut TdsClient,
    name: &str,
    sql: &str,
    options: &LiveOptions,
) -> RawResult {
    let mut result = RawResult {
        query: name.to_string(),
        columns: Vec::new(),
        rows: Vec::new(),
        error: None,
    };
    // A marker after the query: SQL Server sends its one row only once the
    // query's own results are complete, so a result cut short (a dropped
    // connection without an error) is told from a complete one.
    let batch = format!("{sql}\n{END_MARKER}");
    let read = async {
        let stream = client.simple_query(batch).await?;
        stream.into_results().await
    };
    let sets = match tokio::time::timeout(options.query_timeout, read).await {
        Ok(Ok(sets)) => sets,
        Ok(Err(error)) => {
            result.error = Some(query_error(error));
            return result;
        }
        Err(_) => {
            result.error = Some(timed_out(options));
            return result;
        }
    };
    let mut sets = sets;
    let ended = sets
        .last()
        .and_then(|rows| rows.first())
        .is_some_and(|row| first_column(row) == Some(END_COLUMN));
    if !ended {
        result.error = Some(CUT_SHORT.to_string());
        return result;
    }
    sets.pop();
    for rows in sets {
        for row in rows {
            keep_row(&mut result, row);
        }
    }
    result
}

const CUT_SHORT: &str =
    "connection lost: the result ended before SQL Server completed it (no end marker)";

fn query_error(error: tiberius::error::Error) -> String {
    match error {
        tiberius::error::Error::Server(token) => {
            format!("server error {}: {}", token.code(), token.message())
        }
        other => format!("connection lost: {other}"),
    }
}

fn timed_out(options: &LiveOptions) -> String {
    format!("timed out after {} s", options.query_timeout.as_secs())
}

fn first_column(row: &tiberius::Row) -> Option<&str> {
    row.columns().first().map(|column| column.name())
}

fn keep_row(result: &mut RawResult, row: tiberius::Row) {
    if result.columns.is_empty() {
        result.columns = row.columns().iter().map(|c| c.name().to_string()).collect();
    }
    result.rows.push(row.into_iter().map(raw_value).collect());
}

/// Runs `steps` as one batch (`queries::batch`) and reads it row by row:
/// a step's rows are those between its `linkready_step` row and the next;
/// a `linkready_error` row makes the step failed (its partial rows are
/// dropped); each step has `query_timeout` from its own start. Returns a
/// result for every step that started, in order, and how the batch ended;
/// steps that never started have no result (lowering says why).
async fn run_batch(
    client: &mut TdsClient,
    steps: &[BatchStep],
    options: &LiveOptions,
) -> (Vec<RawResult>, BatchEnd) {
    let mut results: Vec<RawResult> = Vec::new();
    let step_result = |index: usize| RawResult {
        query: steps[index].name.clone(),
        columns: Vec::new(),
        rows: Vec::new(),
        error: None,
    };
    // Until the first step's row arrives, time and errors are charged to
    // the first step.
    let mut current: usize = 0;
    let mut started = false;
    let fail = |results: &mut Vec<RawResult>, current: usize, started: bool, error: String| {
        if !started {
            results.push(step_result(current));
        }
        if let Some(last) = results.last_mut() {
            last.columns.clear();
            last.rows.clear();
            last.error = Some(error);
        }
    };
    let stream = match tokio::time::timeout(
        options.query_timeout,
        client.simple_query(queries::batch(steps)),
    )
    .await
    {
        Ok(Ok(stream)) => stream,
        Ok(Err(error)) => {
            let error = query_error(error);
            let lost = is_connection_error(&error);
            fail(&mut results, 0, false, error);
            return (
                results,
                if lost {
                    BatchEnd::Lost
                } else {
                    BatchEnd::Resume(0)
                },
            );
        }
        Err(_) => {
            fail(&mut results, 0, false, timed_out(options));
            return (results, BatchEnd::Resume(0));
        }
    };
    let mut rows = stream.into_row_stream();
    let mut deadline = tokio::time::Instant::now() + options.query_timeout;
    loop {
        let row = match tokio::time::timeout_at(deadline, rows.next()).await {
            Err(_) => {
                fail(&mut results, current, started, timed_out(options));
                return (results, BatchEnd::Resume(current));
            }
            Ok(None) => {
                // The stream ended without the end marker.
                fail(&mut results, current, started, CUT_SHORT.to_string());
                return (results, BatchEnd::Lost);
            }
            Ok(Some(Err(error))) => {
                let error = query_error(error);
                let lost = is_connection_error(&error);
                fail(&mut results, current, started, error);
                let end = if lost {
                    BatchEnd::Lost
                } else {
                    BatchEnd::Resume(current)
                };
                return (results, end);
            }
            Ok(Some(Ok(row))) => row,
        };
        match first_column(&row) {
            Some(queries::STEP_COLUMN) => {
                let index = row
                    .get::<i32, _>(0)
                    .and_then(|n| usize::try_from(n).ok())
                    .filter(|&n| n < steps.len() && (n == current + 1 || (!started && n == 0)));
                let Some(index) = index else {
                    fail(
                        &mut results,
                        current,
                        started,
                        "connection lost: the batch's steps arrived out of order".to_string(),
                    );
                    return (results, BatchEnd::Lost);
                };
                current = index;
                started = true;
                results.push(step_result(index));
                deadline = tokio::time::Instant::now() + options.query_timeout;
            }
            Some(queries::ERROR_COLUMN) => {
                let number = row.get::<i32, _>(0).unwrap_or_default();
                let message = row.get::<&str, _>(1).unwrap_or_default().to_string();
                fail(
                    &mut results,
                    current,
                    started,
                    format!("server error {number}: {message}"),
                );
                started = true;
            }
            Some(queries::END_COLUMN) => {
                if started && current + 1 == steps.len() {
                    return (results, BatchEnd::Complete);
                }
                fail(
                    &mut results,
                    current,
                    started,
                    "connection lost: the batch ended before all its steps ran".to_string(),
                );
                return (results, BatchEnd::Lost);
            }
            _ => {
                if let Some(last) = results.last_mut().filter(|_| started)
                    && last.error.is_none()
                {
                    keep_row(last, row);
                }
            }
        }
    }
}

fn raw_value(data: ColumnData<'static>) -> RawValue {
    match data {
        ColumnData::String(Some(text)) => RawValue::Text(text.into_owned()),
        ColumnData::I32(Some(n)) => RawValue::Int(i64::from(n)),
        ColumnData::I64(Some(n)) => RawValue::Int(n),
        ColumnData::I16(Some(n)) => RawValue::Int(i64::from(n)),
        ColumnData::U8(Some(n)) => RawValue::Int(i64::from(n)),
        ColumnData::Bit(Some(flag)) => RawValue::Bool(flag),
        _ => RawValue::Null,
    }
}

/// Lowers one server's raw rows into an instance of the fact model.
pub fn lower_server(mut raw: RawServer, source: Source) -> Instance {
    let mut instance = Instance::new(&raw.server, source);
    if let Some(error) = &raw.error {
        instance.errors.push(format!("not assessed: {error}"));
        instance.facts = linkready_rules::InstanceFacts::unknown(error);
        for set in FactSet::ALL {
            instance.add_gap(set, format!("not assessed: {error}"));
        }
        return instance;
    }
    imply_link_results(&mut raw);
    let properties = raw.result(SERVER_PROPERTIES.name);
    let facts = &mut instance.facts;
    match properties
        .filter(|p| p.error.is_none())
        .and_then(RawResult::first_record)
    {
        Some(p) => {
            facts.version = Known::from_option(
                p.text("product_version")
                    .and_then(|v| ProductVersion::parse(&v)),
                "ProductVersion not readable",
            );
            facts.edition = Known::from_option(p.text("edition"), "Edition not readable");
            facts.hadr_enabled = Known::from_option(
                p.number("is_hadr_enabled").map(|v| v != 0),
                "IsHadrEnabled not readable",
            );
            facts.version_text =
                Known::from_option(p.text("version_text"), "@@VERSION not readable");
            facts.sysadmin = Known::from_option(
                p.number("is_sysadmin").map(|v| v == 1),
                "IS_SRVROLEMEMBER not readable",
            );
            facts.collation = Known::from_option(p.text("collation"), "Collation not readable");
            facts.server_name =
                Known::from_option(p.text("server_name"), "@@SERVERNAME not readable");
            facts.link_support_probe = Known::from_option(
                p.number("has_certificate_add_issuer").map(|v| v == 1),
                "probe not readable",
            );
        }
        None => {
            let reason = missing_reason(&raw, source, SERVER_PROPERTIES.name)
                .unwrap_or_else(|| format!("{}: no row", SERVER_PROPERTIES.name));
            instance.errors.push(format!("not assessed: {reason}"));
            instance.facts = linkready_rules::InstanceFacts::unknown(&reason);
            for set in FactSet::ALL {
                instance.add_gap(set, format!("not assessed: {reason}"));
            }
            return instance;
        }
    }
    facts.master_key = match raw
        .ok(queries::MASTER_KEY.name)
        .and_then(RawResult::first_record)
        .and_then(|row| row.number("master_keys"))
    {
        Some(count) if count > 0 => Known::Known(true),
        // Without VIEW ANY DEFINITION the key is hidden, not absent.
        Some(_) if facts.sysadmin != Known::Known(true) => Known::unknown(
            "sys.symmetric_keys shows no key, but the login may not see it (not sysadmin)",
        ),
        Some(_) => Known::Known(false),
        None => Known::unknown(unread_reason(
            &raw,
            source,
            &queries::MASTER_KEY,
            raw.catalog_major(),
        )),
    };
    for result in &raw.results {
        if let Some(error) = &result.error {
            instance.errors.push(format!("{}: {error}", result.query));
        }
    }
    record_instance_gaps(&raw, &mut instance);
    lower_server_objects(&raw, &mut instance);
    instance.facts.links = lower_links(&raw, source, raw.catalog_major());
    let scanned = std::mem::take(&mut raw.scanned_modules);
    lower_databases(&raw, scanned, &mut instance);
    instance
}

/// The distributed availability groups and their state (`links`,
/// `link_databases`, `link_seeding`): unknown when the groups could not be
/// read; a group's databases or seeding unknown when only that query failed.
fn lower_links(raw: &RawServer, source: Source, major: Option<u16>) -> Known<Vec<Link>> {
    // Distributed availability groups arrived with SQL Server 2016
    // (docs/database-engine/availability-groups/windows/distributed-availability-groups.md):
    // an older server has no link, which is known without a query.
    if major.is_some_and(|major| major < queries::LINKS.min_major) {
        return Known::Known(Vec::new());
    }
    let Some(groups) = raw.ok(queries::LINKS.name) else {
        return Known::unknown(unread_reason(raw, source, &queries::LINKS, major));
    };
    let mut links: Vec<Link> = Vec::new();
    let databases = raw.ok(queries::LINK_DATABASES.name);
    let seeding = raw.ok(queries::LINK_SEEDING.name);
    for row in groups.records() {
        let Some(name) = row.text("link") else {
            continue;
        };
        let member = LinkMember {
            name: row.text("member").unwrap_or_default(),
            endpoint_url: row.text("endpoint_url"),
            availability_mode: row.text("availability_mode"),
            is_local: row.number("is_local").map(|n| n != 0),
            role: row.text("role"),
            connected_state: row.text("connected_state"),
            synchronization_health: row.text("synchronization_health"),
            last_connect_error: row
                .number("last_connect_error_number")
                .filter(|number| *number != 0)
                .map(|number| ConnectError {
                    number,
                    description: row.text("last_connect_error_description"),
                    minutes_ago: row.number("last_connect_error_minutes_ago"),
                }),
        };
        match links.iter_mut().find(|link| link.name == name) {
            Some(link) => link.members.push(member),
            None => {
                let databases = rows_of_link(
                    raw,
                    (source, major),
                    databases,
                    &queries::LINK_DATABASES,
                    &name,
                    link_database,
                );
                let seeding = rows_of_link(
                    raw,
                    (source, major),
                    seeding,
                    &queries::LINK_SEEDING,
                    &name,
                    link_seeding,
                );
                links.push(Link {
                    name,
                    members: vec![member],
                    databases,
                    seeding,
                });
            }
        }
    }
    Known::Known(links)
}

/// An inventory written before the link queries existed can still tell
/// that no database is linked: a linked database is in the link's member
/// availability group on SQL Server (managed-instance-link-configure-how-
/// to-scripts.md, "Create an availability group on SQL Server"), so when
/// `availability_groups` read every group membership and found none, the
/// link queries' answer is known: no rows. They are added as such, and the
/// lowering treats them as read.
fn imply_link_results(raw: &mut RawServer) {
    let link_queries = [
        queries::LINKS.name,
        queries::LINK_DATABASES.name,
        queries::LINK_SEEDING.name,
    ];
    let implied = link_queries.iter().all(|name| raw.result(name).is_none())
        && raw
            .ok(queries::AVAILABILITY_GROUPS_2016.name)
            .is_some_and(|groups| groups.rows.is_empty());
    if implied {
        raw.results
            .extend(link_queries.iter().map(|name| RawResult {
                query: name.to_string(),
                columns: Vec::new(),
                rows: Vec::new(),
                error: None,
            }));
    }
}

/// The rows of `result` for the link `name`, lowered by `lower`, or why
/// the query gave none.
fn rows_of_link<T>(
    raw: &RawServer,
    (source, major): (Source, Option<u16>),
    result: Option<&RawResult>,
    query: &queries::QueryDefinition,
    name: &str,
    lower: fn(&Record<'_>) -> T,
) -> Known<Vec<T>> {
    match result {
        None => Known::unknown(unread_reason(raw, source, query, major)),
        Some(result) => Known::Known(
            result
                .records()
                .filter(|r| r.text("link").as_deref() == Some(name))
                .map(|r| lower(&r))
                .collect(),
        ),
    }
}

/// A `link_databases` row.
fn link_database(r: &Record<'_>) -> LinkDatabase {
    LinkDatabase {
        database: r.text("database_name").unwrap_or_default(),
        member: r.text("member"),
        is_local: r.flag("is_local"),
        synchronization_state: r.text("synchronization_state"),
        synchronization_health: r.text("synchronization_health"),
        database_state: r.text("database_state"),
        suspended: r.flag("is_suspended"),
        suspend_reason: r.text("suspend_reason"),
        log_send_queue_kb: r.number("log_send_queue_kb"),
        redo_queue_kb: r.number("redo_queue_kb"),
        secondary_lag_seconds: r.number("secondary_lag_seconds"),
    }
}

/// A `link_seeding` row.
fn link_seeding(r: &Record<'_>) -> LinkSeeding {
    LinkSeeding {
        database: r.text("database_name").unwrap_or_default(),
        current_state: r.text("current_state"),
        failure_state: r.text("failure_state"),
        error_code: r.number("error_code"),
        attempts: r.number("attempts"),
        started_minutes_ago: r.number("started_minutes_ago"),
        completed: r.flag("completed"),
        transferred_bytes: r.number("transferred_bytes"),
        database_bytes: r.number("database_bytes"),
        failure_message: r.text("failure_message"),
        log_backups_since_start: r.number("log_backups_since_start"),
    }
}

/// A server audit's target from `sys.server_audits.type` (FL, SL, AL), or
/// from `type_desc` as inventories before 0.2 carry it. The code is read,
/// not the description: the documentation spells one description
/// "APPICATION LOG" (MicrosoftDocs/sql-docs
/// docs/relational-databases/system-catalog-views/sys-server-audits-transact-sql.md).
fn audit_target(detail: &str) -> String {
    match detail.trim().to_ascii_uppercase().as_str() {
        "FL" => "FILE".to_string(),
        "SL" => "SECURITY_LOG".to_string(),
        "AL" => "APPLICATION_LOG".to_string(),
        other => other.replace(' ', "_"),
    }
}

/// Why the facts of query `name` are not known, or None when it ran
/// without error: its error, or why it never ran (a lost connection, a
/// section missing from an inventory).
fn missing_reason(raw: &RawServer, source: Source, name: &str) -> Option<String> {
    if let Some(result) = raw.result(name) {
        return result
            .error
            .as_ref()
            .map(|error| format!("{name}: {error}"));
    }
    let lost = raw.results.iter().find_map(|result| {
        let error = result.error.as_deref()?;
        is_connection_error(error).then(|| format!("{}: {error}", result.query))
    });
    Some(match (lost, source) {
        (Some(lost), _) => format!("{name}: not run, the connection was lost ({lost})"),
        (None, Source::Inventory) => format!("{name}: missing from the inventory"),
        (None, _) => format!("{name}: not read"),
    })
}

/// Why a query's single fact is unknown: not run on this version, its
/// error, or why it never ran.
fn unread_reason(
    raw: &RawServer,
    source: Source,
    query: &queries::QueryDefinition,
    major: Option<u16>,
) -> String {
    if !query.applies_to(major) {
        return format!(
            "{}: not read on major version {} (the catalog queries start at SQL Server 2016)",
            query.name,
            major.unwrap_or_default()
        );
    }
    missing_reason(raw, source, query.name).unwrap_or_else(|| format!("{}: no row", query.name))
}

/// Every server-wide query that applies to this version and did not
/// answer leaves the fact sets it feeds unknown for the whole instance.
/// `database_files` is the exception: `database_objects` reads each
/// database's files too, so its failure matters only where that step
/// failed as well (see `record_database_gaps`).
fn record_instance_gaps(raw: &RawServer, instance: &mut Instance) {
    let major = raw.catalog_major();
    for query in INSTANCE_QUERIES.iter().filter(|q| q.applies_to(major)) {
        if query.name == queries::DATABASE_FILES.name {
            continue;
        }
        let Some(reason) = missing_reason(raw, instance.source, query.name) else {
            continue;
        };
        if query.name == queries::DATABASES_2016.name {
            // Without the list, no database can be judged: the instance
            // is unknown, not an instance with no databases.
            let reason = format!("databases could not be listed: {reason}");
            instance.errors.push(reason.clone());
            for set in query.feeds {
                instance.add_gap(*set, reason.clone());
            }
            continue;
        }
        for set in query.feeds {
            instance.add_gap(*set, reason.clone());
        }
    }
}

/// The per-database steps that did not answer for `database` (or never
/// ran: not online, not accessible, connection lost), and catalog views
/// that hide what the login may not see, become the database's gaps.
fn record_database_gaps(
    raw: &RawServer,
    source: Source,
    database: &str,
    row: &Record<'_>,
    can_see_definitions: bool,
    facts: &mut DatabaseFacts,
) {
    let state = row.text("state").unwrap_or_default();
    let not_run = if state != "ONLINE" {
        Some(format!(
            "{database} is {state}: its objects and code were not read"
        ))
    } else if row.number("has_access") == Some(0) {
        Some(format!(
            "the login cannot enter {database} (HAS_DBACCESS = 0): grant it CONNECT ANY DATABASE (SQL Server 2014 and later) to read its objects and code"
        ))
    } else {
        None
    };
    let files_fallback = missing_reason(raw, source, queries::DATABASE_FILES.name);
    for query in queries::DATABASE_QUERIES {
        let name = format!("{}:{database}", query.name);
        let reason = match &not_run {
            Some(reason) => Some(reason.clone()),
            None => missing_reason(raw, source, &name),
        };
        let Some(reason) = reason else {
            continue;
        };
        for set in query.feeds {
            match (set, &files_fallback) {
                // The files still come from sys.master_files.
                (FactSet::Files, None) => {}
                (FactSet::Files, Some(fallback)) => {
                    facts
                        .gaps
                        .entry(FactSet::Files)
                        .or_insert_with(|| format!("{reason}; {fallback}"));
                }
                _ => {
                    facts.gaps.entry(*set).or_insert_with(|| reason.clone());
                }
            }
        }
    }
    if !can_see_definitions {
        // Catalog views return no rows, not an error, for what a login may
        // not see: an empty answer proves nothing.
        let reason = "the login has neither sysadmin nor VIEW ANY DEFINITION: catalog views hide the objects and code it cannot see";
        for set in [FactSet::Objects, FactSet::Code] {
            facts.gaps.entry(set).or_insert_with(|| reason.to_string());
        }
    }
}

/// Where a catalog fact came from: a live server, or an inventory of one.
fn live_origin(
    source: Source,
    server: &str,
    database: Option<&str>,
    object: impl Into<String>,
) -> Origin {
    Origin::catalog(source, server, database.map(str::to_string), object)
}

/// Endpoints, logins, linked servers, audits, providers, configuration,
/// job steps (their T-SQL scanned), trace flags, 2016 grants.
fn lower_server_objects(raw: &RawServer, instance: &mut Instance) {
    let source = instance.source;
    let server = raw.server.clone();
    let objects = &mut instance.facts.objects;
    let endpoints = raw.ok(queries::ENDPOINTS.name);
    objects.from_catalog = endpoints.is_some();
    if let Some(result) = endpoints {
        for row in result.records() {
            let name = row.text("name").unwrap_or_default();
            let authentication = row
                .text("authentication")
                .unwrap_or_default()
                .to_ascii_uppercase();
            let encryption = if row.flag("encryption_enabled") {
                "REQUIRED"
            } else {
                "DISABLED"
            };
            objects.mirroring_endpoints.push(Fact::new(
                MirroringEndpoint {
                    state: row.text("state"),
                    certificate_authentication: Some(authentication.contains("CERTIFICATE")),
                    encryption: Some(encryption.to_string()),
                    algorithm: row.text("algorithm").map(|a| a.replace('_', " ")),
                    certificate: row.text("certificate"),
                    certificate_days_left: row.number("certificate_days_left"),
                    port: row.number("port").and_then(|port| u16::try_from(port).ok()),
                    name: name.clone(),
                },
                live_origin(
                    source,
                    &server,
                    None,
                    format!("sys.database_mirroring_endpoints: {name}"),
                ),
            ));
        }
    }
    if let Some(result) = raw.ok(queries::CONFIGURATIONS.name) {
        for row in result.records() {
            if let (Some(name), Some(value)) = (row.text("name"), row.number("value")) {
                objects.configurations.push(Fact::new(
                    Configuration {
                        name: name.to_ascii_lowercase(),
                        value,
                    },
                    live_origin(source, &server, None, format!("sys.configurations: {name}")),
                ));
            }
        }
    }
    if let Some(result) = raw.ok(queries::SERVER_OBJECTS.name) {
        for row in result.records() {
            let name = row.text("name").unwrap_or_default();
            let detail = row.text("detail").unwrap_or_default();
            match row.text("kind").as_deref() {
                Some("login") => objects.logins.push(Fact::new(
                    Login {
                        windows: matches!(detail.trim(), "U" | "G"),
                        name: name.clone(),
                    },
                    live_origin(
                        source,
                        &server,
                        None,
                        format!("sys.server_principals: {name}"),
                    ),
                )),
                Some("linked_server") => objects.linked_servers.push(Fact::new(
                    LinkedServer {
                        provider: Some(detail).filter(|p| !p.is_empty()),
                        name: name.clone(),
                    },
                    live_origin(source, &server, None, format!("sys.servers: {name}")),
                )),
                Some("server_audit") => objects.server_audits.push(Fact::new(
                    ServerAudit {
                        target: audit_target(&detail),
                        name: name.clone(),
                    },
                    live_origin(source, &server, None, format!("sys.server_audits: {name}")),
                )),
                Some("cryptographic_provider") => objects.cryptographic_providers.push(Fact::new(
                    name.clone(),
                    live_origin(
                        source,
                        &server,
                        None,
                        format!("sys.cryptographic_providers: {name}"),
                    ),
                )),
                _ => {}
            }
        }
    }
    objects.trace_flags = match raw.result(queries::TRACE_FLAGS.name) {
        Some(result) if result.error.is_none() => {
            let active = result
                .records()
                .filter(|row| row.flag("Global") && row.flag("Status"))
                .filter_map(|row| row.number("TraceFlag").and_then(|n| u16::try_from(n).ok()));
            // `-T1800` in the startup parameters: global from the next start.
            let at_startup = raw
                .ok(queries::STARTUP_PARAMETERS.name)
                .into_iter()
                .flat_map(RawResult::records)
                .filter_map(|row| {
                    let parameter = row.text("parameter")?;
                    let parameter = parameter.trim();
                    parameter
                        .strip_prefix("-T")
                        .or_else(|| parameter.strip_prefix("-t"))?
                        .parse::<u16>()
                        .ok()
                });
            let mut flags: Vec<u16> = active.chain(at_startup).collect();
            flags.sort_unstable();
            flags.dedup();
            Known::Known(flags)
        }
        _ => Known::unknown(unread_reason(
            raw,
            source,
            &queries::TRACE_FLAGS,
            raw.catalog_major(),
        )),
    };
    objects.system_grants = match raw.result(queries::SYSTEM_GRANTS_2016.name) {
        Some(result) if result.error.is_none() => Known::Known(
            result
                .records()
                .filter_map(|row| row.text("permission"))
                .collect(),
        ),
        Some(result) => Known::unknown(format!(
            "{}: {}",
            queries::SYSTEM_GRANTS_2016.name,
            result.error.clone().unwrap_or_default()
        )),
        None => Known::unknown("not read (SQL Server 2016 only)"),
    };
    let mut commands = Vec::new();
    if let Some(result) = raw.ok(queries::JOB_STEPS.name) {
        for row in result.records() {
            let job = row.text("job");
            let step = row.text("step");
            let subsystem = row.text("subsystem").unwrap_or_else(|| "TSQL".to_string());
            let database = row.text("database_name");
            let object = format!(
                "msdb.dbo.sysjobsteps: {} / {}",
                job.as_deref().unwrap_or("?"),
                step.as_deref().unwrap_or("?")
            );
            let command = row.text("command");
            if subsystem.eq_ignore_ascii_case("TSQL")
                && let Some(command) = &command
            {
                commands.push((
                    database.clone().unwrap_or_else(|| "master".to_string()),
                    object.clone(),
                    command.clone(),
                ));
            }
            objects.job_steps.push(Fact::new(
                JobStep {
                    job,
                    step,
                    subsystem,
                    database,
                    command,
                },
                live_origin(source, &server, None, object),
            ));
        }
    }
    for (database, object, command) in commands {
        scan_live_text(instance, &server, &database, &object, &command);
    }
}

/// Runs module or job step T-SQL through the script scanner, with findings
/// that name the server, database and object.
fn scan_live_text(instance: &mut Instance, server: &str, database: &str, object: &str, text: &str) {
    let facts = scan_module(instance.source, server, database, object, text);
    record_unscanned(instance, database, &facts.warnings);
    merge_scanned(instance, facts);
}

/// Module or job step text the scanner could not take whole (a statement
/// over 16 MB without a boundary, dynamic SQL nested too deep) leaves its
/// database's code not fully known: the instance's errors say what was not
/// scanned, and the code is a gap, never a pass.
fn record_unscanned(instance: &mut Instance, database: &str, warnings: &[String]) {
    for warning in warnings.iter().filter(|w| w.contains(" was not scanned")) {
        instance.errors.push(warning.clone());
        if instance.database(database).is_some() {
            instance
                .database_mut(database)
                .facts
                .gaps
                .entry(FactSet::Code)
                .or_insert_with(|| warning.clone());
        } else {
            instance.add_gap(FactSet::Code, warning.clone());
        }
    }
}

/// Scans module or job step T-SQL read from `database` on `server`.
pub fn scan_module(
    source: Source,
    server: &str,
    database: &str,
    object: &str,
    text: &str,
) -> ScriptFacts {
    let path = format!("{server}/{database}/{object}");
    let mut scanner = ScriptScanner::for_live_object(&path, source, server, database, object);
    scanner.scan_text(text);
    scanner.facts
}

/// Adds scanned facts to the databases they name (or to the instance).
fn merge_scanned(instance: &mut Instance, facts: ScriptFacts) {
    for (name, database_facts) in facts.databases {
        match instance
            .databases
            .iter_mut()
            .find(|db| db.name.eq_ignore_ascii_case(&name))
        {
            Some(existing) => existing.facts.extend(database_facts),
            None => instance.unattributed.extend(database_facts),
        }
    }
    instance.unattributed.extend(facts.unattributed);
}

/// User databases: options, state, files, AG membership, TDE, backups,
/// objects, and the usages in their modules.
/// `scanned`: module code an inventory's reader already scanned.
fn lower_databases(raw: &RawServer, scanned: Vec<ScannedModules>, instance: &mut Instance) {
    let source = instance.source;
    let server = raw.server.clone();
    let Some(databases) = raw.ok(queries::DATABASES_2016.name) else {
        return;
    };
    let major = raw.catalog_major().unwrap_or_default();
    let can_see_definitions = instance.facts.sysadmin == Known::Known(true)
        || raw
            .result(SERVER_PROPERTIES.name)
            .and_then(RawResult::first_record)
            .and_then(|p| p.number("has_view_any_definition"))
            == Some(1);
    // Server-wide results, read for each database below.
    let backups = raw.ok(queries::BACKUPS.name);
    let groups: Vec<Record<'_>> = raw
        .ok(queries::AVAILABILITY_GROUPS_2016.name)
        .into_iter()
        .flat_map(RawResult::records)
        .collect();
    let encryption_keys = raw.ok(queries::ENCRYPTION_KEYS.name);
    let log_shipping = raw.ok(queries::LOG_SHIPPING.name);
    for row in databases.records() {
        let Some(name) = row.text("name") else {
            continue;
        };
        if is_system_database(&name) {
            continue;
        }
        let mut facts = database_options(source, &server, &name, &row, major);
        if let Some(result) = backups {
            facts.backups = Some(Fact::new(
                backup_history(result, &name, row.number("log_chain_started")),
                live_origin(source, &server, Some(&name), "msdb.dbo.backupset"),
            ));
        }
        if let Some(mine) = groups
            .iter()
            .find(|r| r.text("database_name").as_deref() == Some(name.as_str()))
        {
            let group = mine.text("availability_group").unwrap_or_default();
            let databases_in_group = groups
                .iter()
                .filter(|r| r.text("availability_group").as_deref() == Some(group.as_str()))
                .count();
            facts.availability_group = Some(Fact::new(
                AvailabilityGroupMembership {
                    distributed: mine.flag("is_distributed"),
                    contained: mine.flag("is_contained"),
                    replicas: mine
                        .number("replicas")
                        .and_then(|n| usize::try_from(n).ok()),
                    databases_in_group,
                    group: group.clone(),
                },
                live_origin(
                    source,
                    &server,
                    Some(&name),
                    format!("sys.availability_groups: {group}"),
                ),
            ));
        }
        if let Some(result) = encryption_keys {
            for key in result
                .records()
                .filter(|r| r.text("database_name").as_deref() == Some(name.as_str()))
            {
                facts.encryption_keys.push(Fact::new(
                    DatabaseEncryptionKey {
                        certificate: key.text("certificate"),
                    },
                    live_origin(
                        source,
                        &server,
                        Some(&name),
                        "sys.dm_database_encryption_keys",
                    ),
                ));
            }
        }
        let log_shipped = log_shipping.is_some_and(|r| {
            r.records()
                .any(|row| row.text("database_name").as_deref() == Some(name.as_str()))
        });
        if log_shipped {
            facts.replication.push(Fact::new(
                ReplicationFeature::LogShipping,
                live_origin(
                    source,
                    &server,
                    Some(&name),
                    "msdb.dbo.log_shipping_primary_databases",
                ),
            ));
        }
        lower_database_objects(raw, source, &server, &name, &mut facts);
        record_database_gaps(raw, source, &name, &row, can_see_definitions, &mut facts);
        instance.database_mut(&name).facts.extend(facts);
    }
    let names: Vec<String> = instance
        .databases
        .iter()
        .map(|db| db.name.clone())
        .collect();
    for database in names {
        let modules = raw.ok(&format!("{}:{database}", queries::DATABASE_MODULES_NAME));
        for row in modules.into_iter().flat_map(RawResult::records) {
            if let (Some(object), Some(definition)) = (row.text("object"), row.text("definition")) {
                scan_live_text(instance, &server, &database, &object, &definition);
            }
        }
    }
    for modules in scanned {
        record_unscanned(instance, &modules.database, &modules.facts.warnings);
        merge_scanned(instance, modules.facts);
    }
}

/// The options, state and replication of one `sys.databases` row.
fn database_options(
    source: Source,
    server: &str,
    name: &str,
    row: &Record<'_>,
    major: u16,
) -> DatabaseFacts {
    let origin = |column: &str| {
        live_origin(
            source,
            server,
            Some(name),
            format!("sys.databases.{column}"),
        )
    };
    let size_mb = row
        .number("size_mb")
        .and_then(|mb| u64::try_from(mb).ok())
        .map(|mb| {
            Fact::new(
                mb,
                live_origin(source, server, Some(name), "sys.master_files.size"),
            )
        });
    let mut facts = DatabaseFacts {
        size_mb,
        state: Some(Fact::new(
            DatabaseState {
                state: row.text("state").unwrap_or_default(),
                read_only: row.flag("is_read_only"),
                user_access: row.text("user_access").unwrap_or_default(),
                standby: row.flag("is_in_standby"),
            },
            origin("state_desc"),
        )),
        ..DatabaseFacts::default()
    };
    let recovery = match row.text("recovery_model").as_deref() {
        Some("SIMPLE") => Some(RecoveryModel::Simple),
        Some("BULK_LOGGED") => Some(RecoveryModel::BulkLogged),
        Some("FULL") => Some(RecoveryModel::Full),
        _ => None,
    };
    if let Some(model) = recovery {
        facts.settings.push(Fact::new(
            DatabaseSetting::RecoveryModel(model),
            origin("recovery_model_desc"),
        ));
    }
    if let Some(level) = row
        .number("compatibility_level")
        .and_then(|l| u16::try_from(l).ok())
    {
        facts.settings.push(Fact::new(
            DatabaseSetting::CompatibilityLevel(level),
            origin("compatibility_level"),
        ));
    }
    if row.flag("is_encrypted") {
        facts.settings.push(Fact::new(
            DatabaseSetting::Encryption(true),
            origin("is_encrypted"),
        ));
    }
    if row.flag("is_stretch_enabled") {
        facts.settings.push(Fact::new(
            DatabaseSetting::RemoteDataArchive(true),
            origin("is_remote_data_archive_enabled"),
        ));
    }
    facts.settings.push(Fact::new(
        DatabaseSetting::Broker(row.flag("is_broker_enabled")),
        origin("is_broker_enabled"),
    ));
    if major >= 15
        && let Some(adr) = row.number("is_adr_on")
    {
        facts.settings.push(Fact::new(
            DatabaseSetting::AcceleratedRecovery {
                enabled: adr != 0,
                version_store_filegroup: None,
            },
            origin("is_accelerated_database_recovery_on"),
        ));
    }
    for (column, feature) in [
        ("is_published", ReplicationFeature::Publication),
        ("is_cdc_enabled", ReplicationFeature::ChangeDataCapture),
    ] {
        if row.flag(column) {
            facts.replication.push(Fact::new(feature, origin(column)));
        }
    }
    facts
}

/// `log_chain_started`: from `sys.database_recovery_status`, or None for an
/// AUTO_CLOSE database, which that view would start ("If the database is
/// not opened, the Database Engine tries to start it",
/// sys-database-recovery-status-transact-sql.md): then a full backup that
/// is not COPY_ONLY in the history counts as the start of the chain.
fn backup_history(
    result: &RawResult,
    database: &str,
    log_chain_started: Option<i64>,
) -> BackupHistory {
    let mine: Vec<Record<'_>> = result
        .records()
        .filter(|r| r.text("database_name").as_deref() == Some(database))
        .collect();
    let sum = |kind: &str, copy_only: Option<bool>, column: &str| -> usize {
        mine.iter()
            .filter(|r| {
                r.text("type").as_deref() == Some(kind)
                    && copy_only.is_none_or(|c| r.flag("is_copy_only") == c)
            })
            .filter_map(|r| r.number(column))
            .map(|n| usize::try_from(n).unwrap_or(0))
            .sum()
    };
    let full_backups = sum("D", Some(false), "backups");
    BackupHistory {
        log_chain_started: log_chain_started.map_or(full_backups > 0, |started| started != 0),
        full_backups,
        copy_only_full_backups: sum("D", Some(true), "backups"),
        log_backups_last_day: sum("L", None, "last_day"),
    }
}

/// A file's `type_desc`.
fn file_kind(type_desc: &str) -> FileKind {
    match type_desc {
        "LOG" => FileKind::Log,
        "FILESTREAM" => FileKind::Filestream,
        _ => FileKind::Rows,
    }
}

/// Filegroups, files, FileTables, FILESTREAM columns, memory-optimized
/// objects, stretch tables, assemblies, broker objects of one database.
fn lower_database_objects(
    raw: &RawServer,
    source: Source,
    server: &str,
    database: &str,
    facts: &mut DatabaseFacts,
) {
    let objects = raw.result(&format!("{}:{database}", queries::DATABASE_OBJECTS_NAME));
    let Some(objects) = objects.filter(|r| r.error.is_none()) else {
        // The gap is recorded by record_database_gaps; the files still
        // come from sys.master_files.
        let files = raw.ok(queries::DATABASE_FILES.name);
        for row in files
            .into_iter()
            .flat_map(RawResult::records)
            .filter(|r| r.text("database_name").as_deref() == Some(database))
        {
            let kind = file_kind(row.text("type").as_deref().unwrap_or_default());
            let name = row.text("name");
            let origin = live_origin(
                source,
                server,
                Some(database),
                format!("sys.master_files: {}", name.as_deref().unwrap_or("")),
            );
            facts.files.push(Fact::new(
                DatabaseFile {
                    logical_name: name,
                    kind,
                    filegroup: None,
                    definition: FileDefinition::Catalog,
                },
                origin,
            ));
        }
        return;
    };
    for row in objects.records() {
        let name = row.text("name").unwrap_or_default();
        let detail = row.text("detail").unwrap_or_default();
        let kind = row.text("kind").unwrap_or_default();
        let origin = live_origin(source, server, Some(database), format!("{kind}: {name}"));
        match kind.as_str() {
            "filegroup" => {
                let kind = match detail.trim() {
                    "FD" => FilegroupKind::Filestream,
                    "FX" => FilegroupKind::MemoryOptimizedData,
                    _ => FilegroupKind::Rows,
                };
                facts
                    .filegroups
                    .push(Fact::new(Filegroup { name, kind }, origin));
            }
            "file" => {
                let (file_type, filegroup) =
                    detail.split_once('|').unwrap_or((detail.as_str(), ""));
                let kind = file_kind(file_type);
                let filegroup = Some(filegroup.to_string()).filter(|f| !f.is_empty());
                facts.files.push(Fact::new(
                    DatabaseFile {
                        logical_name: Some(name),
                        kind,
                        filegroup,
                        definition: FileDefinition::Catalog,
                    },
                    origin,
                ));
            }
            "filetable" => facts.filetables.push(Fact::new(name, origin)),
            "filestream_column" => {
                let (table, column) = name.rsplit_once('.').unwrap_or(("", name.as_str()));
                facts.filestream_columns.push(Fact::new(
                    ColumnName {
                        table: table.to_string(),
                        column: column.to_string(),
                    },
                    origin,
                ));
            }
            "memory_optimized_table" | "memory_optimized_type" | "native_module" => {
                let kind = match kind.as_str() {
                    "memory_optimized_table" => MemoryOptimizedKind::Table,
                    "memory_optimized_type" => MemoryOptimizedKind::TableType,
                    _ => MemoryOptimizedKind::NativelyCompiledModule,
                };
                facts
                    .memory_optimized_objects
                    .push(Fact::new(MemoryOptimizedObject { name, kind }, origin));
            }
            "stretch_table" => facts.stretch_tables.push(Fact::new(name, origin)),
            "assembly" => {
                let permission = match detail.trim() {
                    "EXTERNAL_ACCESS" => AssemblyPermission::ExternalAccess,
                    "UNSAFE_ACCESS" | "UNSAFE" => AssemblyPermission::Unsafe,
                    _ => AssemblyPermission::Safe,
                };
                facts.assemblies.push(Fact::new(
                    Assembly {
                        name,
                        from_file: None,
                        permission,
                    },
                    origin,
                ));
            }
            "broker_queue" => facts.usages.push(Fact::new(
                Usage::BrokerObject {
                    kind: "queue".to_string(),
                    name,
                },
                origin,
            )),
            "size_mb" => {
                // sys.database_files counts FILESTREAM containers' used size;
                // sys.master_files says 0 for them (catalog.toml).
                if let Ok(mb) = name.trim().parse::<u64>() {
                    facts.size_mb = Some(Fact::new(mb, origin));
                }
            }
            "replication_subscription" => facts
                .replication
                .push(Fact::new(ReplicationFeature::Subscription, origin)),
            "route" => facts.usages.push(Fact::new(
                Usage::BrokerRoute {
                    name,
                    address: detail,
                },
                origin,
            )),
            _ => {}
        }
    }
    // sys.database_files calls a memory-optimized container FILESTREAM too:
    // its filegroup (FX) tells them apart.
    for file in &mut facts.files {
        let in_memory_optimized = file.value.filegroup.as_deref().is_some_and(|name| {
            facts.filegroups.iter().any(|fg| {
                fg.value.name == name && fg.value.kind == FilegroupKind::MemoryOptimizedData
            })
        });
        if file.value.kind == FileKind::Filestream && in_memory_optimized {
            file.value.kind = FileKind::MemoryOptimizedContainer;
        }
    }
}
