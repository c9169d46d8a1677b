//! The linkready binary: parse, run, exit code.

use std::process::ExitCode;

use clap::Parser;
use linkready::cli::{Cli, EXIT_ERROR, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            let message = format!("{error:#}");
            eprintln!(
                "linkready: error: {}",
                linkready_reports::terminal_text(&message)
            );
            ExitCode::from(EXIT_ERROR)
        }
    }
}
