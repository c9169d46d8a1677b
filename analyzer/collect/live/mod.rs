//! The live collector: many SQL Server instances at once over TDS
//! (tiberius), read-only, each bounded by a connect and a query timeout.
//! Catalog rows are kept as raw results and lowered into the fact model by
//! one function, which the offline inventory (a later issue) will share.

pub mod connection;
pub mod queries;

use std::sync::Arc;
use std::time::Duration;

use linkready_rules::{Instance, Known, ProductVersion, Source};
use serde::{Deserialize, Serialize};
use tiberius::{AuthMethod, Client, ColumnData, Config, SqlBrowser};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio_util::compat::{Compat, TokioAsyncWriteCompatExt};

use connection::ServerSpec;
use queries::{INSTANCE_QUERIES, QueryDefinition, SERVER_PROPERTIES};

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
            jobs: 16,
            connect_timeout: Duration::from_secs(15),
            query_timeout: Duration::from_secs(30),
        }
    }
}

/// A value of a catalog row, as the collector casts it in SQL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawValue {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
}

/// The rows one query returned, or why it returned none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawResult {
    pub query: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<RawValue>>,
    /// The error the server (or the connection) gave instead of rows.
    pub error: Option<String>,
}

impl RawResult {
    /// The value of `column` in the first row.
    fn first(&self, column: &str) -> Option<&RawValue> {
        let index = self
            .columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(column))?;
        self.rows.first()?.get(index)
    }

    fn text(&self, column: &str) -> Option<String> {
        match self.first(column)? {
            RawValue::Text(text) => Some(text.clone()),
            RawValue::Int(number) => Some(number.to_string()),
            _ => None,
        }
    }

    fn number(&self, column: &str) -> Option<i64> {
        match self.first(column)? {
            RawValue::Int(number) => Some(*number),
            RawValue::Bool(flag) => Some(i64::from(*flag)),
            RawValue::Text(text) => text.trim().parse().ok(),
            RawValue::Null => None,
        }
    }
}

/// Everything read from one server: the raw rows of each query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawServer {
    pub server: String,
    /// Why nothing could be read (connection, login, timeout), if so.
    pub error: Option<String>,
    pub results: Vec<RawResult>,
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
                    lower_server(&RawServer {
                        server: spec.display.clone(),
                        error: Some(format!("cannot start the network runtime: {error}")),
                        results: Vec::new(),
                    })
                })
                .collect();
        }
    };
    let raw = runtime.block_on(collect_raw(servers, password, options.clone()));
    raw.iter().map(lower_server).collect()
}

/// Reads every server's raw rows concurrently (bounded by a semaphore).
pub async fn collect_raw(
    servers: Vec<ServerSpec>,
    password: Option<String>,
    options: LiveOptions,
) -> Vec<RawServer> {
    let permits = Arc::new(Semaphore::new(options.jobs.max(1)));
    let password = Arc::new(password);
    let tasks: Vec<_> = servers
        .into_iter()
        .map(|spec| {
            let permits = Arc::clone(&permits);
            let password = Arc::clone(&password);
            let options = options.clone();
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                read_server(&spec, password.as_deref(), &options).await
            })
        })
        .collect();
    let mut raw = Vec::with_capacity(tasks.len());
    for task in tasks {
        raw.push(task.await.unwrap_or_else(|error| RawServer {
            server: String::new(),
            error: Some(format!("collector task failed: {error}")),
            results: Vec::new(),
        }));
    }
    raw
}

