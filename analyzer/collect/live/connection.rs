//! `--server` arguments: ADO.NET connection strings as SSMS and sqlcmd users
//! write them, or a bare `host[\instance][,port]`. Passwords never come from
//! an argument (it shows in the process list): `SQLCMDPASSWORD`, or a prompt.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ServerSpecError {
    #[error(
        "{0:?}: a password in a connection string shows in the process list and shell history; remove it and set SQLCMDPASSWORD (as sqlcmd reads it) or answer the prompt"
    )]
    PasswordInArgument(String),
    #[error("{0:?}: no server in the connection string (Server=host[\\instance][,port])")]
    NoServer(String),
    #[error("{0:?}: not a connection string (key=value;…) nor host[\\instance][,port]")]
    Malformed(String),
    #[error(
        "{0:?}: Encrypt=Strict (TDS 8.0) is not supported yet; Encrypt=Mandatory (or true) requires TLS with the certificate checked"
    )]
    StrictEncryption(String),
}

/// One server to assess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSpec {
    /// How reports name it: the server as written, never a credential.
    pub display: String,
    /// The ADO.NET connection string, without any password.
    pub ado: String,
    /// `User Id` for SQL authentication; None means integrated authentication.
    pub user: Option<String>,
}

/// Splits an ADO.NET connection string into lower-cased keys and values,
/// with the quoting SqlClient and tiberius accept: a value in `"…"` or
/// `'…'` (the quote doubled inside stands for itself), or in `{…}` (up to
/// the first `}`, as tiberius reads it), or bare up to the next `;`. None
/// when the text does not follow these rules.
fn ado_pairs(text: &str) -> Option<Vec<(String, String)>> {
    let chars: Vec<char> = text.chars().collect();
    let mut pairs = Vec::new();
    let mut i = 0;
    let skip_space = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_space(&mut i);
        while i < chars.len() && chars[i] == ';' {
            i += 1;
            skip_space(&mut i);
        }
        if i >= chars.len() {
            return Some(pairs);
        }
        let key_start = i;
        while i < chars.len() && chars[i] != '=' {
            if chars[i] == ';' {
                return None;
            }
            i += 1;
        }
        if i >= chars.len() {
            return None;
        }
        let key: String = chars[key_start..i]
            .iter()
            .collect::<String>()
            .trim()
            .to_ascii_lowercase();
        if key.is_empty() || key.chars().any(char::is_control) {
            return None;
        }
        i += 1; // '='
        skip_space(&mut i);
        let mut value = String::new();
        match chars.get(i) {
            Some(&quote @ ('"' | '\'')) => {
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return None,
                        Some(&c) if c == quote && chars.get(i + 1) == Some(&quote) => {
                            value.push(quote);
                            i += 2;
                        }
                        Some(&c) if c == quote => {
                            i += 1;
                            break;
                        }
                        Some(&c) => {
                            value.push(c);
                            i += 1;
                        }
                    }
                }
            }
            Some('{') => {
                // As tiberius: no escape inside braces; the first `}` ends it.
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return None,
                        Some('}') => {
                            i += 1;
                            break;
                        }
                        Some(&c) => {
                            value.push(c);
                            i += 1;
                        }
                    }
                }
            }
            _ => {
                while i < chars.len() && chars[i] != ';' {
                    value.push(chars[i]);
                    i += 1;
                }
                value = value.trim().to_string();
            }
        }
        skip_space(&mut i);
        if i < chars.len() && chars[i] != ';' {
            return None;
        }
        pairs.push((key, value));
    }
}

/// A connection string that could not be read, for an error message:
/// everything from the first key that may hold a password on is hidden
/// (the rest of an unreadable string cannot be trusted to end where the
/// password does).
fn redacted_text(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    // Anywhere: an unreadable string's keys cannot be trusted to start
    // where a well-formed one's would.
    let at = ["password", "pwd"]
        .iter()
        .filter_map(|key| lower.find(key))
        .min();
    match at {
        Some(at) => format!(
            "{}*** (the rest is hidden: it may hold a password)",
            &text[..at]
        ),
        None => text.to_string(),
    }
}

/// Whether a key names a password, however it is spelt around the word.
fn is_password_key(key: &str) -> bool {
    let letters: String = key.chars().filter(char::is_ascii_alphanumeric).collect();
    letters.contains("password") || letters.contains("pwd")
}

