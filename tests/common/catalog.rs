//! The catalog contract table (fixtures/catalog/catalog.toml) and a
//! reader of T-SQL catalog queries, shared by tests/catalog_contract.rs
//! (the collector's queries) and tests/scripts.rs (the generated scripts).

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Deserialize)]
pub struct Catalog {
    pub object: Vec<Object>,
    #[serde(default)]
    pub function: Vec<Function>,
}

#[derive(Deserialize)]
pub struct Object {
    pub name: String,
    pub since: u16,
    /// server, msdb or database: where its names' collation comes from.
    pub scope: String,
    pub doc: String,
    #[serde(default)]
    pub columns: Vec<Column>,
}

#[derive(Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub data_type: String,
    pub collation: String,
    pub since: u16,
}

#[derive(Deserialize)]
pub struct Function {
    pub name: String,
    pub since: u16,
    pub doc: String,
}

pub fn catalog() -> Catalog {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/catalog/catalog.toml");
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Word(String),
    Str,
    Num,
    Var,
    Punct(char),
}

impl Tok {
    pub fn is(&self, word: &str) -> bool {
        matches!(self, Tok::Word(w) if w.eq_ignore_ascii_case(word))
    }
}

/// T-SQL tokens, enough for catalog queries: words (bracketed or not),
/// strings, numbers, variables, punctuation; comments dropped.
pub fn lex(sql: &str) -> Vec<Tok> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '\'' || ((c == 'N' || c == 'n') && chars.get(i + 1) == Some(&'\'')) {
            i += if c == '\'' { 1 } else { 2 };
            loop {
                match chars.get(i) {
                    None => break,
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => i += 2,
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            out.push(Tok::Str);
        } else if c == '[' {
            let start = i + 1;
            while i < chars.len() && chars[i] != ']' {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
            i += 1;
        } else if c == '@' {
            while i < chars.len()
                && (chars[i] == '@' || chars[i].is_alphanumeric() || chars[i] == '_')
            {
                i += 1;
            }
            out.push(Tok::Var);
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            out.push(Tok::Num);
        } else if c.is_alphabetic() || c == '_' || c == '#' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || chars[i] == '_'
                    || chars[i] == '#'
                    || chars[i] == '$')
            {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

/// Words that are neither columns nor objects.
const KEYWORDS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "AS",
    "JOIN",
    "LEFT",
    "INNER",
    "OUTER",
    "ON",
    "UNION",
    "ALL",
    "GROUP",
    "BY",
    "ORDER",
    "IN",
    "IS",
    "NULL",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "LIKE",
    "EXISTS",
    "COLLATE",
    "DATABASE_DEFAULT",
    "CATALOG_DEFAULT",
    "TOP",
    "DISTINCT",
    "nvarchar",
    "varchar",
    "int",
    "bigint",
    "bit",
    "max",
    "day",
    // DATEDIFF's datepart (docs/t-sql/functions/datediff-transact-sql.md).
    "minute",
    "DESC",
    "ASC",
];

/// A name of a catalog object as the table keys it: `master.` dropped
/// (master's views are the server's), three-part msdb names kept.
fn object_key(parts: &[String]) -> String {
    let joined = parts.join(".").to_ascii_lowercase();
    joined
        .strip_prefix("master.")
        .map(str::to_string)
        .unwrap_or(joined)
}

pub struct ColumnRef {
    pub object: String,
    pub column: String,
    /// Token index of the column's word.
    pub at: usize,
}

pub struct Analysis {
    pub refs: Vec<ColumnRef>,
    pub problems: Vec<String>,
}

/// Aliases, column references, functions and bare names of one query.
pub fn analyse(sql: &str, catalog: &Catalog) -> (Vec<Tok>, Analysis) {
    let toks = lex(sql);
    let mut problems = Vec::new();
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    let mut object_words = vec![false; toks.len()];
    // FROM/JOIN items: name parts, AS, alias.
    for (i, tok) in toks.iter().enumerate() {
        if !(tok.is("FROM") || tok.is("JOIN")) {
            continue;
        }
        if toks.get(i + 1) == Some(&Tok::Punct('(')) {
            problems.push("a derived table: not readable by this contract".to_string());
            continue;
        }
        let mut parts = Vec::new();
        let mut j = i + 1;
        while let Some(Tok::Word(w)) = toks.get(j) {
            parts.push(w.clone());
            object_words[j] = true;
            if toks.get(j + 1) == Some(&Tok::Punct('.')) {
                j += 2;
            } else {
                j += 1;
                break;
            }
        }
        match (toks.get(j), toks.get(j + 1)) {
            (Some(t), Some(Tok::Word(alias))) if t.is("AS") => {
                object_words[j + 1] = true;
                aliases.insert(alias.to_ascii_lowercase(), object_key(&parts));
            }
            _ => problems.push(format!("{} has no `AS alias`", parts.join("."))),
        }
    }
    let functions: Vec<String> = catalog
        .function
        .iter()
        .map(|f| f.name.to_ascii_uppercase())
        .collect();
    let mut refs = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Tok::Word(word) = &toks[i] else {
            i += 1;
            continue;
        };
        if object_words[i] {
            i += 1;
            continue;
        }
        let after_as = i > 0 && toks[i - 1].is("AS");
        let next = toks.get(i + 1);
        let keyword = KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word));
        if next == Some(&Tok::Punct('(')) {
            if !after_as && !keyword && !functions.contains(&word.to_ascii_uppercase()) {
                problems.push(format!("function {word} is not in the catalog table"));
            }
            i += 1;
            continue;
        }
        if next == Some(&Tok::Punct('.')) {
            let Some(Tok::Word(column)) = toks.get(i + 2) else {
                problems.push(format!("{word}. is not followed by a name"));
                i += 1;
                continue;
            };
            match aliases.get(&word.to_ascii_lowercase()) {
                Some(object) => refs.push(ColumnRef {
                    object: object.clone(),
                    column: column.clone(),
                    at: i + 2,
                }),
                None => problems.push(format!("{word}.{column}: {word} is no alias of this query")),
            }
            i += 3;
            continue;
        }
        if !after_as && !keyword {
            problems.push(format!(
                "bare name {word}: qualify it with its object's alias"
            ));
        }
        i += 1;
    }
    (toks, Analysis { refs, problems })
}

