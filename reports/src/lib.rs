//! Reports: a view model built once from an assessment, and one renderer per
//! output format.

mod csv;
mod html;
mod json;
mod model;
mod sarif;
pub mod setup;
mod table;

pub use csv::{CSV_COLUMNS, render_csv};
pub use html::render_html;
pub use json::{JSON_SCHEMA_VERSION, render_json};
pub use model::{FileStatus, InputFile, InputInventory, Report};
pub use sarif::render_sarif;
pub use table::{render_rule_list, render_table};

/// The output formats of `linkready scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
    Sarif,
    Csv,
    Html,
}

/// Renders the report in the chosen format.
pub fn render(report: &Report, format: OutputFormat) -> String {
    match format {
        OutputFormat::Table => render_table(report),
        OutputFormat::Json => render_json(report),
        OutputFormat::Sarif => render_sarif(report),
        OutputFormat::Csv => render_csv(report),
        // The template is compiled into the binary and tested; a failure
        // here is a bug, reported in the page rather than as a panic.
        OutputFormat::Html => render_html(report).unwrap_or_else(|error| {
            format!(
                "<!DOCTYPE html><title>linkready</title><p>report template error: {}</p>\n",
                handlebars::html_escape(&error.to_string())
            )
        }),
    }
}
