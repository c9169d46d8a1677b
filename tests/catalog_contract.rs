//! The collector against Microsoft's catalog documentation (issue 11).
//! `fixtures/catalog/catalog.toml` records, from MicrosoftDocs/sql-docs,
//! every catalog view, DMV, msdb table and function the queries read: each
//! column with its type, its collation class and the first major version
//! that has it, each entry citing its page. These tests read every query
//! variant (live, per database, and the collection script's own) and check:
//!
//! - every name is vouched for: each `alias.column` exists in the table for
//!   the object its alias stands for, on every major version the variant
//!   runs on; every function is listed; a bare (unqualified) name is
//!   refused, so nothing escapes the check;
//! - no implicit collation conflict (errors 446/451/468): text columns
//!   that meet in a UNION, a `+` or a comparison carry `COLLATE`, unless
//!   they share one collation class and database.

#![allow(clippy::unwrap_used)]

mod common;

use common::catalog::{Catalog, ColumnRef, Tok, analyse, catalog, find_column};
use linkready::collect::live::queries::{
    DATABASE_QUERIES, INSTANCE_QUERIES, QueryDefinition, SERVER_PROPERTIES, TRACE_FLAGS,
};
use linkready::collect::live::script::{DATABASE_CURSOR, collection_script};

/// The query texts with the majors they run on: every instance query
/// variant, the per-database steps, the collection script's own.
fn variants() -> Vec<(String, String, u16)> {
    let mut out: Vec<(String, String, u16)> = Vec::new();
    let queries: Vec<&QueryDefinition> = std::iter::once(&SERVER_PROPERTIES)
        .chain(INSTANCE_QUERIES)
        .filter(|q| q.name != TRACE_FLAGS.name)
        .collect();
    for query in queries {
        out.push((
            format!(
                "{} ({}–{})",
                query.name,
                query.min_major,
                query.max_major.min(99)
            ),
            query.sql.to_string(),
            query.min_major,
        ));
    }
    for query in DATABASE_QUERIES {
        out.push((query.name.to_string(), query.select.to_string(), 13));
    }
    out.push((
        "collection script: database cursor".to_string(),
        DATABASE_CURSOR.to_string(),
        13,
    ));
    out
}

#[test]
fn every_name_a_query_reads_is_in_the_catalog_table() {
    let catalog = catalog();
    for object in &catalog.object {
        assert!(
            object.doc.starts_with("docs/") || object.doc.starts_with("azure-sql/"),
            "{}: cite the page",
            object.name
        );
    }
    for function in &catalog.function {
        assert!(
            function.doc.starts_with("docs/"),
            "{}: cite the page",
            function.name
        );
    }
    let mut wrong = Vec::new();
    let mut columns = std::collections::BTreeSet::new();
    for (name, sql, major) in variants() {
        let (_, analysis) = analyse(&sql, &catalog);
        wrong.extend(analysis.problems.iter().map(|p| format!("{name}: {p}")));
        for r in &analysis.refs {
            let Some(object) = find_column(&catalog, &r.object) else {
                wrong.push(format!("{name}: {} is not in the catalog table", r.object));
                continue;
            };
            if object.since > major {
                wrong.push(format!(
                    "{name}: {} exists from major {}, the query runs on {major}",
                    r.object, object.since
                ));
            }
            match object
                .columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(&r.column))
            {
                None => wrong.push(format!(
                    "{name}: {}.{} is not a documented column",
                    r.object, r.column
                )),
                Some(column) if column.since > major => wrong.push(format!(
                    "{name}: {}.{} exists from major {}, the query runs on {major}",
                    r.object, r.column, column.since
                )),
                Some(_) => {
                    columns.insert(format!("{}.{}", r.object, r.column.to_ascii_lowercase()));
                }
            }
        }
        // The script runs the same texts: each appears in it.
    }
    for function in &catalog.function {
        assert!(
            function.since <= 13,
            "{} needs a version check",
            function.name
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    println!("{} distinct documented columns read", columns.len());
    assert!(columns.len() > 60, "only {} columns", columns.len());
}

/// The collation of a column as the check compares it: (class, where).
fn collation_of(catalog: &Catalog, r: &ColumnRef) -> Option<(String, String)> {
    let object = find_column(catalog, &r.object)?;
    let column = object
        .columns
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(&r.column))?;
    let text = ["char", "sysname", "text"]
        .iter()
        .any(|t| column.data_type.to_ascii_lowercase().contains(t));
    if !text || column.collation == "none" {
        return None;
    }
    let place = if column.collation == "fixed" {
        "any".to_string()
    } else {
        object.scope.clone()
    };
    Some((column.collation.clone(), place))
}

#[test]
fn text_from_different_collations_never_meets_without_collate() {
    let catalog = catalog();
    let mut wrong = Vec::new();
    for (name, sql, _) in variants() {
        let (toks, analysis) = analyse(&sql, &catalog);
        let union = toks.iter().any(|t| t.is("UNION"));
        let collated = |at: usize| toks.get(at + 1).is_some_and(|t| t.is("COLLATE"));
        let text_refs: Vec<(&ColumnRef, (String, String))> = analysis
            .refs
            .iter()
            .filter_map(|r| collation_of(&catalog, r).map(|c| (r, c)))
            .collect();
        // The select-list items: from SELECT to FROM at the same depth,
        // split at commas.
        let mut depth = 0i32;
        let mut item_of = vec![None; toks.len()];
        let mut item = 0usize;
        let mut in_list: Vec<bool> = vec![false];
        for (i, tok) in toks.iter().enumerate() {
            match tok {
                Tok::Punct('(') => {
                    depth += 1;
                    in_list.push(false);
                }
                Tok::Punct(')') => {
                    depth -= 1;
                    in_list.pop();
                }
                t if t.is("SELECT") => {
                    item += 1;
                    if let Some(top) = in_list.last_mut() {
                        *top = true;
                    }
                }
                t if t.is("FROM") => {
                    if let Some(top) = in_list.last_mut() {
                        *top = false;
                    }
                }
                Tok::Punct(',') if in_list.last() == Some(&true) => item += 1,
                _ => {}
            }
            let _ = depth;
            if in_list.iter().any(|&l| l) {
                item_of[i] = Some(item);
            }
        }
        for (r, class) in &text_refs {
            let Some(item) = item_of[r.at] else { continue };
            let with_plus = toks
                .iter()
                .enumerate()
                .any(|(i, t)| item_of[i] == Some(item) && *t == Tok::Punct('+'));
            if (union || with_plus) && !collated(r.at) {
                wrong.push(format!(
                    "{name}: {}.{} ({} collation, {}) meets other text in a {} without COLLATE",
                    r.object,
                    r.column,
                    class.0,
                    class.1,
                    if union { "UNION" } else { "`+`" }
                ));
            }
        }
        // Comparisons of two text columns of different collations.
        for (i, tok) in toks.iter().enumerate() {
            if *tok != Tok::Punct('=') {
                continue;
            }
            let left = text_refs.iter().find(|(r, _)| r.at + 1 == i);
            let right = text_refs.iter().find(|(r, _)| r.at == i + 3);
            if let (Some((l, lc)), Some((rr, rc))) = (left, right)
                && lc != rc
                && !collated(rr.at)
            {
                wrong.push(format!(
                    "{name}: {}.{} = {}.{} compares two collations without COLLATE",
                    l.object, l.column, rr.object, rr.column
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_collection_script_runs_the_checked_texts() {
    let script = collection_script();
    assert!(script.contains(DATABASE_CURSOR));
}