async fn read_server(
    spec: &ServerSpec,
    password: Option<&str>,
    options: &LiveOptions,
) -> RawServer {
    let mut raw = RawServer {
        server: spec.display.clone(),
        ..RawServer::default()
    };
    let mut client = match connect(spec, password, options).await {
        Ok(client) => client,
        Err(error) => {
            raw.error = Some(error);
            return raw;
        }
    };
    let properties = run_query(&mut client, &SERVER_PROPERTIES, options).await;
    let major = properties
        .text("product_version")
        .and_then(|v| ProductVersion::parse(&v))
        .map(|v| v.major);
    let connection_lost = properties.error.as_deref().is_some_and(is_connection_error);
    raw.results.push(properties);
    if connection_lost {
        return raw;
    }
    for query in INSTANCE_QUERIES {
        if major.is_some_and(|major| major < query.min_major) {
            continue;
        }
        let result = run_query(&mut client, query, options).await;
        let lost = result.error.as_deref().is_some_and(is_connection_error);
        raw.results.push(result);
        if lost {
            break;
        }
    }
    raw
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
        (None, _) => {
            if !cfg!(feature = "integrated-auth") {
                return Err("no User Id, and integrated (Kerberos) authentication is not in this build (cargo feature integrated-auth)".to_string());
            }
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

async fn run_query(
    client: &mut TdsClient,
    query: &QueryDefinition,
    options: &LiveOptions,
) -> RawResult {
    let mut result = RawResult {
        query: query.name.to_string(),
        columns: Vec::new(),
        rows: Vec::new(),
        error: None,
    };
    let read = async {
        let stream = client.simple_query(query.sql).await?;
        stream.into_results().await
    };
    let sets = match tokio::time::timeout(options.query_timeout, read).await {
        Ok(Ok(sets)) => sets,
        Ok(Err(error)) => {
            result.error = Some(match error {
                tiberius::error::Error::Server(token) => {
                    format!("server error {}: {}", token.code(), token.message())
                }
                tiberius::error::Error::Io { .. } => format!("connection lost: {error}"),
                other => format!("connection lost: {other}"),
            });
            return result;
        }
        Err(_) => {
            result.error = Some(format!(
                "timed out after {} s",
                options.query_timeout.as_secs()
            ));
            return result;
        }
    };
    for rows in sets {
        for row in rows {
            if result.columns.is_empty() {
                result.columns = row.columns().iter().map(|c| c.name().to_string()).collect();
            }
            result.rows.push(row.into_iter().map(raw_value).collect());
        }
    }
    result
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
pub fn lower_server(raw: &RawServer) -> Instance {
    let mut instance = Instance::new(&raw.server, Source::Live);
    if let Some(error) = &raw.error {
        instance.errors.push(format!("not assessed: {error}"));
        instance.facts = linkready_rules::InstanceFacts::unknown(error);
        return instance;
    }
    let result = |name: &str| raw.results.iter().find(|r| r.query == name);
    let properties = result(SERVER_PROPERTIES.name);
    let unknown_reason = |r: Option<&RawResult>, name: &str| match r.and_then(|r| r.error.clone()) {
        Some(error) => format!("{name}: {error}"),
        None => format!("{name}: not read"),
    };
    let facts = &mut instance.facts;
    match properties.filter(|p| p.error.is_none() && !p.rows.is_empty()) {
        Some(p) => {
            facts.version = p
                .text("product_version")
                .and_then(|v| ProductVersion::parse(&v))
                .map_or_else(
                    || Known::unknown("ProductVersion not readable"),
                    Known::Known,
                );
            facts.edition = p
                .text("edition")
                .map_or_else(|| Known::unknown("Edition not readable"), Known::Known);
            facts.hadr_enabled = p.number("is_hadr_enabled").map_or_else(
                || Known::unknown("IsHadrEnabled not readable"),
                |v| Known::Known(v != 0),
            );
            facts.version_text = p
                .text("version_text")
                .map_or_else(|| Known::unknown("@@VERSION not readable"), Known::Known);
            facts.sysadmin = p.number("is_sysadmin").map_or_else(
                || Known::unknown("IS_SRVROLEMEMBER not readable"),
                |v| Known::Known(v == 1),
            );
            facts.link_support_probe = p.number("has_certificate_add_issuer").map_or_else(
                || Known::unknown("probe not readable"),
                |v| Known::Known(v == 1),
            );
        }
        None => {
            let reason = unknown_reason(properties, SERVER_PROPERTIES.name);
            instance.errors.push(format!("not assessed: {reason}"));
            instance.facts = linkready_rules::InstanceFacts::unknown(&reason);
            return instance;
        }
    }
    let master_key = result(queries::MASTER_KEY.name);
    facts.master_key = match master_key
        .filter(|r| r.error.is_none())
        .and_then(|r| r.number("master_keys"))
    {
        Some(count) if count > 0 => Known::Known(true),
        // Without VIEW ANY DEFINITION the key is hidden, not absent.
        Some(_) if facts.sysadmin != Known::Known(true) => Known::unknown(
            "sys.symmetric_keys shows no key, but the login may not see it (not sysadmin)",
        ),
        Some(_) => Known::Known(false),
        None => Known::unknown(unknown_reason(master_key, queries::MASTER_KEY.name)),
    };
    for result in &raw.results {
        if let Some(error) = &result.error {
            instance.errors.push(format!("{}: {error}", result.query));
        }
    }
    instance
        .errors
        .push("databases not assessed live yet: this build reads instance facts only".to_string());
    instance
}
