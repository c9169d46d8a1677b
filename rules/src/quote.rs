//! T-SQL quoting, one definition for every place that writes T-SQL: the
//! collector's per-database queries, the collection script and the link
//! setup scripts.

/// A T-SQL delimited identifier: `[name]` with `]` doubled.
pub fn tsql_name(name: &str) -> String {
    format!("[{}]", name.replace(']', "]]"))
}

/// A T-SQL Unicode literal: `N'text'` with `'` doubled.
pub fn tsql_string(text: &str) -> String {
    format!("N'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closing_character_is_doubled() {
        assert_eq!(tsql_name("a]b'c"), "[a]]b'c]");
        assert_eq!(tsql_string("a]b'c"), "N'a]b''c'");
        assert_eq!(tsql_string("O'Brien's"), "N'O''Brien''s'");
    }
}
