//! The Excel workbook (`--format xlsx`): what goes to the manager.
//!
//! Four sheets, exactly: `Databases` (every database of every instance,
//! ready ones included; the columns of `--format csv-databases`),
//! `Findings` (the columns of `--format csv`), `Unknowns` (what could not
//! be decided and why) and `Inputs` (every file and inventory read, and
//! what became of it). Each has a bold, frozen header row and a filter.
//! Cells are written as text or numbers, never as formulas, so a name from
//! a customer's server that starts with `=` stays text without the CSV's
//! leading `'`.

use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet, XlsxError};

use crate::csv::{CSV_COLUMNS, CSV_DATABASE_COLUMNS, database_rows, finding_rows};
use crate::model::{FileStatus, Report};

/// The sheet names, in order (documented in the README; tools read them).
pub const XLSX_SHEETS: [&str; 4] = ["Databases", "Findings", "Unknowns", "Inputs"];

/// The Unknowns sheet's columns.
pub const XLSX_UNKNOWN_COLUMNS: [&str; 7] = [
    "rule",
    "name",
    "instance",
    "database",
    "reason",
    "needs_target",
    "needs",
];

/// The Inputs sheet's columns.
pub const XLSX_INPUT_COLUMNS: [&str; 8] = [
    "kind",
    "path",
    "status",
    "server",
    "batches",
    "statements",
    "error",
    "warnings",
];

/// Columns written as numbers when the value is one (an empty score stays
/// an empty cell).
const NUMERIC_COLUMNS: [&str; 10] = [
    "score",
    "blockers",
    "prerequisites",
    "warnings",
    "infos",
    "unknowns",
    "line",
    "column",
    "batches",
    "statements",
];

/// Excel's limit on the characters of one cell (Microsoft 365 "Excel
/// specifications and limits": 32,767); a longer value is cut and says so
/// (the JSON report keeps it whole).
const CELL_CHARS: usize = 32_767;
/// Excel's rows per sheet (same page: 1,048,576), the header included.
const SHEET_ROWS: usize = 1_048_576;

/// A sheet: its name, its columns and its rows.
type SheetRows<'a> = (&'a str, &'a [&'a str], Vec<Vec<String>>);

/// The workbook's bytes.
pub fn render_xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title("linkready assessment")
            .set_comment(format!("{} {}", report.tool_name, report.tool_version)),
    );
    let header = Format::new().set_bold();

    let databases: Vec<Vec<String>> = database_rows(report)
        .into_iter()
        .map(|row| row.to_vec())
        .collect();
    let findings: Vec<Vec<String>> = finding_rows(report)
        .into_iter()
        .map(|row| row.to_vec())
        .collect();
    let unknowns: Vec<Vec<String>> = report
        .assessment
        .unknowns
        .iter()
        .map(|unknown| {
            vec![
                unknown.rule.id.to_string(),
                unknown.rule.name.to_string(),
                unknown.instance.clone(),
                unknown.database.clone().unwrap_or_default(),
                unknown.reason.clone(),
                unknown.needs_target.to_string(),
                unknown
                    .needs
                    .map_or(String::new(), |needs| needs.as_str().to_string()),
            ]
        })
        .collect();
    // The words of the JSON report's inputs: a script is scanned, an
    // inventory read.
    let status = |status: FileStatus, read: &'static str| match status {
        FileStatus::Scanned => read,
        FileStatus::Error => "error",
    };
    let inputs: Vec<Vec<String>> = report
        .files
        .iter()
        .map(|file| {
            vec![
                "script".to_string(),
                file.path.clone(),
                status(file.status, "scanned").to_string(),
                String::new(),
                file.batches.to_string(),
                file.statements.to_string(),
                file.error.clone().unwrap_or_default(),
                file.warnings.join("; "),
            ]
        })
        .chain(report.inventories.iter().map(|inventory| {
            vec![
                "inventory".to_string(),
                inventory.path.clone(),
                status(inventory.status, "read").to_string(),
                inventory.server.clone().unwrap_or_default(),
                String::new(),
                String::new(),
                inventory.error.clone().unwrap_or_default(),
                String::new(),
            ]
        }))
        .collect();

    let sheets: [SheetRows; 4] = [
        (XLSX_SHEETS[0], &CSV_DATABASE_COLUMNS, databases),
        (XLSX_SHEETS[1], &CSV_COLUMNS, findings),
        (XLSX_SHEETS[2], &XLSX_UNKNOWN_COLUMNS, unknowns),
        (XLSX_SHEETS[3], &XLSX_INPUT_COLUMNS, inputs),
    ];
    for (name, columns, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        write_sheet(sheet, columns, &rows, &header)?;
    }
    workbook.save_to_buffer()
}

/// One sheet: the header, the rows (cut at Excel's limits, saying so),
/// the header frozen, a filter over everything, columns wide enough for
/// their content within reason.
fn write_sheet(
    sheet: &mut Worksheet,
    columns: &[&str],
    rows: &[Vec<String>],
    header: &Format,
) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for (index, column) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, col(index), *column, header)?;
    }
    let room = SHEET_ROWS - 2;
    for (index, row) in rows.iter().take(room).enumerate() {
        let row_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        for (column, value) in row.iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            let number = NUMERIC_COLUMNS
                .contains(&columns.get(column).copied().unwrap_or(""))
                .then(|| value.parse::<f64>().ok())
                .flatten();
            match number {
                Some(number) => {
                    sheet.write_number(row_number, col(column), number)?;
                }
                None => {
                    sheet.write_string(row_number, col(column), cell_text(value))?;
                }
            }
            if let Some(width) = widths.get_mut(column) {
                *width = (*width).max(value.chars().count().min(60));
            }
        }
    }
    let mut last_row = rows.len().min(room);
    if rows.len() > room {
        last_row += 1;
        sheet.write_string(
            u32::try_from(last_row).unwrap_or(u32::MAX),
            0,
            format!(
                "{} more rows cut at Excel's row limit: the JSON report has them all",
                rows.len() - room
            ),
        )?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(
        0,
        0,
        u32::try_from(last_row).unwrap_or(u32::MAX),
        col(columns.len().saturating_sub(1)),
    )?;
    for (index, width) in widths.into_iter().enumerate() {
        // Characters plus room for the filter's button.
        sheet.set_column_width(col(index), (width + 3) as f64)?;
    }
    Ok(())
}

fn col(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

/// A value as a cell holds it: cut at Excel's 32,767 characters, saying so.
fn cell_text(value: &str) -> String {
    if value.chars().count() <= CELL_CHARS {
        return value.to_string();
    }
    const NOTE: &str = "… (cut at Excel's cell limit: the JSON report has it whole)";
    let keep = CELL_CHARS - NOTE.chars().count();
    let mut text: String = value.chars().take(keep).collect();
    text.push_str(NOTE);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_to_a_cell_and_say_so() {
        let long = "x".repeat(40_000);
        let cell = cell_text(&long);
        assert_eq!(cell.chars().count(), CELL_CHARS);
        assert!(cell.ends_with("the JSON report has it whole)"));
        assert_eq!(cell_text("short"), "short");
    }
}
