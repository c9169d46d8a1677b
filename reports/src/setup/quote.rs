//! Quoting for the generated scripts. Every name and literal goes through
//! one of these (the templates run with HTML escaping off).

pub use linkready_rules::{tsql_name, tsql_string};

/// The characters PowerShell reads as a single quote (it treats the
/// typographic ones like the ASCII one, so each must be doubled too).
const POWERSHELL_SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// A PowerShell verbatim string: `'text'` with every single-quote character
/// doubled; nothing inside is expanded (`$`, backtick, `;` stay text).
pub fn powershell_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('\'');
    for c in text.chars() {
        if POWERSHELL_SINGLE_QUOTES.contains(&c) {
            quoted.push(c);
        }
        quoted.push(c);
    }
    quoted.push('\'');
    quoted
}

/// Markdown inline code that holds any text: the fence is one backtick
/// longer than the longest run inside, padded when the text touches it.
pub fn markdown_code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() {
        " "
    } else {
        ""
    };
    // Line breaks would end the span; names cannot hold them, messages might.
    let flat = text.replace(['\r', '\n'], " ");
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// Text for a line comment: control characters (a line break would end
/// the comment and turn the rest into code) become `?`.
pub fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Markdown text: characters that would start markup are escaped, line
/// breaks become spaces.
pub fn markdown_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\r' | '\n' => escaped.push(' '),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Why sqlcmd could not run a script holding this name, if it could not:
/// it substitutes `$(name)` everywhere and reads a line starting with `:`
/// or `GO` as its own command, even inside a quoted name.
pub fn sqlcmd_hazard(name: &str) -> Option<&'static str> {
    if name.chars().any(char::is_control) {
        Some("holds a line break or another control character")
    } else if name.contains("$(") {
        Some("holds `$(`, which sqlcmd reads as a variable")
    } else {
        None
    }
}

/// A name usable as one path component on Windows and Unix: reserved
/// characters and controls become `_`, trailing dots and spaces go, and
/// device names (CON, NUL, COM1…) get a leading `_`.
pub fn path_component(name: &str) -> String {
    let mut safe: String = name
        .chars()
        .map(|c| {
            let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}');
            if c.is_control() || bidi || matches!(c, '\\' | '/' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    while safe.ends_with(['.', ' ']) {
        safe.pop();
    }
    if safe.is_empty() || safe == ".." {
        safe = "_".to_string();
    }
    let stem = safe.split('.').next().unwrap_or("").to_ascii_uppercase();
    let device = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit());
    if device {
        safe.insert(0, '_');
    }
    // File systems cap a name at 255 bytes (a 90-character CJK name is 270
    // bytes in UTF-8): longer names are cut at a character boundary and
    // keep a hash of the whole name, so two long names stay apart.
    const MAX_BYTES: usize = 120;
    if safe.len() > MAX_BYTES {
        let suffix = format!("_{:08x}", fnv1a(name));
        let mut end = MAX_BYTES - suffix.len();
        while !safe.is_char_boundary(end) {
            end -= 1;
        }
        safe.truncate(end);
        safe.push_str(&suffix);
    }
    safe
}

/// A name Azure accepts for availability groups and links (letters,
/// digits, `_`, `-`): other characters become `_`, and when anything was
/// replaced a hash of the original keeps two such names apart.
pub fn azure_name(name: &str, max_len: usize) -> String {
    let mut safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let changed = safe != name || safe.is_empty();
    let suffix = if changed {
        format!("_{:08x}", fnv1a(name))
    } else {
        String::new()
    };
    safe.truncate(max_len.saturating_sub(suffix.len()));
    safe.push_str(&suffix);
    safe
}

/// The server as a sqlcmd `-S` argument a DBA can paste into PowerShell,
/// cmd or bash: bare when it holds only name characters, else in double
/// quotes; `<server>` when it holds a character no shell quoting
/// survives (a quote, `$`, a backtick, `%`, a control character).
pub fn sqlcmd_server(server: &str) -> String {
    let plain =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '\\' | ',' | ':');
    if !server.is_empty() && server.chars().all(plain) {
        return server.to_string();
    }
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '"' | '\'' | '$' | '`' | '%' | '!' | '^');
    if server.is_empty() || server.chars().any(unsafe_char) {
        return "<server>".to_string();
    }
    format!("\"{server}\"")
}

/// The link's name (the distributed availability group's, and the Azure
/// resource's): lowercase letters, digits and hyphens, as MI-LINK.md §7 and
/// the SSMS wizard write them, `link-<database>`. Other characters become
/// `-`; when any did, a hash of the database name keeps two such names
/// apart. The same database always gets the same name.
pub fn link_name(database: &str, max_len: usize) -> String {
    let (body, replaced) = hyphenated(database, |c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let suffix = if replaced || body.is_empty() {
        format!("-{:08x}", fnv1a(database))
    } else {
        String::new()
    };
    bounded(format!("link-{body}"), &suffix, max_len)
}

/// `name` in lowercase with the characters `keep` refuses (runs of them)
/// as one `-`, trimmed of hyphens at either end; and whether anything but
/// a hyphen was replaced.
fn hyphenated(name: &str, keep: impl Fn(char) -> bool) -> (String, bool) {
    let mut replaced = false;
    let mut body = String::new();
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if keep(c) {
            body.push(c);
        } else {
            replaced |= c != '-';
            if !body.ends_with('-') {
                body.push('-');
            }
        }
    }
    (body.trim_matches('-').to_string(), replaced)
}

