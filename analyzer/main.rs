//! The linkready binary: parse, run, exit code.

use std::process::ExitCode;

use clap::Parser;
use linkready::cli::{Cli, EXIT_ERROR, run};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
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

/// clap's answer to a command line it cannot take, in the one voice every
/// other error has (`linkready: error: …`, exit 2); help and version are
/// printed as clap prints them, exit 0.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return ExitCode::from(
            if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                EXIT_ERROR
            } else {
                0
            },
        );
    }
    let text = error.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    eprint!("linkready: error: {text}");
    ExitCode::from(EXIT_ERROR)
}
