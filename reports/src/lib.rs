//! Reports: a view model built once from an assessment, and one renderer per
//! output format.

mod csv;
mod json;
mod model;
mod sarif;
mod table;

pub use csv::{CSV_COLUMNS, render_csv};
pub use json::{JSON_SCHEMA_VERSION, render_json};
pub use model::{FileStatus, InputFile, InputInventory, Report};
pub use sarif::{path_to_uri, render_sarif, sarif_level};
pub use table::{render_rule_list, render_table};

/// The output formats of `linkready scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
    Sarif,
    Csv,
}

/// Renders the report in the chosen format.
pub fn render(report: &Report, format: OutputFormat) -> String {
    match format {
        OutputFormat::Table => render_table(report),
        OutputFormat::Json => render_json(report),
        OutputFormat::Sarif => render_sarif(report),
        OutputFormat::Csv => render_csv(report),
    }
}