/// Parses one `--server` value (or one line of `--servers FILE`).
pub fn parse_server(text: &str) -> Result<ServerSpec, ServerSpecError> {
    let text = text.trim();
    if !text.contains('=') {
        if text.is_empty() || text.contains(';') || text.chars().any(char::is_whitespace) {
            return Err(ServerSpecError::Malformed(redacted_text(text)));
        }
        return Ok(ServerSpec {
            display: text.to_string(),
            ado: format!("Server={text}"),
            user: None,
        });
    }
    let pairs = ado_pairs(text).ok_or_else(|| ServerSpecError::Malformed(redacted_text(text)))?;
    let mut display = None;
    let mut user = None;
    for (key, value) in &pairs {
        match key.as_str() {
            key if is_password_key(key) => {
                return Err(ServerSpecError::PasswordInArgument(redacted(&pairs)));
            }
            "server" | "data source" | "address" | "addr" | "network address" => {
                display = Some(value.clone())
            }
            "user id" | "uid" | "user" => user = Some(value.clone()),
            "encrypt" if value.trim().eq_ignore_ascii_case("strict") => {
                return Err(ServerSpecError::StrictEncryption(redacted(&pairs)));
            }
            _ => {}
        }
    }
    // tiberius reads only Encrypt's booleans: SqlClient 5's words are
    // rewritten, and the string with them (no password can be among the
    // pairs: refused above).
    let ado = if pairs
        .iter()
        .any(|(key, value)| key == "encrypt" && sqlclient_encrypt(value).is_some())
    {
        let normalised: Vec<(String, String)> = pairs
            .iter()
            .map(|(key, value)| match sqlclient_encrypt(value) {
                Some(boolean) if key == "encrypt" => (key.clone(), boolean.to_string()),
                _ => (key.clone(), value.clone()),
            })
            .collect();
        redacted(&normalised)
    } else {
        text.to_string()
    };
    let display = display
        .map(|server| server.trim_start_matches("tcp:").to_string())
        .filter(|server| !server.is_empty())
        .ok_or_else(|| ServerSpecError::NoServer(redacted(&pairs)))?;
    Ok(ServerSpec { display, ado, user })
}

/// Encrypt as Microsoft.Data.SqlClient 5 writes it, as the boolean it
/// means: Mandatory is true, Optional is false (learn.microsoft.com
/// dotnet/api/microsoft.data.sqlclient.sqlconnectionencryptoption,
/// "Remarks"); None for any other value.
fn sqlclient_encrypt(value: &str) -> Option<&'static str> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("mandatory") {
        Some("true")
    } else if value.eq_ignore_ascii_case("optional") {
        Some("false")
    } else {
        None
    }
}

