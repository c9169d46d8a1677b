//! linkready.toml: the target managed instance, rule settings, scoring
//! weights and suppressions. The file format lives here, at the edge; rules
//! see only [`Settings`].
//!
//! Unknown keys and bad values are errors naming the file, line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use linkready_rules::{
    ConfigSuppression, RULES, RuleMeta, Settings, Severity, Target, Tier, UpdatePolicy, find_rule,
    glob_match,
};
use serde::Deserialize;
use toml::Spanned;

use linkready_reports::setup::{InitialPrimary, InstanceEndpoint, LinkMode, SetupOptions};

use crate::collect::attribution::InstanceScripts;
use crate::score::Weights;

/// The file looked for in the working directory when `--config` is not given.
pub const CONFIG_FILE_NAME: &str = "linkready.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    // The cause is the error's source: `{:#}` prints it once, after this.
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    target: Option<TargetFile>,
    scoring: Option<ScoringFile>,
    #[serde(default)]
    rules: BTreeMap<String, Spanned<RuleFile>>,
    #[serde(default)]
    suppress: Vec<Spanned<SuppressFile>>,
    scripts: Option<ScriptsFile>,
    /// `[instances."SQL05"]`: the script folders of a server.
    #[serde(default)]
    instances: BTreeMap<String, Spanned<InstanceFile>>,
}

/// `[instances."NAME"]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InstanceFile {
    /// Paths or globs, relative to the config file's folder.
    scripts: Vec<Spanned<String>>,
}

/// `[scripts]`: choices for `linkready scripts`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptsFile {
    initial_primary: Option<InitialPrimary>,
    link_mode: Option<LinkModeFile>,
    backup_directory: Option<Spanned<String>>,
    /// `YYYY-MM-DD`; default: five years from today.
    certificate_expiry: Option<Spanned<toml::Value>>,
    #[serde(default)]
    instances: BTreeMap<String, Spanned<ScriptsInstanceFile>>,
}