pub fn find_column<'c>(catalog: &'c Catalog, object: &str) -> Option<&'c Object> {
    catalog
        .object
        .iter()
        .find(|o| o.name.eq_ignore_ascii_case(object))
}

/// The problems of one query text against the table, for a query that
/// runs on `major` and later: names not vouched for, columns too new.
pub fn check_query(sql: &str, major: u16, catalog: &Catalog) -> (Vec<String>, Vec<String>) {
    let (_, analysis) = analyse(sql, catalog);
    let mut wrong = analysis.problems.clone();
    let mut columns = Vec::new();
    for r in &analysis.refs {
        let Some(object) = find_column(catalog, &r.object) else {
            wrong.push(format!("{} is not in the catalog table", r.object));
            continue;
        };
        if object.since > major {
            wrong.push(format!(
                "{} exists from major {}, the query runs on {major}",
                r.object, object.since
            ));
        }
        match object
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&r.column))
        {
            None => wrong.push(format!(
                "{}.{} is not a documented column",
                r.object, r.column
            )),
            Some(column) if column.since > major => wrong.push(format!(
                "{}.{} exists from major {}, the query runs on {major}",
                r.object, r.column, column.since
            )),
            Some(_) => columns.push(format!("{}.{}", r.object, r.column.to_ascii_lowercase())),
        }
    }
    (wrong, columns)
}

/// The SELECT statements of a T-SQL file (split at `;` outside strings
/// and parentheses), for checking generated scripts.
pub fn select_statements(sql: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    let mut in_string = false;
    for c in sql.chars() {
        current.push(c);
        match c {
            '\'' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => depth -= 1,
            ';' if !in_string && depth == 0 => {
                statements.push(std::mem::take(&mut current));
            }
            _ => {}
        }
    }
    statements.push(current);
    statements
        .into_iter()
        .map(|statement| {
            statement
                .lines()
                .filter(|line| !line.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_string()
        })
        .flat_map(|statement| {
            // A SELECT in parentheses inside IF, EXISTS or a scalar
            // subquery of another statement is read on its own too.
            let mut found = Vec::new();
            if statement.to_ascii_uppercase().starts_with("SELECT") {
                found.push(statement.clone());
            } else {
                let upper = statement.to_ascii_uppercase();
                let mut from = 0;
                while let Some(at) = upper[from..].find("(SELECT").map(|i| i + from) {
                    let mut depth = 0i32;
                    let mut end = upper.len();
                    for (i, c) in upper[at..].char_indices() {
                        match c {
                            '(' => depth += 1,
                            ')' => {
                                depth -= 1;
                                if depth == 0 {
                                    end = at + i;
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    found.push(statement[at + 1..end].to_string());
                    from = end.min(upper.len() - 1).max(at + 1);
                }
            }
            found
        })
        .collect()
}