/// `name` cut to leave room for `suffix` within `max_len`, without a
/// trailing hyphen, then the suffix.
fn bounded(mut name: String, suffix: &str, max_len: usize) -> String {
    name.truncate(max_len.saturating_sub(suffix.len()));
    let mut name = name.trim_end_matches('-').to_string();
    name.push_str(suffix);
    name
}

/// The multiple-database link's name for a server: lowercase letters and
/// hyphens only, no hyphen first or last (the preview's rule,
/// managed-instance-link-extend-availability-group.md, "Limitations"; it
/// names no digits, so none are used), `databases-of-<server>`. Other
/// characters become `-`; when any did, a hash of the name written in the
/// letters a-p keeps two servers apart.
pub fn multi_database_link_name(server: &str, max_len: usize) -> String {
    let (body, replaced) = hyphenated(server, |c| c.is_ascii_lowercase());
    let suffix = if replaced || body.is_empty() {
        let hash = fnv1a(server);
        let letters: String = (0..8)
            .map(|i| char::from(b'a' + ((hash >> (28 - 4 * i)) & 0xf) as u8))
            .collect();
        format!("-{letters}")
    } else {
        String::new()
    };
    bounded(format!("databases-of-{body}"), &suffix, max_len)
}

fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_components_fit_a_file_system_and_show_no_bidi_control() {
        let cjk = "数".repeat(90);
        let component = path_component(&cjk);
        assert!(component.len() <= 120, "{}", component.len());
        assert_ne!(component, path_component(&format!("{cjk}x")));
        assert_eq!(path_component("evil\u{202e}txt.sql"), "evil_txt.sql");
    }

    #[test]
    fn sqlcmd_servers_paste_into_a_shell() {
        assert_eq!(sqlcmd_server("SQL22\\SALES"), "SQL22\\SALES");
        assert_eq!(
            sqlcmd_server("db01.corp.example,1433"),
            "db01.corp.example,1433"
        );
        assert_eq!(sqlcmd_server("my server"), "\"my server\"");
        assert_eq!(sqlcmd_server("a$(b)"), "<server>");
        assert_eq!(sqlcmd_server("x\"y"), "<server>");
    }

    #[test]
    fn multiple_database_link_names_are_letters_and_hyphens() {
        for server in ["SQL22B", "sql01\\PROD", "-", "Ünï", "a"] {
            let name = multi_database_link_name(server, 60);
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                    && !name.starts_with('-')
                    && !name.ends_with('-')
                    && name.len() <= 60,
                "{server}: {name}"
            );
        }
        assert_eq!(multi_database_link_name("SQLB", 60), "databases-of-sqlb");
        assert_ne!(
            multi_database_link_name("sql1", 60),
            multi_database_link_name("sql2", 60)
        );
    }

    #[test]
    fn link_names_are_lowercase_with_hyphens_and_stable() {
        assert_eq!(link_name("Sales", 60), "link-sales");
        assert_eq!(link_name("Order-History", 60), "link-order-history");
        let weird = link_name("a]b'c \"$;x ünï", 60);
        assert!(weird.starts_with("link-a-b-c-x-n-"), "{weird}");
        assert_eq!(weird, link_name("a]b'c \"$;x ünï", 60));
        assert_ne!(link_name("a b", 60), link_name("a_b", 60));
        let long = link_name(&"x".repeat(200), 60);
        assert!(long.len() <= 60 && long.starts_with("link-x"), "{long}");
        for name in [weird, long] {
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            );
        }
    }

    #[test]
    fn powershell_quoting_doubles_every_single_quote_form() {
        assert_eq!(powershell_string("a'b"), "'a''b'");
        assert_eq!(powershell_string("$x;`n\"y\""), "'$x;`n\"y\"'");
        assert_eq!(
            powershell_string("d\u{2019}Artagnan"),
            "'d\u{2019}\u{2019}Artagnan'"
        );
    }

    #[test]
    fn markdown_code_survives_backticks() {
        assert_eq!(markdown_code("Sales"), "`Sales`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x"), "`` `x ``");
    }

    #[test]
    fn comments_and_markdown_cannot_be_broken_out_of() {
        assert_eq!(comment_text("a\nDROP"), "a?DROP");
        assert_eq!(markdown_text("<b>*x*</b>|"), "\\<b\\>\\*x\\*\\</b\\>\\|");
        assert!(sqlcmd_hazard("a$(b)").is_some());
        assert!(sqlcmd_hazard("a\r\nGO").is_some());
        assert!(sqlcmd_hazard("a]b'c \"$;é").is_none());
    }

    #[test]
    fn path_components_are_portable() {
        assert_eq!(path_component("SQL01\\INST"), "SQL01_INST");
        assert_eq!(path_component("a/b:c*?\"<>|"), "a_b_c______");
        assert_eq!(path_component("con"), "_con");
        assert_eq!(path_component("Dots..."), "Dots");
        assert_eq!(path_component("Ünïcode db"), "Ünïcode db");
    }

    #[test]
    fn azure_names_keep_distinct_databases_apart() {
        assert_eq!(azure_name("Sales", 60), "Sales");
        let a = azure_name("a]b'c", 60);
        let b = azure_name("a'b]c", 60);
        assert!(a.starts_with("a_b_c_") && b.starts_with("a_b_c_") && a != b);
        assert!(azure_name(&"x".repeat(200), 60).len() <= 60);
    }
}