/// `[scripts] link_mode`: how the link fails over (`one-way`, `two-way`),
/// or how many databases one link carries (`single-database`, the default,
/// or `multiple-database`, the preview mode that links a whole availability
/// group; its failover follows the version and update policy as by default).
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "kebab-case")]
enum LinkModeFile {
    OneWay,
    TwoWay,
    SingleDatabase,
    MultipleDatabase,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptsInstanceFile {
    address: Option<Spanned<String>>,
    endpoint_port: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetFile {
    /// `az sql mi show -o json` / `Get-AzSqlInstance | ConvertTo-Json`
    /// output, relative to this file's folder.
    from: Option<Spanned<String>>,
    /// `az sql midb list -o json` / `Get-AzSqlInstanceDatabase | ConvertTo-Json`.
    databases_from: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    resource_group: Option<Spanned<String>>,
    subscription: Option<Spanned<String>>,
    fqdn: Option<Spanned<String>>,
    tier: Option<Tier>,
    update_policy: Option<UpdatePolicy>,
    free_storage_gb: Option<Spanned<f64>>,
    collation: Option<Spanned<String>>,
    #[serde(default)]
    databases: Vec<Spanned<String>>,
    bandwidth_mbps: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoringFile {
    blocker: Option<u32>,
    prerequisite: Option<u32>,
    warning: Option<u32>,
    info: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    enabled: Option<bool>,
    severity: Option<Severity>,
    /// Points this rule's findings cost in the score.
    weight: Option<u32>,
    /// LR109 only.
    expiry_days: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SuppressFile {
    rule: String,
    instance: Option<String>,
    database: Option<String>,
    object: Option<String>,
    reason: String,
    expires: Option<Spanned<toml::Value>>,
}

/// A rule's settings from `[rules.LRxxx]` (its weight goes to
/// [`Weights::per_rule`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleOverride {
    pub enabled: bool,
    pub severity: Option<Severity>,
}

/// Everything linkready.toml sets, with defaults for what it does not.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file read, if any.
    pub path: Option<PathBuf>,
    pub settings: Settings,
    pub weights: Weights,
    /// By rule ID.
    pub rules: BTreeMap<&'static str, RuleOverride>,
    pub suppressions: Vec<ConfigSuppression>,
    /// `[scripts]`; `certificate_expiry` is empty when the file sets none
    /// (the command fills in five years from today).
    pub scripts: SetupOptions,
    /// `[instances."NAME"] scripts = [...]` (and `--instance-scripts`): the
    /// servers script folders belong to, in name order.
    pub instances: Vec<InstanceScripts>,
    /// What the file's Azure JSON (`[target] from`) did not say or said in
    /// a way linkready does not know: shown as warnings, never guessed.
    pub notes: Vec<String>,
}

impl Config {
    /// Whether the rule runs.
    pub fn enabled(&self, id: &str) -> bool {
        self.rules.get(id).is_none_or(|rule| rule.enabled)
    }

    /// `[rules.LRxxx] severity`, when set.
    pub fn severity_override(&self, id: &str) -> Option<Severity> {
        self.rules.get(id).and_then(|settings| settings.severity)
    }

    /// The rule's severity: the configured one, else the catalog's.
    pub fn severity(&self, rule: &RuleMeta) -> Severity {
        self.severity_override(rule.id).unwrap_or(rule.severity)
    }
}

/// A configuration value that the link scripts write into T-SQL, sqlcmd
/// and PowerShell: one line, no control character, and no `$(` (sqlcmd
/// would substitute it as a variable, even inside a quoted literal). The
/// scripts quote it for each language; these are what quoting cannot
/// neutralise. Refused with the value's offset in the file.
fn script_safe(value: &Spanned<String>, key: &str) -> Result<String, (usize, String)> {
    let text = value.get_ref();
    if let Some(control) = text.chars().find(|c| c.is_control()) {
        return Err((
            value.span().start,
            format!(
                "{key} holds a control character (U+{:04X}); values written into the link scripts must be one line of printable text",
                u32::from(control)
            ),
        ));
    }
    if text.contains("$(") {
        return Err((
            value.span().start,
            format!(
                "{key} holds \"$(\", which sqlcmd would substitute as a variable in the link scripts"
            ),
        ));
    }
    Ok(text.clone())
}

/// A JSON file `[target]` names, relative to the config's folder; decoded
/// as scripts are, BOM dropped (Windows PowerShell 5.1 writes UTF-16 with a BOM). The
/// error and the name shown say which file.
fn read_json(folder: &Path, name: &str) -> Result<(serde_json::Value, String), String> {
    let path = folder.join(name);
    let shown = path.display().to_string();
    let bytes = std::fs::read(&path).map_err(|error| format!("cannot read {shown}: {error}"))?;
    let (text, _) = crate::collect::decode::decode(bytes)
        .map_err(|error| format!("cannot decode {shown}: {error}"))?;
    let document =
        serde_json::from_str(&text).map_err(|error| format!("{shown}: not JSON: {error}"))?;
    Ok((document, shown))
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(1, |last| last.chars().count() + 1);
    (line, column)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    (text.len() == 10 && (1..=days_in_month).contains(&day))
        .then(|| days_from_civil(year, month, day))
}

/// A TOML date (`2027-03-31`) or string (`"2027-03-31"`) as its text and
/// day number; None for anything else or an impossible date.
fn date_value(value: &toml::Value) -> Option<(String, i64)> {
    let text = match value {
        toml::Value::String(text) => text.clone(),
        toml::Value::Datetime(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
            datetime.to_string()
        }
        _ => return None,
    };
    let day = parse_date(&text)?;
    Some((text, day))
}

/// The date `days` after 1970-01-01, as `YYYY-MM-DD` (Howard Hinnant's
/// civil-from-days).
pub fn civil_from_days(days: i64) -> String {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Today, in days since 1970-01-01 (UTC).
pub fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| (elapsed.as_secs() / 86_400) as i64)
}

/// Reads linkready.toml: `explicit` when given, else `./linkready.toml` when
/// it exists, else the defaults.
pub fn load(explicit: Option<&Path>, today: i64) -> Result<Config, ConfigError> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let default = PathBuf::from(CONFIG_FILE_NAME);
            if !default.is_file() {
                return Ok(Config::default());
            }
            default
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
        path: path.clone(),
        source,
    })?;
    parse(&text, &path, today)
}

