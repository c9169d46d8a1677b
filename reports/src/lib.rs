//! Reports: a view model built once from an assessment, and one renderer per
//! output format.

mod csv;
pub mod diff;
mod fingerprint;
mod html;
mod json;
mod model;
mod outlook;
mod page;
mod sarif;
pub mod setup;
pub mod status;
mod table;
mod xlsx;

pub use csv::{CSV_COLUMNS, CSV_DATABASE_COLUMNS, render_csv, render_csv_databases};
pub use html::render_html;
pub use json::{JSON_SCHEMA_VERSION, render_json};
pub use model::{FileStatus, InputFile, InputInventory, Report, RunContext};
pub use sarif::render_sarif;
pub use table::{
    DEFAULT_WIDTH, TableStyle, render_rule_list, render_table, render_table_styled,
    render_table_width,
};
pub use xlsx::{XLSX_INPUT_COLUMNS, XLSX_SHEETS, XLSX_UNKNOWN_COLUMNS, render_xlsx};

/// Untrusted text (names, paths, messages from servers and files) as a
/// terminal may show it: control characters (C0, DEL, C1: ESC sequences,
/// CR and LF that forge lines, NUL) and the bidirectional controls that
/// reorder what is shown (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
/// U+061C) become visible escapes such as `\x1b` or `\u{202e}`; a
/// backslash stays as it is. Used by the table and by every message on
/// standard error.
pub fn terminal_text(text: &str) -> std::borrow::Cow<'_, str> {
    let hazard = |c: char| {
        c.is_control()
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
    };
    if !text.chars().any(hazard) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !hazard(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The output formats of `linkready scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
    Sarif,
    Csv,
    /// One row per database (every one, ready ones included).
    CsvDatabases,
    Html,
    /// An Excel workbook: Databases, Findings, Unknowns, Inputs.
    Xlsx,
}

impl OutputFormat {
    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Csv => "csv",
            OutputFormat::CsvDatabases => "csv-databases",
            OutputFormat::Html => "html",
            OutputFormat::Xlsx => "xlsx",
        }
    }
}

/// Why a report could not be rendered (only the workbook can fail: its
/// writer checks Excel's limits).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Renders the report in the chosen format, as the bytes of the file.
pub fn render(report: &Report, format: OutputFormat) -> Result<Vec<u8>, RenderError> {
    Ok(match format {
        OutputFormat::Table => render_table(report).into_bytes(),
        OutputFormat::Json => render_json(report).into_bytes(),
        OutputFormat::Sarif => render_sarif(report).into_bytes(),
        OutputFormat::Csv => render_csv(report).into_bytes(),
        OutputFormat::CsvDatabases => render_csv_databases(report).into_bytes(),
        // The template is compiled into the binary and tested; a failure
        // here is a bug, reported in the page rather than as a panic.
        OutputFormat::Html => render_html(report)
            .unwrap_or_else(|error| {
                format!(
                    "<!DOCTYPE html><title>linkready</title><p>report template error: {}</p>\n",
                    handlebars::html_escape(&error.to_string())
                )
            })
            .into_bytes(),
        OutputFormat::Xlsx => render_xlsx(report)?,
    })
}
