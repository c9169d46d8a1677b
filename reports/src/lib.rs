//! Reports: a view model built once from an assessment, and one renderer per
//! output format.

mod json;
mod model;
mod table;

pub use json::{JSON_SCHEMA_VERSION, render_json};
pub use model::{FileStatus, InputFile, InputInventory, Report};
pub use table::{render_rule_list, render_table};

/// The output formats of `linkready scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
}

/// Renders the report in the chosen format.
pub fn render(report: &Report, format: OutputFormat) -> String {
    match format {
        OutputFormat::Table => render_table(report),
        OutputFormat::Json => render_json(report),
    }
}