/// Parses linkready.toml text; `path` names it in errors.
pub fn parse(text: &str, path: &Path, today: i64) -> Result<Config, ConfigError> {
    let invalid = |offset: usize, message: String| {
        let (line, column) = line_column(text, offset);
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    };
    let file: ConfigFile = toml::from_str(text).map_err(|error| {
        let offset = error.span().map_or(0, |span| span.start);
        invalid(offset, error.message().to_string())
    })?;

    let mut config = Config {
        path: Some(path.to_path_buf()),
        ..Config::default()
    };

    if let Some(target) = file.target {
        let positive = |value: &Option<Spanned<f64>>, key: &str| match value {
            Some(value) if !(value.get_ref().is_finite() && *value.get_ref() > 0.0) => {
                Err(invalid(
                    value.span().start,
                    format!("{key} must be a positive number"),
                ))
            }
            Some(value) => Ok(Some(*value.get_ref())),
            None => Ok(None),
        };
        let free_storage_gb = positive(&target.free_storage_gb, "free_storage_gb")?;
        let bandwidth_mbps = positive(&target.bandwidth_mbps, "bandwidth_mbps")?;
        let text_value = |value: &Option<Spanned<String>>, key: &str| {
            value
                .as_ref()
                .map(|value| script_safe(value, key).map_err(|(at, why)| invalid(at, why)))
                .transpose()
        };
        let databases = target
            .databases
            .iter()
            .map(|name| script_safe(name, "databases").map_err(|(at, why)| invalid(at, why)))
            .collect::<Result<Vec<_>, _>>()?;
        // Azure's own JSON fills what the table does not set; what the
        // table sets wins.
        let folder = path.parent().unwrap_or(Path::new(""));
        let from_json = match &target.from {
            Some(file) => {
                let (document, shown) = read_json(folder, file.get_ref())
                    .map_err(|why| invalid(file.span().start, format!("from: {why}")))?;
                let fields = crate::azure_target::read_instance(&document)
                    .map_err(|why| invalid(file.span().start, format!("from: {shown}: {why}")))?;
                for (value, key) in [
                    (&fields.name, "name"),
                    (&fields.resource_group, "resource_group"),
                    (&fields.subscription, "subscription"),
                    (&fields.fqdn, "fqdn"),
                    (&fields.collation, "collation"),
                ] {
                    if let Some(value) = value {
                        script_safe(&Spanned::new(file.span(), value.clone()), key)
                            .map_err(|(at, why)| invalid(at, format!("from: {shown}: {why}")))?;
                    }
                }
                // A note about a key the table sets says nothing new.
                let set_by_table = |key: &str| match key {
                    "tier" => target.tier.is_some(),
                    "update_policy" => target.update_policy.is_some(),
                    "fqdn" => target.fqdn.is_some(),
                    "collation" => target.collation.is_some(),
                    "resource_group" => target.resource_group.is_some(),
                    "free_storage_gb" => target.free_storage_gb.is_some(),
                    _ => false,
                };
                config.notes.extend(
                    fields
                        .notes
                        .iter()
                        .filter(|(key, _)| !set_by_table(key))
                        .map(|(_, note)| format!("{shown}: {note}")),
                );
                fields
            }
            None => crate::azure_target::InstanceFields::default(),
        };
        let mut databases = databases;
        if let Some(file) = &target.databases_from {
            let (document, shown) = read_json(folder, file.get_ref())
                .map_err(|why| invalid(file.span().start, format!("databases_from: {why}")))?;
            let names = crate::azure_target::read_databases(&document).map_err(|why| {
                invalid(file.span().start, format!("databases_from: {shown}: {why}"))
            })?;
            for name in names {
                let name = script_safe(&Spanned::new(file.span(), name), "databases")
                    .map_err(|(at, why)| invalid(at, format!("databases_from: {shown}: {why}")))?;
                if !databases
                    .iter()
                    .any(|known| known.eq_ignore_ascii_case(&name))
                {
                    databases.push(name);
                }
            }
        }
        config.settings.target = Some(Target {
            name: text_value(&target.name, "name")?.or(from_json.name),
            resource_group: text_value(&target.resource_group, "resource_group")?
                .or(from_json.resource_group),
            subscription: text_value(&target.subscription, "subscription")?
                .or(from_json.subscription),
            fqdn: text_value(&target.fqdn, "fqdn")?.or(from_json.fqdn),
            tier: target.tier.or(from_json.tier),
            update_policy: target.update_policy.or(from_json.update_policy),
            free_storage_mb: free_storage_gb.map(|gb| (gb * 1024.0) as u64),
            collation: text_value(&target.collation, "collation")?.or(from_json.collation),
            databases,
            bandwidth_mbps,
        });
    }

    if let Some(scoring) = file.scoring {
        let defaults = Weights::default();
        config.weights = Weights {
            blocker: scoring.blocker.unwrap_or(defaults.blocker),
            prerequisite: scoring.prerequisite.unwrap_or(defaults.prerequisite),
            warning: scoring.warning.unwrap_or(defaults.warning),
            info: scoring.info.unwrap_or(defaults.info),
            per_rule: BTreeMap::new(),
        };
    }

    for (key, rule) in &file.rules {
        let Some(meta) = find_rule(key) else {
            let offset = text
                .find(&format!("rules.{key}"))
                .or_else(|| text.find(key.as_str()))
                .unwrap_or(rule.span().start);
            return Err(invalid(
                offset,
                format!(
                    "unknown rule {key:?} in [rules] (one of {} or their names; `linkready rules` lists them)",
                    RULES.first().map_or("LR101", |r| r.meta().id)
                ),
            ));
        };
        let settings = rule.get_ref();
        if let Some(days) = &settings.expiry_days {
            if meta.id != "LR109" {
                return Err(invalid(
                    days.span().start,
                    format!("expiry_days applies to LR109, not {}", meta.id),
                ));
            }
            if *days.get_ref() < 0 {
                return Err(invalid(
                    days.span().start,
                    "expiry_days must be 0 or more".to_string(),
                ));
            }
            config.settings.certificate_expiry_days = *days.get_ref();
        }
        if let Some(weight) = settings.weight {
            config.weights.per_rule.insert(meta.id, weight);
        }
        if config.rules.contains_key(meta.id) {
            let offset = text
                .find(&format!("rules.{key}"))
                .unwrap_or(rule.span().start);
            return Err(invalid(
                offset,
                format!(
                    "{} is configured twice in [rules] (by ID and by name {}); keep one table",
                    meta.id, meta.name
                ),
            ));
        }
        config.rules.insert(
            meta.id,
            RuleOverride {
                enabled: settings.enabled.unwrap_or(true),
                severity: settings.severity,
            },
        );
    }

    // Paths in the file are relative to its folder, wherever linkready runs.
    let base = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = std::env::current_dir()
        .map(|working| crate::collect::attribution::absolute(&working, &base))
        .unwrap_or(base);
    for (name, instance) in &file.instances {
        if name.trim().is_empty() || name.chars().any(char::is_control) {
            return Err(invalid(
                instance.span().start,
                format!("[instances.{name:?}]: an instance name must be printable text"),
            ));
        }
        let mut patterns = Vec::new();
        for pattern in &instance.get_ref().scripts {
            if pattern.get_ref().trim().is_empty() {
                return Err(invalid(
                    pattern.span().start,
                    format!("[instances.{name:?}] scripts: a path must not be empty"),
                ));
            }
            patterns.push(pattern.get_ref().clone());
        }
        config
            .instances
            .push(InstanceScripts::new(name.clone(), &base, &patterns));
    }

    if let Some(scripts) = &file.scripts {
        config.scripts.initial_primary = scripts.initial_primary.unwrap_or_default();
        match scripts.link_mode {
            Some(LinkModeFile::OneWay) => config.scripts.link_mode = Some(LinkMode::OneWay),
            Some(LinkModeFile::TwoWay) => config.scripts.link_mode = Some(LinkMode::TwoWay),
            Some(LinkModeFile::MultipleDatabase) => {
                config.scripts.multiple_database = true;
                config.settings.multiple_database = true;
            }
            Some(LinkModeFile::SingleDatabase) | None => {}
        }
        if let Some(directory) = &scripts.backup_directory {
            if directory.get_ref().trim().is_empty() {
                return Err(invalid(
                    directory.span().start,
                    "backup_directory must not be empty (leave it out for the server's default backup directory)".to_string(),
                ));
            }
            let directory =
                script_safe(directory, "backup_directory").map_err(|(at, why)| invalid(at, why))?;
            config.scripts.backup_directory = Some(directory);
        }
        if let Some(expiry) = &scripts.certificate_expiry {
            match date_value(expiry.get_ref()) {
                Some((text, day)) if day > today => config.scripts.certificate_expiry = text,
                Some((text, _)) => {
                    return Err(invalid(
                        expiry.span().start,
                        format!("certificate_expiry {text} is not in the future"),
                    ));
                }
                None => {
                    return Err(invalid(
                        expiry.span().start,
                        "certificate_expiry must be a date, YYYY-MM-DD".to_string(),
                    ));
                }
            }
        }
        for (name, instance) in &scripts.instances {
            let settings = instance.get_ref();
            let address = match &settings.address {
                Some(address) => {
                    let text = address.get_ref().trim();
                    let valid = !text.is_empty()
                        && text.chars().all(|c| {
                            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
                        });
                    if !valid {
                        return Err(invalid(
                            address.span().start,
                            format!("address {text:?} is not an IP address or DNS name"),
                        ));
                    }
                    Some(text.to_string())
                }
                None => None,
            };
            let endpoint_port = match &settings.endpoint_port {
                Some(port) => Some(
                    u16::try_from(*port.get_ref())
                        .ok()
                        .filter(|port| *port > 0)
                        .ok_or_else(|| {
                            invalid(
                                port.span().start,
                                "endpoint_port must be a TCP port, 1 to 65535".to_string(),
                            )
                        })?,
                ),
                None => None,
            };
            config.scripts.instances.push(InstanceEndpoint {
                instance: name.clone(),
                address,
                endpoint_port,
            });
        }
    }

    for entry in &file.suppress {
        let start = entry.span().start;
        let suppress = entry.get_ref();
        if suppress.reason.trim().is_empty() {
            return Err(invalid(
                start,
                "a [[suppress]] entry needs a reason".to_string(),
            ));
        }
        let names_a_rule = RULES.iter().any(|rule| {
            glob_match(&suppress.rule, rule.meta().id)
                || glob_match(&suppress.rule, rule.meta().name)
        });
        if !names_a_rule {
            return Err(invalid(
                start,
                format!("[[suppress]] rule {:?} matches no rule", suppress.rule),
            ));
        }
        let (expires, expired) = match &suppress.expires {
            None => (None, false),
            Some(value) => match date_value(value.get_ref()) {
                Some((text, day)) => (Some(text), day <= today),
                None => {
                    return Err(invalid(
                        value.span().start,
                        "expires must be a date, YYYY-MM-DD".to_string(),
                    ));
                }
            },
        };
        let (line, _) = line_column(text, start);
        config.suppressions.push(ConfigSuppression {
            rule: suppress.rule.clone(),
            instance: suppress.instance.clone(),
            database: suppress.database.clone(),
            object: suppress.object.clone(),
            reason: suppress.reason.clone(),
            expires,
            expired,
            place: format!("{}:{line}", path.display()),
        });
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: i64 = 20_000; // 2024-10-04

    #[test]
    fn instance_script_paths_are_relative_to_the_file() {
        let text = "[instances.\"SQL05\"]\nscripts = [\"a/../SQL05\", \"/abs/*/jobs\"]\n";
        let config = parse(text, Path::new("/cfg/linkready.toml"), TODAY).expect("valid");
        assert_eq!(config.instances.len(), 1);
        assert_eq!(config.instances[0].instance, "SQL05");
        assert_eq!(
            config.instances[0].patterns,
            [PathBuf::from("/cfg/SQL05"), PathBuf::from("/abs/*/jobs")]
        );
        let error = parse(
            "[instances.\"SQL05\"]\nscripts = [\"\"]\n",
            Path::new("/cfg/linkready.toml"),
            TODAY,
        )
        .expect_err("empty path");
        assert!(error.to_string().contains("must not be empty"), "{error}");
        let error = parse(
            "[instances.\"SQL05\"]\nscript = [\"x\"]\n",
            Path::new("/cfg/linkready.toml"),
            TODAY,
        )
        .expect_err("unknown key");
        assert!(
            error.to_string().contains("/cfg/linkready.toml:2:1"),
            "{error}"
        );
    }

    fn parse_ok(text: &str) -> Config {
        parse(text, Path::new("linkready.toml"), TODAY).unwrap()
    }

    fn parse_err(text: &str) -> String {
        parse(text, Path::new("linkready.toml"), TODAY)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_full_file() {
        let config = parse_ok(
            r#"
[target]
name = "mi-prod"
resource_group = "rg"
subscription = "00000000-0000-0000-0000-000000000000"
fqdn = "mi-prod.abc.database.windows.net"
tier = "business-critical"
update_policy = "SQLServer2022"
free_storage_gb = 2048
collation = "SQL_Latin1_General_CP1_CI_AS"
databases = ["Old"]
bandwidth_mbps = 500

[scoring]
blocker = 50

[rules.LR109]
expiry_days = 30

[rules.compatibility-level]
enabled = false

[rules.LR301]
severity = "info"
weight = 0

[[suppress]]
rule = "LR303"
database = "Ops*"
reason = "the job is rewritten for the managed instance"
expires = 2030-01-31
"#,
        );
        let target = config.settings.target.as_ref().unwrap();
        assert_eq!(target.tier, Some(Tier::BusinessCritical));
        assert_eq!(target.free_storage_mb, Some(2048 * 1024));
        assert_eq!(config.settings.certificate_expiry_days, 30);
        assert!(!config.enabled("LR215"));
        assert_eq!(config.rules["LR301"].severity, Some(Severity::Info));
        assert_eq!(config.weights.blocker, 50);
        assert_eq!(config.weights.prerequisite, 10);
        assert_eq!(
            config.suppressions[0].expires.as_deref(),
            Some("2030-01-31")
        );
        assert!(!config.suppressions[0].expired);
        assert_eq!(config.suppressions[0].place, "linkready.toml:27");
    }

    #[test]
    fn errors_name_line_and_column() {
        // Values the scripts carry (issue 12): one line, no `$(`.
        let hostile = parse_err(
            "[scripts]\nbackup_directory = \"D:\\\\Back'up $(Evil)\\n:!! calc.exe\\nGO\\n\"\n",
        );
        assert!(
            hostile.contains(":2:20: backup_directory holds a control character"),
            "{hostile}"
        );
        let substitution = parse_err("[scripts]\nbackup_directory = \"D:\\\\Back'up $(Evil)\"\n");
        assert!(
            substitution.contains(":2:20: backup_directory holds \"$(\""),
            "{substitution}"
        );
        let target = parse_err("[target]\nname = \"mi\"\nresource_group = \"rg\\r\\nx\"\n");
        assert!(
            target.contains(":3:18: resource_group holds a control character"),
            "{target}"
        );
        let database = parse_err("[target]\ndatabases = [\"ok\", \"a$(b)\"]\n");
        assert!(database.contains(":2:20: databases holds"), "{database}");
        let unknown_key = parse_err("[target]\nname = \"x\"\ntier_name = \"gp\"\n");
        assert!(
            unknown_key.starts_with("linkready.toml:3:1: "),
            "{unknown_key}"
        );
        assert!(unknown_key.contains("tier_name"), "{unknown_key}");

        let bad_tier = parse_err("[target]\ntier = \"premium\"\n");
        assert!(bad_tier.starts_with("linkready.toml:2:8: "), "{bad_tier}");

        let bad_rule = parse_err("[rules.LR999]\nenabled = false\n");
        assert!(bad_rule.starts_with("linkready.toml:1:2: "), "{bad_rule}");
        assert!(bad_rule.contains("LR999"));

        let no_reason = parse_err("[[suppress]]\nrule = \"LR301\"\n");
        assert!(no_reason.contains("reason"), "{no_reason}");

        let bad_date =
            parse_err("[[suppress]]\nrule = \"LR301\"\nreason = \"r\"\nexpires = \"2030-02-30\"\n");
        assert!(bad_date.starts_with("linkready.toml:4:11: "), "{bad_date}");

        let negative = parse_err("[target]\nbandwidth_mbps = -5\n");
        assert!(negative.starts_with("linkready.toml:2:18: "), "{negative}");

        let wrong_type = parse_err("[scoring]\nblocker = \"high\"\n");
        assert!(
            wrong_type.starts_with("linkready.toml:2:11: "),
            "{wrong_type}"
        );

        let twice =
            parse_err("[rules.LR211]\nenabled = false\n[rules.recovery-model]\nweight = 0\n");
        assert!(twice.contains("configured twice"), "{twice}");

        let misplaced = parse_err("[rules.LR301]\nexpiry_days = 5\n");
        assert!(misplaced.contains("LR109"), "{misplaced}");
    }

    #[test]
    fn expired_suppressions_are_marked() {
        let config =
            parse_ok("[[suppress]]\nrule = \"LR3*\"\nreason = \"r\"\nexpires = \"2024-10-04\"\n");
        assert!(config.suppressions[0].expired, "expires on that day");
        let config =
            parse_ok("[[suppress]]\nrule = \"LR3*\"\nreason = \"r\"\nexpires = \"2024-10-05\"\n");
        assert!(!config.suppressions[0].expired);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(parse_date("2024-10-04"), Some(20_000));
        assert_eq!(parse_date("2024-02-29"), Some(days_from_civil(2024, 2, 29)));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2024-1-04"), None);
    }
}
