//! `linkready scan --network-results FILE`: the rows the network test kit
//! (`linkready scripts`, `_instance/00-network-*.sql`) writes with sqlcmd
//! `-o`, read into [`NetworkTest`]s for LR319.
//!
//! A row is one line holding
//! `network-test|<instance>|<direction>|<port>|<True or False>|<address>|<checked at>`
//! (sqlcmd pads it with spaces; other lines, such as messages, are
//! skipped). The instance is the name the report gives the SQL Server
//! instance, written into the kit when it was generated; it may hold `|`,
//! so the fields are taken from the right.

use linkready_rules::{NetworkDirection, NetworkTest};

/// The marker that starts a row.
pub const ROW_MARKER: &str = "network-test|";

/// Reads one results file; `shown` names it in places and errors. A file
/// without a single row is an error (it is not the kit's output).
pub fn read_results(shown: &str, bytes: Vec<u8>) -> Result<Vec<NetworkTest>, String> {
    let (text, _) = crate::collect::decode::decode(bytes)
        .map_err(|error| format!("{shown}: cannot decode: {error}"))?;
    let mut tests = Vec::new();
    for (index, line) in text.lines().enumerate() {
        // decode dropped the byte order mark; sqlcmd pads with spaces.
        let line = line.trim();
        let Some(row) = line.strip_prefix(ROW_MARKER) else {
            continue;
        };
        let place = format!("{shown}:{}", index + 1);
        let fields: Vec<&str> = row.rsplitn(6, '|').collect();
        let [checked_at, address, succeeded, port, direction, instance] = fields[..] else {
            return Err(format!(
                "{place}: a network-test row needs 7 fields separated by |"
            ));
        };
        let direction = NetworkDirection::parse(direction.trim()).ok_or_else(|| {
            format!(
                "{place}: direction {direction:?} is neither sql-server-to-managed-instance nor managed-instance-to-sql-server"
            )
        })?;
        let port: u16 = port
            .trim()
            .parse()
            .map_err(|_| format!("{place}: port {port:?} is not a port number"))?;
        // PowerShell's Test-NetConnection answers True or False.
        let succeeded = match succeeded.trim() {
            value if value.eq_ignore_ascii_case("true") => true,
            value if value.eq_ignore_ascii_case("false") => false,
            other => {
                return Err(format!(
                    "{place}: the result {other:?} is neither True nor False (the test did not finish: see the job's history)"
                ));
            }
        };
        tests.push(NetworkTest {
            instance: instance.trim().to_string(),
            direction,
            port,
            succeeded,
            address: address.trim().to_string(),
            checked_at: checked_at.trim().to_string(),
            place,
        });
    }
    if tests.is_empty() {
        return Err(format!(
            "{shown}: no network-test row (write it with sqlcmd -o from the kit's 00-network-*.sql)"
        ));
    }
    Ok(tests)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_padded_by_sqlcmd_and_messages_between_them() {
        let text = "Changed database context to 'master'.\r\n\
            network-test|SQL01\\PROD,1533|sql-server-to-managed-instance|5022|True|mi.abc.database.windows.net|2026-12-07T09:00:00          \r\n\
            network-test|a|b|c|managed-instance-to-sql-server|5022|False|10.0.4.15|2026-12-07T09:01:00\r\n";
        let tests = read_results("r.txt", text.as_bytes().to_vec()).unwrap();
        assert_eq!(tests.len(), 2);
        assert_eq!(tests[0].instance, "SQL01\\PROD,1533");
        assert!(tests[0].succeeded);
        assert_eq!(tests[0].place, "r.txt:2");
        assert_eq!(tests[1].instance, "a|b|c", "a | in a name stays in it");
        assert!(!tests[1].succeeded);
        // UTF-16, as sqlcmd -u writes it.
        let mut utf16 = vec![0xff, 0xfe];
        for unit in text.encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        assert_eq!(read_results("u.txt", utf16).unwrap().len(), 2);
    }

    #[test]
    fn what_is_not_the_kit_s_output_is_named() {
        assert!(
            read_results("x", b"hello\n".to_vec())
                .unwrap_err()
                .contains("x: no network-test row")
        );
        let bad =
            read_results("x", b"network-test|S|sideways|5022|True|h|t\n".to_vec()).unwrap_err();
        assert!(bad.starts_with("x:1: direction \"sideways\""), "{bad}");
        let unfinished = read_results(
            "x",
            b"network-test|S|managed-instance-to-sql-server|5022||h|t\n".to_vec(),
        )
        .unwrap_err();
        assert!(
            unfinished.contains("neither True nor False"),
            "{unfinished}"
        );
    }
}
