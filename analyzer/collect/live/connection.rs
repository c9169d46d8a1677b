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

/// Splits `key=value;key="va;lue"` into lower-cased keys and values.
fn ado_pairs(text: &str) -> Option<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let eq = rest.find('=')?;
        let key = rest[..eq].trim().to_ascii_lowercase();
        let after = rest[eq + 1..].trim_start();
        let (value, next) = match after.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let close = after[1..].find(quote)? + 1;
                (after[1..close].to_string(), &after[close + 1..])
            }
            _ => match after.find(';') {
                Some(semi) => (after[..semi].trim().to_string(), &after[semi..]),
                None => (after.trim().to_string(), ""),
            },
        };
        pairs.push((key, value));
        rest = next.trim_start().trim_start_matches(';').trim_start();
    }
    Some(pairs)
}

/// Parses one `--server` value (or one line of `--servers FILE`).
pub fn parse_server(text: &str) -> Result<ServerSpec, ServerSpecError> {
    let text = text.trim();
    if !text.contains('=') {
        if text.is_empty() || text.contains(';') || text.chars().any(char::is_whitespace) {
            return Err(ServerSpecError::Malformed(text.to_string()));
        }
        return Ok(ServerSpec {
            display: text.to_string(),
            ado: format!("Server={text}"),
            user: None,
        });
    }
    let pairs = ado_pairs(text).ok_or_else(|| ServerSpecError::Malformed(text.to_string()))?;
    let mut display = None;
    let mut user = None;
    for (key, value) in &pairs {
        match key.as_str() {
            "password" | "pwd" => {
                return Err(ServerSpecError::PasswordInArgument(redacted(&pairs)));
            }
            "server" | "data source" | "address" | "addr" | "network address" => {
                display = Some(value.clone())
            }
            "user id" | "uid" | "user" => user = Some(value.clone()),
            _ => {}
        }
    }
    let display = display
        .map(|server| server.trim_start_matches("tcp:").to_string())
        .filter(|server| !server.is_empty())
        .ok_or_else(|| ServerSpecError::NoServer(redacted(&pairs)))?;
    Ok(ServerSpec {
        display,
        ado: text.to_string(),
        user,
    })
}

/// The connection string with any password replaced, for error messages.
fn redacted(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| match key.as_str() {
            "password" | "pwd" => format!("{key}=***"),
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
    fn server_lists_skip_comments() {
        let list = parse_server_list("# estate\nsql01\n\n  sql02,1444  # reporting\nServer=;\n");
        assert_eq!(list.len(), 3);
        assert_eq!(list[1].0, 4);
        assert_eq!(list[1].1.as_ref().unwrap().display, "sql02,1444");
        assert!(list[2].1.is_err());
    }
}