/// The connection string with any password replaced, for error messages.
fn redacted(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| match key.as_str() {
            // A password key, or a value that holds one (`x=Password=…`,
            // a key lost to a typo): hidden either way.
            key if is_password_key(key) || {
                let value = value.to_ascii_lowercase();
                value.contains("password") || value.contains("pwd")
            } =>
            {
                format!("{key}=***")
            }
            _ if value.contains([';', '=', '"', '\'', '{']) => {
                format!("{key}=\"{}\"", value.replace('"', "\"\""))
            }
            _ => format!("{key}={value}"),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// Parses a `--servers FILE` text: one server per line, `#` comments.
pub fn parse_server_list(text: &str) -> Vec<(usize, Result<ServerSpec, ServerSpecError>)> {
    text.lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.split('#').next().unwrap_or("").trim()))
        .filter(|(_, line)| !line.is_empty())
        .map(|(number, line)| (number, parse_server(line)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypt_as_sqlclient_5_writes_it() {
        let spec =
            parse_server("Server=h,1433;Encrypt=Mandatory;Application Name=\"a;b\"").unwrap();
        assert_eq!(
            spec.ado,
            "server=h,1433;encrypt=true;application name=\"a;b\""
        );
        let parsed: tiberius::Config = tiberius::Config::from_ado_string(&spec.ado).unwrap();
        drop(parsed);
        let spec = parse_server("Server=h;Encrypt=optional").unwrap();
        assert_eq!(spec.ado, "server=h;encrypt=false");
        let spec = parse_server("Server=h;Encrypt=yes").unwrap();
        assert_eq!(spec.ado, "Server=h;Encrypt=yes");
        let error = parse_server("Server=h;Encrypt=Strict").unwrap_err();
        assert!(matches!(error, ServerSpecError::StrictEncryption(_)));
        assert!(error.to_string().contains("not supported yet"), "{error}");
    }

    #[test]
    fn ado_strings_and_bare_hosts() {
        let spec = parse_server("Server=sql01\\PROD,1533;User Id=audit;Encrypt=true;TrustServerCertificate=true;Application Name=x").unwrap();
        assert_eq!(spec.display, "sql01\\PROD,1533");
        assert_eq!(spec.user.as_deref(), Some("audit"));
        let spec = parse_server("sql02\\REPORTS").unwrap();
        assert_eq!(spec.ado, "Server=sql02\\REPORTS");
        assert_eq!(spec.user, None);
        let spec = parse_server("Data Source=tcp:10.1.2.3,1433; uid = \"a;b\"").unwrap();
        assert_eq!(
            (spec.display.as_str(), spec.user.as_deref()),
            ("10.1.2.3,1433", Some("a;b"))
        );
    }

    #[test]
    fn passwords_in_arguments_are_refused_and_never_echoed() {
        for text in [
            "Server=sql01;User Id=sa;Password=S3cret!",
            "Server=sql01;uid=sa;PWD='S3cret!'",
        ] {
            let error = parse_server(text).unwrap_err();
            assert!(matches!(error, ServerSpecError::PasswordInArgument(_)));
            let message = error.to_string();
            assert!(!message.contains("S3cret"), "{message}");
            assert!(message.contains("SQLCMDPASSWORD"), "{message}");
        }
    }

    #[test]
    fn every_quoting_form_of_a_password_is_found_and_never_echoed() {
        for text in [
            "Server=h,1;User Id=u;Password=s3cret",
            "Server=h,1;User Id=u;Application Name={a;b};Password=s3cret",
            "Server=h,1;User Id=u;Application Name=\"a\"\"b\";Password=s3cret",
            "Server=h,1;User Id=u;Application Name='it''s';pwd={s3cret;x}",
            "Server=h,1;User Id=u;Application Name={a;Password=x};Password='s3cret'",
            "Server=h,1;User Id=u;PASSWORD = \"s3c;ret\"",
        ] {
            let error = parse_server(text).unwrap_err();
            assert!(
                matches!(error, ServerSpecError::PasswordInArgument(_)),
                "{text}: {error}"
            );
            assert!(!error.to_string().contains("s3c"), "{error}");
        }
        // Unreadable strings are not echoed past a password key.
        for text in [
            "Server=h,1;User Id=u;Password=s3cret;junk",
            "Server=h,1;Password={s3cret",
            "Server=h,1;pwd=\"s3cret",
            "s3cret host",
        ] {
            let error = parse_server(text).unwrap_err().to_string();
            assert!(
                !error.contains("s3cret") || text.starts_with("s3cret"),
                "{error}"
            );
        }
        let error = parse_server("Server=h,1;User Id=u;Password=s3cret;junk")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("Server=h,1;User Id=u;*** (the rest is hidden"),
            "{error}"
        );
    }

    #[test]
    fn braces_and_doubled_quotes_as_tiberius_reads_them() {
        for (text, user) in [
            ("Server=h,1;User Id={a;b}", "a;b"),
            ("Server=h,1;User Id=\"x\"\"y\"", "x\"y"),
            ("Server=h,1;User Id='it''s'", "it's"),
        ] {
            let spec = parse_server(text).unwrap();
            assert_eq!(spec.user.as_deref(), Some(user), "{text}");
            assert!(
                tiberius::Config::from_ado_string(&spec.ado).is_ok(),
                "{text}"
            );
        }
        // What tiberius refuses, we refuse too (before any connection).
        let odd = "Server=h,1;User Id={a}}b}";
        assert!(tiberius::Config::from_ado_string(odd).is_err());
        assert!(parse_server(odd).is_err());
    }

    #[test]
    fn server_lists_skip_comments() {
        let list = parse_server_list("# estate\nsql01\n\n  sql02,1444  # reporting\nServer=;\n");
        assert_eq!(list.len(), 3);
        assert_eq!(list[1].0, 4);
        assert_eq!(list[1].1.as_ref().unwrap().display, "sql02,1444");
        assert!(list[2].1.is_err());
    }
}
