//! Splits a script into batches as sqlcmd does, and reads its SQLCMD lines.
//!
//! One pass over every byte tracks comments (nested), strings and delimited
//! identifiers, so that a `GO` or a keyword inside them counts for nothing.
//! The same pass notes, per batch, whether it holds a word that the token
//! scanner must look at; batches without one are not tokenized at all. That
//! prefilter is what keeps a scan of a large tree close to disk speed.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

/// SQLCMD scripting variables (`:setvar`), by upper-cased name.
pub type Variables = HashMap<String, String>;

/// A string a batch executes: its literals' contents (between the
/// quotes, offsets into the batch text) in order, with a placeholder where
/// an expression was concatenated (`+ QUOTENAME(@db) +`, `+ CONVERT(…)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutedString {
    pub parts: Vec<StringPart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StringPart {
    /// A literal's content.
    Text(Range<usize>),
    /// What stands for an expression: in code, a bracketed name
    /// (`[(run-time value)]`, or `[(current database)]` for `DB_NAME()`);
    /// inside a bracketed name, the name alone; inside a literal, `?`.
    Placeholder(&'static str),
}

impl ExecutedString {
    /// Where the first literal's content starts.
    pub fn start(&self) -> usize {
        self.parts
            .iter()
            .find_map(|part| match part {
                StringPart::Text(range) => Some(range.start),
                StringPart::Placeholder(_) => None,
            })
            .unwrap_or(0)
    }

    /// The single literal it is, when it is one.
    pub fn single(&self) -> Option<Range<usize>> {
        match self.parts.as_slice() {
            [StringPart::Text(range)] => Some(range.clone()),
            _ => None,
        }
    }
}

/// The name placeholders the scanner reads: a value not known, and the
/// current database (`DB_NAME()`). Findings show them as they are
/// ("EXEC … AT linked server (run-time value)").
pub const UNKNOWN_NAME: &str = "(run-time value)";
pub const CURRENT_DATABASE_NAME: &str = "(current database)";
const UNKNOWN_NAME_IN_CODE: &str = "[(run-time value)]";
const CURRENT_DATABASE_IN_CODE: &str = "[(current database)]";
const VALUE_IN_LITERAL: &str = "?";

/// One batch: the text between two `GO` lines.
#[derive(Debug, Clone)]
pub struct Batch<'a> {
    /// The batch text; SQLCMD command lines inside it are blanked with spaces,
    /// so lines and columns still match the file.
    pub text: Cow<'a, str>,
    /// The file line (1-based) of the batch's first line.
    pub start_line: u32,
    /// `GO n` runs the batch n times.
    pub repeat: u32,
    /// Statement-leading keywords at the top level (an estimate: T-SQL does
    /// not need `;`).
    pub statements: u32,
    /// The byte ranges of `text` to tokenize: the statements around each word
    /// a rule acts on. Empty when the batch holds none.
    pub windows: Vec<Range<usize>>,
    /// The strings the batch executes, in order: `EXEC ('…')`,
    /// `sp_executesql N'…'`, and what is assigned to a variable that
    /// `EXEC (@v)` or `sp_executesql @v` runs (or `EXEC @p @v`, where `@p`
    /// holds a `sp_executesql` name) — each literal alone, or the literals
    /// of one concatenation with a placeholder where an expression stood.
    pub executed_strings: Vec<ExecutedString>,
    /// The `:setvar` values in force for this batch.
    pub variables: Rc<Variables>,
}

/// An SQLCMD command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlcmdCommand {
    SetVar {
        name: String,
        value: Option<String>,
    },
    /// `:r file`: includes another script where it stands.
    Include {
        path: String,
    },
    OnError {
        action: String,
    },
    /// Any other SQLCMD command (`:connect`, `:out`, `!!`, …): understood, no effect on facts.
    Other {
        text: String,
    },
}

/// A `-- linkready: ignore[-file] RULE[, RULE]…` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuppressionComment {
    pub line: u32,
    pub column: u32,
    pub whole_file: bool,
    /// Alone on its line (so it speaks of the next line), not after code.
    pub own_line: bool,
    pub rules: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct SplitScript<'a> {
    pub batches: Vec<Batch<'a>>,
    pub suppressions: Vec<SuppressionComment>,
    /// SQLCMD command lines, with their 1-based line numbers.
    pub commands: Vec<(u32, SqlcmdCommand)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Code,
    BlockComment(u32),
    String,
    QuotedIdentifier,
    BracketIdentifier,
}

/// Splits `text` into batches, starting with the given variables.
pub fn split_batches<'a>(text: &'a str, initial: &Variables) -> SplitScript<'a> {
    let mut splitter = Splitter {
        text,
        mode: Mode::Code,
        variables: Rc::new(initial.clone()),
        batches: Vec::new(),
        commands: Vec::new(),
        suppressions: Vec::new(),
        current: BatchState::new(0, 1),
        line_number: 1,
        line_start: 0,
        string_start: 0,
        chain_end: usize::MAX,
        chain_dots: 0,
        chain_start: 0,
        chain_first_end: 0,
        pending_chain: None,
        name_start: 0,
        no_close_paren: None,
    };
    splitter.run();
    SplitScript {
        batches: splitter.batches,
        commands: splitter.commands,
        suppressions: splitter.suppressions,
    }
}

struct BatchState {
    start: usize,
    start_line: u32,
    /// File offsets of top-level statement-leading keywords.
    statement_starts: Vec<usize>,
    /// File offsets of words the token scanner acts on.
    triggers: Vec<usize>,
    depth: i64,
    /// The previous word at top level, lower-cased and abbreviated to the
    /// few that matter for the next word.
    previous: PreviousWord,
    /// The statement keyword that opened the current statement.
    statement: PreviousWord,
    /// Byte ranges of SQLCMD lines inside this batch, to blank.
    blanked: Vec<(usize, usize)>,
    /// Dynamic SQL: what executes strings, and which strings it may run.
    dynamic: DynamicSql,
}

/// Tracks, within one batch, which string literals are executed as T-SQL.
#[derive(Default)]
struct DynamicSql {
    /// `EXEC` was just read and `(` follows.
    exec_paren_pending: bool,
    /// Inside `EXEC ( … )`: the depth of its parentheses.
    exec_depth: Option<i64>,
    /// How many direct strings there were when that `EXEC (` opened.
    exec_direct_start: usize,
    /// Inside the first argument of `sp_executesql`: the depth of the call.
    executesql_depth: Option<i64>,
    /// `@var =` or `@var +=`: the variable (as a [`variable_key`]) and its depth.
    assigning: Option<(u64, i64)>,
    /// The last variable named in a DECLARE (`DECLARE @v nvarchar(max) = …`).
    declared: Option<(u64, i64)>,
    /// String contents executed directly (`variable` 0).
    direct: Vec<Piece>,
    /// String contents assigned to a variable.
    assigned: Vec<Piece>,
    /// Variables that EXEC or sp_executesql run.
    executed_variables: Vec<u64>,
    /// Variables assigned a literal naming `sp_executesql`
    /// (`N'[db].sys.sp_executesql'`): `EXEC @v @cmd` runs `@cmd`.
    executesql_holders: Vec<u64>,
    /// The concatenation being read: an assignment, an `EXEC (` or a
    /// `sp_executesql` argument.
    group: u32,
    /// The current assignment is `+=` or `= @v + …` (it extends the value).
    appending: bool,
    /// Where the text before the next literal of the group starts (after
    /// the operator, or the previous literal's closing quote).
    anchor: usize,
}

/// One string literal that may be executed.
#[derive(Debug, Clone, Copy)]
struct Piece {
    variable: u64,
    /// The content, file offsets.
    from: usize,
    to: usize,
    /// The concatenation it is part of.
    group: u32,
    /// Its assignment extends the variable's value.
    appending: bool,
    /// An expression stands between the previous literal of its group (or
    /// the operator) and it.
    after_expression: bool,
    /// `DB_NAME()` is that expression.
    after_db_name: bool,
}

impl DynamicSql {
    /// A new concatenation starts; its text starts at `anchor`.
    fn begin_group(&mut self, anchor: usize, appending: bool) {
        self.group = self.group.wrapping_add(1);
        self.anchor = anchor;
        self.appending = appending;
    }
}

impl BatchState {
    fn new(start: usize, start_line: u32) -> Self {
        BatchState {
            start,
            start_line,
            statement_starts: Vec::new(),
            triggers: Vec::new(),
            depth: 0,
            previous: PreviousWord::Other,
            statement: PreviousWord::Other,
            blanked: Vec::new(),
            dynamic: DynamicSql::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PreviousWord {
    CreateOrAlter,
    /// GRANT, DENY, REVOKE before their TO/FROM: `GRANT CREATE DATABASE`
    /// names a permission, not a CREATE statement.
    Permission,
    Declare,
    Bulk,
    Update,
    Insert,
    SetOperator,
    Other,
}

struct Splitter<'a> {
    text: &'a str,
    mode: Mode,
    variables: Rc<Variables>,
    batches: Vec<Batch<'a>>,
    commands: Vec<(u32, SqlcmdCommand)>,
    suppressions: Vec<SuppressionComment>,
    current: BatchState,
    line_number: u32,
    line_start: usize,
    /// Where the string literal being read started (its opening quote).
    string_start: usize,
    /// Where the last name (or dot after one) ended, and how many dots the
    /// current dotted name has.
    chain_end: usize,
    chain_dots: u8,
    /// Where the dotted name's first part starts and ends.
    chain_start: usize,
    chain_first_end: usize,
    /// The second dot of a chain, until its third part shows what it is.
    pending_chain: Option<usize>,
    /// Where the delimited identifier being read started.
    name_start: usize,
    /// A `$(` at the first position with no `)` after it up to the second.
    no_close_paren: Option<(usize, usize)>,
}

impl<'a> Splitter<'a> {
    fn run(&mut self) {
        let bytes = self.text.as_bytes();
        let mut line_start = 0;
        let mut line_number: u32 = 1;
        while line_start < bytes.len() {
            let line_end =
                memchr_newline(&bytes[line_start..]).map_or(bytes.len(), |i| line_start + i + 1);
            let line = &self.text[line_start..line_end];
            self.line_number = line_number;
            self.line_start = line_start;
            if self.mode == Mode::Code && self.line_command(line, line_start, line_end, line_number)
            {
                // Handled as GO or an SQLCMD command.
            } else {
                self.scan_code(line_start, line_end);
            }
            line_start = line_end;
            line_number = line_number.saturating_add(1);
        }
        self.finish_batch(bytes.len(), 1);
    }

    /// Recognizes a `GO` line or an SQLCMD command line. Returns true when the
    /// line was one.
    fn line_command(&mut self, line: &str, start: usize, end: usize, number: u32) -> bool {
        // Most lines are neither: only `g`, `:` or `!` can start one.
        let first = line.bytes().find(|b| !matches!(b, b' ' | b'\t'));
        if !matches!(first, Some(b'g' | b'G' | b':' | b'!')) {
            return false;
        }
        let trimmed = line.trim();
        if let Some(repeat) = parse_go(trimmed) {
            self.finish_batch(start, repeat);
            self.current = BatchState::new(end, number.saturating_add(1));
            return true;
        }
        let command = if let Some(rest) = trimmed.strip_prefix(':') {
            parse_sqlcmd(rest)
        } else {
            trimmed.strip_prefix("!!").map(|rest| SqlcmdCommand::Other {
                text: format!("!!{rest}"),
            })
        };
        let Some(command) = command else {
            return false;
        };
        if let SqlcmdCommand::SetVar { name, value } = &command {
            let variables = Rc::make_mut(&mut self.variables);
            match value {
                Some(value) => variables.insert(name.to_ascii_uppercase(), value.clone()),
                None => variables.remove(&name.to_ascii_uppercase()),
            };
        }
        self.commands.push((number, command));
        self.current.blanked.push((start, end));
        true
    }

    fn finish_batch(&mut self, end: usize, repeat: u32) {
        let state = std::mem::replace(&mut self.current, BatchState::new(end, 0));
        let raw = &self.text[state.start.min(end)..end];
        if raw.trim().is_empty() {
            return;
        }
        let text = if state.blanked.is_empty() {
            Cow::Borrowed(raw)
        } else {
            let mut owned = String::with_capacity(raw.len());
            let mut at = state.start;
            for (from, to) in &state.blanked {
                owned.push_str(&self.text[at..*from]);
                let command = &self.text[*from..*to];
                let body = command.trim_end_matches(['\r', '\n']);
                // Same byte length, so offsets into the batch stay valid.
                owned.extend(std::iter::repeat_n(' ', body.len()));
                owned.push_str(&command[body.len()..]);
                at = *to;
            }
            owned.push_str(&self.text[at..end]);
            if owned.trim().is_empty() {
                return;
            }
            Cow::Owned(owned)
        };
        self.batches.push(Batch {
            text,
            start_line: state.start_line,
            repeat,
            statements: u32::try_from(state.statement_starts.len()).unwrap_or(u32::MAX),
            windows: token_windows(&state, end),
            executed_strings: executed_strings(&state, self.text),
            variables: Rc::clone(&self.variables),
        });
    }

    /// Scans one line byte by byte, carrying the comment and string state.
    fn scan_code(&mut self, start: usize, end: usize) {
        let bytes = self.text.as_bytes();
        let mut i = start;
        while i < end {
            // Inside comments, strings and delimited names only one or two
            // bytes matter: jump to the next of them.
            // (Code, the common case, is tested first: one predictable branch.)
            if let Mode::Code = self.mode {
            } else {
                let ahead = match self.mode {
                    Mode::BlockComment(_) => memchr::memchr2(b'*', b'/', &bytes[i..end]),
                    Mode::String => memchr::memchr(b'\'', &bytes[i..end]),
                    Mode::QuotedIdentifier => memchr::memchr(b'"', &bytes[i..end]),
                    Mode::BracketIdentifier | Mode::Code => memchr::memchr(b']', &bytes[i..end]),
                };
                match ahead {
                    Some(ahead) => i += ahead,
                    None => return,
                }
            }
            let byte = bytes[i];
            match self.mode {
                // Blanks between words (indentation runs): nothing to decide.
                Mode::Code if matches!(byte, b' ' | b'\t' | b'\r' | b'\n') => {
                    i += 1;
                    while i < end && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
                        i += 1;
                    }
                    continue;
                }
                Mode::Code => match byte {
                    b'-' if bytes.get(i + 1) == Some(&b'-') => {
                        self.line_comment(i, end);
                        return;
                    }
                    b'/' if bytes.get(i + 1) == Some(&b'*') => {
                        self.mode = Mode::BlockComment(1);
                        i += 2;
                        continue;
                    }
                    b'\'' => {
                        self.mode = Mode::String;
                        self.string_start = i;
                    }
                    b'"' => {
                        self.mode = Mode::QuotedIdentifier;
                        self.name_start = i;
                    }
                    b'[' => {
                        self.mode = Mode::BracketIdentifier;
                        self.name_start = i;
                    }
                    b'.' => self.name_dot(i),
                    // `$(Var)`: an SQLCMD variable standing for a name.
                    b'$' if bytes.get(i + 1) == Some(&b'(') => {
                        // Once no `)` follows up to `end`, none follows any
                        // later `$(` either: remembered, so 100,000 unclosed
                        // `$(` cost one search, not 100,000.
                        let known_open = self
                            .no_close_paren
                            .is_some_and(|(from, until)| until == end && i >= from);
                        if !known_open {
                            match memchr::memchr(b')', &bytes[i..end]) {
                                Some(close) => {
                                    self.name_end(i, i + close + 1);
                                    i += close + 1;
                                    continue;
                                }
                                None => self.no_close_paren = Some((i, end)),
                            }
                        }
                    }
                    b'*' if bytes.get(i + 1) == Some(&b'=') => self.current.triggers.push(i),
                    b'=' if bytes.get(i + 1) == Some(&b'*') => self.current.triggers.push(i),
                    b'(' => {
                        let state = &mut self.current;
                        state.depth += 1;
                        if std::mem::take(&mut state.dynamic.exec_paren_pending) {
                            state.dynamic.exec_depth = Some(state.depth);
                            state.dynamic.exec_direct_start = state.dynamic.direct.len();
                            state.dynamic.begin_group(i + 1, false);
                        }
                    }
                    b')' => {
                        let state = &mut self.current;
                        if state.dynamic.exec_depth == Some(state.depth) {
                            state.dynamic.exec_depth = None;
                            // EXEC (…) AT server runs on the linked server.
                            if next_word(bytes, i + 1).eq_ignore_ascii_case(b"at") {
                                let keep = state.dynamic.exec_direct_start;
                                state.dynamic.direct.truncate(keep);
                            }
                        }
                        state.depth -= 1;
                    }
                    b',' => {
                        let state = &mut self.current;
                        if state.dynamic.executesql_depth == Some(state.depth) {
                            state.dynamic.executesql_depth = None;
                        }
                        if state
                            .dynamic
                            .assigning
                            .as_ref()
                            .is_some_and(|(_, depth)| *depth == state.depth)
                        {
                            state.dynamic.assigning = None;
                        }
                    }
                    b'=' => {
                        // DECLARE @v type = …: the initial value is assigned to @v.
                        let state = &mut self.current;
                        if state.statement == PreviousWord::Declare
                            && state
                                .dynamic
                                .declared
                                .as_ref()
                                .is_some_and(|(_, depth)| *depth == state.depth)
                        {
                            state.dynamic.assigning = state.dynamic.declared.take();
                            state.dynamic.begin_group(i + 1, false);
                        }
                    }
                    b';' => {
                        let state = &mut self.current;
                        state.statement = PreviousWord::Other;
                        state.dynamic.executesql_depth = None;
                        state.dynamic.assigning = None;
                    }
                    b'0'..=b'9' => {
                        // A number, or a word that starts with digits: skip it whole.
                        while i < end && is_word_byte(bytes[i]) {
                            i += 1;
                        }
                        continue;
                    }
                    _ if is_word_start(byte) => {
                        let word_end = bytes[i + 1..end]
                            .iter()
                            .position(|&b| !is_word_byte(b))
                            .map_or(end, |n| i + 1 + n);
                        self.word(&bytes[i..word_end], i);
                        self.name_end(i, word_end);
                        i = word_end;
                        continue;
                    }
                    _ => {}
                },
                Mode::BlockComment(depth) => {
                    if byte == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        self.mode = if depth == 1 {
                            Mode::Code
                        } else {
                            Mode::BlockComment(depth - 1)
                        };
                        i += 2;
                        continue;
                    }
                    if byte == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        self.mode = Mode::BlockComment(depth + 1);
                        i += 2;
                        continue;
                    }
                }
                Mode::String => {
                    if byte == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        self.mode = Mode::Code;
                        self.string_end(i);
                    }
                }
                Mode::QuotedIdentifier => {
                    if byte == b'"' {
                        if bytes.get(i + 1) == Some(&b'"') {
                            i += 2;
                            continue;
                        }
                        self.mode = Mode::Code;
                        self.delimited_name_end(i + 1);
                    }
                }
                Mode::BracketIdentifier => {
                    if byte == b']' {
                        if bytes.get(i + 1) == Some(&b']') {
                            i += 2;
                            continue;
                        }
                        self.mode = Mode::Code;
                        self.delimited_name_end(i + 1);
                    }
                }
            }
            i += 1;
        }
    }

    /// A name (word or delimited identifier) spans `start..end`: it extends
    /// a dotted chain when it follows a dot directly.
    fn name_end(&mut self, start: usize, end: usize) {
        if self.chain_end != start {
            self.chain_dots = 0;
            self.chain_start = start;
            self.pending_chain = None;
        } else if let Some(dot) = self.pending_chain.take() {
            // `alias.column.value(…)` is an xml method call, not a name in
            // another database.
            let part = &self.text.as_bytes()[start..end];
            let method = [&b"value"[..], b"query", b"exist", b"nodes", b"modify"]
                .iter()
                .any(|m| part.eq_ignore_ascii_case(m));
            if !method {
                self.current.triggers.push(dot);
            }
        }
        self.chain_end = end;
    }

    /// A `[name]` or `"name"` ends at `end`: a dotted-name part, and in
    /// CREATE/ALTER a table or column that may be named NEXT.
    fn delimited_name_end(&mut self, end: usize) {
        let start = self.name_start;
        let inner = self
            .text
            .as_bytes()
            .get(start + 1..end - 1)
            .unwrap_or_default();
        if self.current.statement == PreviousWord::CreateOrAlter
            && inner.eq_ignore_ascii_case(b"next")
        {
            self.current.triggers.push(start);
        }
        // `EXEC [master].[dbo].[xp_cmdshell]`: a procedure name in brackets
        // is still that procedure (they all start with sp_ or xp_).
        let procedure_like = inner.len() > 3
            && matches!(inner[0] | 0x20, b's' | b'x')
            && matches!(inner[1] | 0x20, b'p')
            && inner[2] == b'_';
        if procedure_like && inner.len() <= WORD_LIMIT {
            let mut lower = [0u8; WORD_LIMIT];
            for (to, from) in lower.iter_mut().zip(inner) {
                *to = from.to_ascii_lowercase();
            }
            let lower = &lower[..inner.len()];
            let state = &mut self.current;
            if is_usage_trigger(lower) || lower == b"sp_dbcmptlevel" {
                state.triggers.push(start);
            } else if lower == b"sp_executesql" {
                state.dynamic.executesql_depth = Some(state.depth);
            }
        }
        self.name_end(start, end);
    }

    /// A dot right after a name or a dot extends the chain; three parts
    /// (`db.schema.object`) or `db..object` make the statement worth tokens
    /// (a cross-database or linked-server reference, or a column).
    fn name_dot(&mut self, at: usize) {
        if self.chain_end != at {
            self.chain_dots = 0;
            return;
        }
        if self.chain_dots == 0 {
            self.chain_first_end = at;
        }
        self.chain_dots = self.chain_dots.saturating_add(1);
        self.chain_end = at + 1;
        // master.sys.x, msdb.dbo.x …: never another user database. A
        // linked server's four-part name starts with the server, not these.
        if self.chain_dots == 2 && !self.chain_starts_with_system_database() {
            self.pending_chain = Some(at);
        }
    }

    fn chain_starts_with_system_database(&self) -> bool {
        let first =
            &self.text.as_bytes()[self.chain_start.min(self.chain_first_end)..self.chain_first_end];
        let first = first
            .strip_prefix(b"[")
            .and_then(|f| f.strip_suffix(b"]"))
            .unwrap_or(first);
        // The placeholders of strings assembled from pieces name no other
        // database either (and scanning each such reference would cost a
        // window of tokens: sp_Blitz builds thousands).
        [
            &b"master"[..],
            b"msdb",
            b"tempdb",
            b"model",
            UNKNOWN_NAME.as_bytes(),
            CURRENT_DATABASE_NAME.as_bytes(),
        ]
        .iter()
        .any(|system| first.eq_ignore_ascii_case(system))
    }

    /// A string literal's closing quote is at `end`: note it when the batch
    /// may execute it.
    fn string_end(&mut self, end: usize) {
        let bytes = self.text.as_bytes();
        let state = &mut self.current;
        let dynamic = &mut state.dynamic;
        let direct = dynamic.exec_depth.is_some_and(|depth| state.depth >= depth)
            || dynamic.executesql_depth.is_some();
        let variable = match (&dynamic.assigning, direct) {
            (_, true) => 0,
            (Some((variable, _)), false) => *variable,
            (None, false) => return,
        };
        let before = bytes
            .get(dynamic.anchor.min(self.string_start)..self.string_start)
            .unwrap_or_default();
        let after_expression = holds_expression(before);
        let piece = Piece {
            variable,
            from: self.string_start + 1,
            to: end,
            group: dynamic.group,
            appending: dynamic.appending,
            after_expression,
            // `+ QUOTENAME(DB_NAME()) +` is short: a long stretch is other code.
            after_db_name: after_expression && before.len() <= 256 && holds_db_name(before),
        };
        dynamic.anchor = end + 1;
        if direct {
            dynamic.direct.push(piece);
        } else {
            // A procedure name is short; a long literal is code, not a name.
            let content = bytes.get(piece.from..piece.to).unwrap_or_default();
            if content.len() <= 512
                && memchr::memchr_iter(b'_', content).any(|at| {
                    at >= 2
                        && content
                            .get(at - 2..at + 11)
                            .is_some_and(|name| name.eq_ignore_ascii_case(b"sp_executesql"))
                })
                && !dynamic.executesql_holders.contains(&variable)
            {
                dynamic.executesql_holders.push(variable);
            }
            dynamic.assigned.push(piece);
        }
    }

    /// Reads a `--` comment for a suppression.
    fn line_comment(&mut self, start: usize, end: usize) {
        let comment = &self.text[start + 2..end];
        let Some(at) = comment.find("linkready:") else {
            return;
        };
        let directive = comment[at + "linkready:".len()..].trim_start();
        let (whole_file, rest) = if let Some(rest) = directive.strip_prefix("ignore-file") {
            (true, rest)
        } else if let Some(rest) = directive.strip_prefix("ignore") {
            (false, rest)
        } else {
            return;
        };
        // A comma-separated list; whatever follows the last rule is a reason.
        let mut rules = Vec::new();
        let mut rest = rest.trim_start();
        loop {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(rest.len());
            if end == 0 {
                break;
            }
            rules.push(rest[..end].to_string());
            match rest[end..].trim_start().strip_prefix(',') {
                Some(after) => rest = after.trim_start(),
                None => break,
            }
        }
        if rules.is_empty() {
            return;
        }
        let before = &self.text[self.line_start..start];
        let column = 1 + before.chars().count();
        self.suppressions.push(SuppressionComment {
            line: self.line_number,
            column: u32::try_from(column).unwrap_or(u32::MAX),
            whole_file,
            own_line: before.trim().is_empty(),
            rules,
        });
    }

    /// Looks at one word outside comments and strings.
    fn word(&mut self, word: &[u8], offset: usize) {
        if word.len() > WORD_LIMIT || !may_be_keyword(word) {
            self.current.previous = PreviousWord::Other;
            return;
        }
        let mut lower = [0u8; WORD_LIMIT];
        for (to, from) in lower.iter_mut().zip(word) {
            *to = from.to_ascii_lowercase();
        }
        let lower = &lower[..word.len()];
        let state = &mut self.current;
        let top_level = state.depth <= 0;
        let previous = state.previous;
        state.previous = PreviousWord::Other;
        // Every database option (recovery model, compatibility level, TDE,
        // ADR, files and filegroups) stands inside CREATE/ALTER DATABASE, so
        // that statement is the trigger for all of them.
        match lower {
            b"filestream"
            | b"filetable"
            | b"memory_optimized"
            | b"memory_optimized_data"
            | b"native_compilation"
            | b"remote_data_archive"
            | b"sp_dbcmptlevel" => {
                state.triggers.push(offset);
            }
            b"database" | b"assembly" | b"route" | b"queue" | b"service" | b"endpoint"
            | b"login" | b"server" | b"cryptographic" | b"synonym" | b"event"
                if previous == PreviousWord::CreateOrAlter =>
            {
                state.triggers.push(offset);
            }
            // A column or table named NEXT, in CREATE/ALTER TABLE (not FETCH NEXT).
            b"next" if state.statement == PreviousWord::CreateOrAlter => {
                state.triggers.push(offset)
            }
            // Only the forms the rules judge: RAISERROR without parentheses,
            // BACKUP DATABASE|LOG, BULK INSERT.
            b"raiserror" if next_byte(self.text.as_bytes(), offset + word.len()) != Some(b'(') => {
                state.triggers.push(offset);
            }
            // EXEC (…) runs a string (dynamic SQL) or runs it AT a linked server.
            b"exec" | b"execute"
                if next_byte(self.text.as_bytes(), offset + word.len()) == Some(b'(') =>
            {
                state.triggers.push(offset);
                state.dynamic.exec_paren_pending = true;
            }
            b"sp_executesql" => {
                state.dynamic.executesql_depth = Some(state.depth);
                state.dynamic.begin_group(offset + word.len(), false);
            }
            [b'@', ..] => {
                let key = variable_key(lower);
                let bytes = self.text.as_bytes();
                let dynamic = &mut state.dynamic;
                if dynamic.exec_depth.is_some_and(|depth| state.depth >= depth)
                    || dynamic.executesql_depth.is_some()
                {
                    dynamic.executed_variables.push(key);
                } else if let Some((operator_end, appending)) =
                    assignment_follows(bytes, offset + word.len())
                {
                    dynamic.assigning = Some((key, state.depth));
                    dynamic.begin_group(operator_end, appending);
                } else if dynamic
                    .assigning
                    .is_some_and(|(variable, _)| variable == key)
                    && !holds_expression(
                        bytes
                            .get(dynamic.anchor.min(offset)..offset)
                            .unwrap_or_default(),
                    )
                {
                    // `SET @s = @s + …`: the value is extended.
                    dynamic.appending = true;
                    dynamic.anchor = offset + word.len();
                } else if state.statement == PreviousWord::Declare {
                    dynamic.declared = Some((key, state.depth));
                } else if dynamic.executesql_holders.contains(&key)
                    && previous_word(bytes, offset).is_some_and(|previous| {
                        previous.eq_ignore_ascii_case(b"exec")
                            || previous.eq_ignore_ascii_case(b"execute")
                    })
                {
                    // `EXEC @proc @cmd` with @proc = N'db.sys.sp_executesql'.
                    dynamic.executesql_depth = Some(state.depth);
                    dynamic.begin_group(offset + word.len(), false);
                }
            }
            b"backup" | b"bulk" => {
                if lower == b"bulk" {
                    state.previous = PreviousWord::Bulk;
                }
                let next = next_word(self.text.as_bytes(), offset + word.len());
                if ["database", "log", "insert"]
                    .iter()
                    .any(|w| next.eq_ignore_ascii_case(w.as_bytes()))
                {
                    state.triggers.push(offset);
                }
            }
            word if is_usage_trigger(word) => state.triggers.push(offset),
            _ => {}
        }
        if !top_level {
            return;
        }
        let statement = match lower {
            b"to" | b"from" if state.statement == PreviousWord::Permission => {
                // The grantees follow; a CREATE after them starts a statement.
                state.statement = PreviousWord::Other;
                None
            }
            // `GRANT SELECT, CREATE DATABASE, EXECUTE`: permission names.
            _ if state.statement == PreviousWord::Permission => None,
            b"grant" | b"revoke" | b"deny" => Some(PreviousWord::Permission),
            b"create" | b"alter" => {
                state.previous = PreviousWord::CreateOrAlter;
                Some(PreviousWord::CreateOrAlter)
            }
            b"use" => {
                state.triggers.push(offset);
                Some(PreviousWord::Other)
            }
            b"update" => Some(PreviousWord::Update),
            b"declare" => Some(PreviousWord::Declare),
            // WITH EXECUTE AS OWNER (module options), EXECUTE AS USER: a clause.
            b"exec" | b"execute"
                if next_word(self.text.as_bytes(), offset + word.len())
                    .eq_ignore_ascii_case(b"as") =>
            {
                None
            }
            // BULK INSERT is one statement.
            b"insert" if previous == PreviousWord::Bulk => None,
            b"insert" => Some(PreviousWord::Insert),
            // UPDATE … SET, ALTER DATABASE … SET, ALTER TABLE … SET (…).
            b"set"
                if matches!(
                    state.statement,
                    PreviousWord::Update | PreviousWord::CreateOrAlter
                ) =>
            {
                None
            }
            b"select"
                if state.statement == PreviousWord::Insert
                    || previous == PreviousWord::SetOperator =>
            {
                None
            }
            b"union" | b"except" | b"intersect" | b"all" => {
                state.previous = PreviousWord::SetOperator;
                state.dynamic.assigning = None;
                None
            }
            // SELECT @v = … FROM … WHERE name = N'…': the value ends at FROM.
            b"from" | b"where" | b"group" | b"order" | b"having" | b"option" => {
                state.dynamic.assigning = None;
                None
            }
            b"select" | b"delete" | b"merge" | b"drop" | b"truncate" | b"exec" | b"execute"
            | b"set" | b"print" | b"raiserror" | b"throw" | b"return" | b"backup" | b"restore"
            | b"dbcc" | b"waitfor" | b"open" | b"close" | b"fetch" | b"deallocate" | b"commit"
            | b"rollback" | b"if" | b"while" | b"goto" | b"bulk" | b"checkpoint" | b"kill"
            | b"reconfigure" => Some(PreviousWord::Other),
            _ => None,
        };
        if let Some(kind) = statement {
            // A new statement ends any assignment or sp_executesql argument.
            state.dynamic.executesql_depth = None;
            state.dynamic.assigning = None;
            state.dynamic.declared = None;
            state.statement = kind;
            state.statement_starts.push(offset);
        }
    }
}

/// The ranges (relative to the batch) to tokenize: for each trigger word,
/// from the statement it stands in to the next statement, merged.
fn token_windows(state: &BatchState, end: usize) -> Vec<Range<usize>> {
    let starts = &state.statement_starts;
    let mut windows: Vec<Range<usize>> = Vec::new();
    for &trigger in &state.triggers {
        let after = starts.partition_point(|&start| start <= trigger);
        let from = after.checked_sub(1).map_or(state.start, |i| starts[i]);
        let to = starts.get(after).copied().unwrap_or(end);
        let range = from - state.start..to - state.start;
        match windows.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => windows.push(range),
        }
    }
    windows
}

/// The executed strings of a batch, relative to its start, in order: the
/// literals of each `EXEC (…)` or `sp_executesql` argument together, and
/// for each executed variable, each value it is given (`=` starts one,
/// `+=` and `= @v + …` extend it).
fn executed_strings(state: &BatchState, text: &str) -> Vec<ExecutedString> {
    let dynamic = &state.dynamic;
    let bytes = text.as_bytes();
    let mut strings = Vec::new();
    let mut push_chains = |pieces: &[Piece], breaks: fn(&Piece, &Piece) -> bool| {
        for chain in pieces.chunk_by(|last, piece| !breaks(last, piece)) {
            strings.push(assemble(chain, bytes, state.start));
        }
    };
    push_chains(&dynamic.direct, |last, piece| last.group != piece.group);
    if dynamic.executed_variables.is_empty() || dynamic.assigned.is_empty() {
        return strings;
    }
    // The pieces of executed variables, variable by variable (a stable
    // sort keeps each one's pieces in text order): one pass, however many
    // variables.
    let mut executed = dynamic.executed_variables.clone();
    executed.sort_unstable();
    executed.dedup();
    let mut assigned: Vec<Piece> = dynamic
        .assigned
        .iter()
        .filter(|piece| executed.binary_search(&piece.variable).is_ok())
        .copied()
        .collect();
    assigned.sort_by_key(|piece| piece.variable);
    push_chains(&assigned, |last, piece| {
        last.variable != piece.variable || (last.group != piece.group && !piece.appending)
    });
    strings.sort_by_key(ExecutedString::start);
    strings.dedup();
    strings
}

/// One executed string from its literals (file offsets), relative to the
/// batch start; a placeholder where an expression stood between two, in
/// the form the place calls for (inside a literal, inside brackets, or a
/// name in code).
fn assemble(pieces: &[Piece], bytes: &[u8], batch_start: usize) -> ExecutedString {
    let mut parts = Vec::with_capacity(pieces.len() * 2);
    // Where the string so far leaves the next character: inside a literal
    // of the executed code (an odd count of its quotes, written `''`
    // here), or inside a bracketed name.
    let mut quotes = 0usize;
    let mut in_brackets = false;
    for (index, piece) in pieces.iter().enumerate() {
        if let Some(before) = index.checked_sub(1).and_then(|i| pieces.get(i)) {
            let expression = piece.after_expression
                || (before.group != piece.group && expression_follows(bytes, before.to + 1));
            if expression {
                let current = piece.after_db_name;
                let in_literal = !(quotes / 2).is_multiple_of(2);
                parts.push(StringPart::Placeholder(
                    match (in_literal, in_brackets, current) {
                        (true, _, _) => VALUE_IN_LITERAL,
                        (false, true, true) => CURRENT_DATABASE_NAME,
                        (false, true, false) => UNKNOWN_NAME,
                        (false, false, true) => CURRENT_DATABASE_IN_CODE,
                        (false, false, false) => UNKNOWN_NAME_IN_CODE,
                    },
                ));
            }
        }
        // Where this piece leaves the text matters only to a placeholder
        // after it: the last piece's quotes and brackets are not counted.
        if index + 1 < pieces.len() {
            let content = bytes.get(piece.from..piece.to).unwrap_or_default();
            for at in memchr::memchr3_iter(b'\'', b'[', b']', content) {
                match content[at] {
                    b'\'' => quotes += 1,
                    b'[' if (quotes / 2).is_multiple_of(2) => in_brackets = true,
                    b']' if (quotes / 2).is_multiple_of(2) => in_brackets = false,
                    _ => {}
                }
            }
        }
        parts.push(StringPart::Text(
            piece.from - batch_start..piece.to - batch_start,
        ));
    }
    ExecutedString { parts }
}

/// Whether code stands in `text` (what lies between an operator or a
/// closing quote and the next literal's opening quote): anything but
/// blanks, comments, `+`, parentheses, commas (`CONCAT(N'a', N'b')`: a
/// comma at the assignment's own depth ends it) and the `N` of `N'…'`.
fn holds_expression(text: &[u8]) -> bool {
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b'+' | b'(' | b')' | b',' => i += 1,
            b'-' if text.get(i + 1) == Some(&b'-') => {
                i = memchr::memchr(b'\n', &text[i..]).map_or(text.len(), |n| i + n + 1);
            }
            b'/' if text.get(i + 1) == Some(&b'*') => {
                i = memchr::memmem::find(&text[i + 2..], b"*/").map_or(text.len(), |n| i + n + 4);
            }
            b'N' | b'n' if i + 1 == text.len() => i += 1,
            _ => return true,
        }
    }
    false
}

/// Whether the expression in `text` is `DB_NAME()` (with no argument: the
/// current database), alone or quoted by QUOTENAME.
fn holds_db_name(text: &[u8]) -> bool {
    text.windows(7).enumerate().any(|(at, word)| {
        word.eq_ignore_ascii_case(b"db_name")
            && text[at + 7..]
                .iter()
                .filter(|b| !b.is_ascii_whitespace())
                .take(2)
                .eq(b"()".iter())
    })
}

/// Whether `+` follows `from` past blanks: the literal before it is
/// concatenated with more than literals.
fn expression_follows(bytes: &[u8], from: usize) -> bool {
    next_byte(bytes, from) == Some(b'+')
}

/// The word that ends right before `at`, past blanks.
fn previous_word(bytes: &[u8], at: usize) -> Option<&[u8]> {
    let before = bytes.get(..at)?;
    let end = before.iter().rposition(|b| !b.is_ascii_whitespace())? + 1;
    let start = before[..end]
        .iter()
        .rposition(|&b| !is_word_byte(b))
        .map_or(0, |n| n + 1);
    (start < end).then(|| &before[start..end])
}

/// A variable's name (lower-cased bytes) as a number: FNV-1a, so that
/// noting a variable allocates nothing.
fn variable_key(name: &[u8]) -> u64 {
    name.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `=` (not `==`) or `+=` follows, past white space: an assignment; the
/// offset right after the operator, and whether it is `+=` (it extends the
/// value).
fn assignment_follows(bytes: &[u8], from: usize) -> Option<(usize, bool)> {
    let rest = bytes.get(from..).unwrap_or_default();
    let at = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    match (rest.get(at), rest.get(at + 1)) {
        (Some(b'='), next) if next != Some(&b'=') => Some((from + at + 1, false)),
        (Some(b'+'), Some(b'=')) => Some((from + at + 2, true)),
        _ => None,
    }
}

/// The first byte after `from` that is not white space.
fn next_byte(bytes: &[u8], from: usize) -> Option<u8> {
    bytes
        .get(from..)?
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace())
}

/// The word after `from`, past white space (empty when none).
fn next_word(bytes: &[u8], from: usize) -> &[u8] {
    let rest = bytes.get(from..).unwrap_or_default();
    let start = rest
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    let rest = &rest[start..];
    let end = rest
        .iter()
        .position(|&b| !is_word_byte(b))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Every word `Splitter::word` and `is_usage_trigger` act on (a test checks
/// that each word literal in this file is here). Most words of a script are
/// names: one table look-up by first letter and length sets them aside
/// before they are lower-cased and compared (perf, issue 14).
const KEYWORDS: &[&[u8]] = &[
    b"filestream",
    b"filetable",
    b"memory_optimized",
    b"memory_optimized_data",
    b"native_compilation",
    b"remote_data_archive",
    b"sp_dbcmptlevel",
    b"database",
    b"assembly",
    b"route",
    b"queue",
    b"service",
    b"endpoint",
    b"login",
    b"server",
    b"cryptographic",
    b"synonym",
    b"event",
    b"next",
    b"raiserror",
    b"exec",
    b"execute",
    b"sp_executesql",
    b"backup",
    b"bulk",
    b"xp_cmdshell",
    b"sp_configure",
    b"sp_addlinkedserver",
    b"sp_add_jobstep",
    b"sp_update_jobstep",
    b"sp_replicationdboption",
    b"sp_addpublication",
    b"sp_addmergepublication",
    b"sp_addarticle",
    b"sp_addmergearticle",
    b"sp_addsubscription",
    b"sp_addpullsubscription",
    b"sp_addmergesubscription",
    b"sp_addmergepullsubscription",
    b"sp_cdc_enable_db",
    b"sp_cdc_enable_table",
    b"xp_sendmail",
    b"xp_startmail",
    b"xp_stopmail",
    b"xp_readmail",
    b"xp_deletemail",
    b"xp_findnextmsg",
    b"sp_processmail",
    b"sp_dboption",
    b"sp_addalias",
    b"sp_dropalias",
    b"sp_addgroup",
    b"sp_changegroup",
    b"sp_dropgroup",
    b"sp_helpgroup",
    b"sp_addserver",
    b"openquery",
    b"opendatasource",
    b"openrowset",
    b"distributed",
    b"fastfirstrow",
    b"compute",
    b"disable_def_cnst_chk",
    b"to",
    b"from",
    b"grant",
    b"revoke",
    b"deny",
    b"create",
    b"alter",
    b"use",
    b"update",
    b"declare",
    b"insert",
    b"set",
    b"select",
    b"union",
    b"except",
    b"intersect",
    b"all",
    b"where",
    b"group",
    b"order",
    b"having",
    b"option",
    b"delete",
    b"merge",
    b"drop",
    b"truncate",
    b"print",
    b"throw",
    b"return",
    b"restore",
    b"dbcc",
    b"waitfor",
    b"open",
    b"close",
    b"fetch",
    b"deallocate",
    b"commit",
    b"rollback",
    b"if",
    b"while",
    b"goto",
    b"checkpoint",
    b"kill",
    b"reconfigure",
    // Compared by other checks (the next word, a name's parts), not by
    // `word`: listed so that the test's rule has no exception.
    b"as",
    b"at",
    b"exist",
    b"master",
    b"model",
    b"modify",
    b"nodes",
    b"query",
    b"value",
];

/// For each lower-case first byte, the lengths of the keywords that start
/// with it (bit n: length n). `sp_add_log_shipping_*` and
/// `sp_activedirectory_*` are families: every `s` word of 19 bytes or more
/// is a candidate; every `@variable` is.
const KEYWORD_LENGTHS: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut k = 0;
    while k < KEYWORDS.len() {
        let word = KEYWORDS[k];
        table[word[0] as usize] |= 1u64 << word.len();
        k += 1;
    }
    table[b's' as usize] |= !0u64 << 19;
    table[b'@' as usize] = !0u64;
    table
};

/// Whether a word (of at most `WORD_LIMIT` bytes) may be one of `KEYWORDS`.
fn may_be_keyword(word: &[u8]) -> bool {
    let first = word.first().map_or(0, u8::to_ascii_lowercase);
    KEYWORD_LENGTHS[usize::from(first)] >> word.len().min(63) & 1 != 0
}

/// Longer words are never keywords or procedure names we look for.
const WORD_LIMIT: usize = 48;

/// Words that make the after-failover rules (LR3xx) look at a statement:
/// procedures they judge, rowset functions, statements, legacy syntax.
fn is_usage_trigger(word: &[u8]) -> bool {
    // Most words are neither: look at procedure names only when they are one.
    match word {
        [b's' | b'x', b'p', b'_', ..] => {
            matches!(
                word,
                b"xp_cmdshell"
                    | b"sp_configure"
                    | b"sp_addlinkedserver"
                    | b"sp_add_jobstep"
                    | b"sp_update_jobstep"
                    | b"sp_replicationdboption"
                    | b"sp_addpublication"
                    | b"sp_addmergepublication"
                    | b"sp_addarticle"
                    | b"sp_addmergearticle"
                    | b"sp_addsubscription"
                    | b"sp_addpullsubscription"
                    | b"sp_addmergesubscription"
                    | b"sp_addmergepullsubscription"
                    | b"sp_cdc_enable_db"
                    | b"sp_cdc_enable_table"
                    | b"xp_sendmail"
                    | b"xp_startmail"
                    | b"xp_stopmail"
                    | b"xp_readmail"
                    | b"xp_deletemail"
                    | b"xp_findnextmsg"
                    | b"sp_processmail"
                    | b"sp_dboption"
                    | b"sp_addalias"
                    | b"sp_dropalias"
                    | b"sp_addgroup"
                    | b"sp_changegroup"
                    | b"sp_dropgroup"
                    | b"sp_helpgroup"
                    | b"sp_addserver"
            ) || word.starts_with(b"sp_add_log_shipping_")
                || word.starts_with(b"sp_activedirectory_")
        }
        b"openquery"
        | b"opendatasource"
        | b"openrowset"
        | b"distributed"
        | b"fastfirstrow"
        | b"compute"
        | b"disable_def_cnst_chk" => true,
        _ => false,
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', bytes)
}

/// Byte classes, looked up once per byte: the splitter's inner loop spends
/// most of its time deciding where words end (perf, issue 14).
const WORD_START: u8 = 1;
const WORD_BYTE: u8 = 2;
const BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0usize;
    while byte < 256 {
        let b = byte as u8;
        let alpha = b.is_ascii_alphabetic() || b == b'_' || b == b'@' || b == b'#' || b >= 0x80;
        if alpha {
            table[byte] = WORD_START | WORD_BYTE;
        } else if b.is_ascii_digit() || b == b'$' {
            table[byte] = WORD_BYTE;
        }
        byte += 1;
    }
    table
};

fn is_word_start(byte: u8) -> bool {
    BYTE_CLASS[usize::from(byte)] & WORD_START != 0
}

fn is_word_byte(byte: u8) -> bool {
    BYTE_CLASS[usize::from(byte)] & WORD_BYTE != 0
}

/// `GO`, `GO 5`, `go -- comment`: the batch separator and its repeat count.
fn parse_go(line: &str) -> Option<u32> {
    let rest = line.get(..2).filter(|go| go.eq_ignore_ascii_case("go"))?;
    let rest = &line[rest.len()..];
    let rest = match rest.find("--") {
        Some(comment) => &rest[..comment],
        None => rest,
    };
    let rest = rest.trim();
    if rest.is_empty() {
        return Some(1);
    }
    // GO must be followed by a space before its count.
    if !line[2..].starts_with(char::is_whitespace) {
        return None;
    }
    rest.parse::<u32>().ok().filter(|&count| count > 0)
}

/// Parses the text after `:` of an SQLCMD command line; None when it is not one.
fn parse_sqlcmd(rest: &str) -> Option<SqlcmdCommand> {
    let name_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let (name, argument) = rest.split_at(name_end);
    let argument = argument.trim();
    let name = name.to_ascii_lowercase();
    match name.as_str() {
        "setvar" => {
            let var_end = argument.find(char::is_whitespace).unwrap_or(argument.len());
            let (var, value) = argument.split_at(var_end);
            if var.is_empty() {
                return None;
            }
            let value = value.trim();
            let value = if value.is_empty() {
                None
            } else {
                Some(unquote_sqlcmd(value))
            };
            Some(SqlcmdCommand::SetVar {
                name: var.to_string(),
                value,
            })
        }
        "r" => Some(SqlcmdCommand::Include {
            path: unquote_sqlcmd(argument),
        }),
        "on" => Some(SqlcmdCommand::OnError {
            action: argument
                .split_whitespace()
                .last()
                .unwrap_or_default()
                .to_ascii_lowercase(),
        }),
        "connect" | "out" | "error" | "exit" | "quit" | "reset" | "ed" | "list" | "listvar"
        | "serverlist" | "help" | "perftrace" | "xml" => Some(SqlcmdCommand::Other {
            text: format!(":{rest}"),
        }),
        _ => None,
    }
}

/// `"C:\Data\"` → `C:\Data\`; sqlcmd doubles a quote inside quotes.
fn unquote_sqlcmd(value: &str) -> String {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => value.to_string(),
    }
}

/// Replaces `$(Name)` with its `:setvar` value; unknown names stay as written.
pub fn substitute(text: &str, variables: &Variables) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("$(") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find(')') {
            Some(close) => {
                let name = &after[..close];
                match variables.get(&name.to_ascii_uppercase()) {
                    Some(value) => out.push_str(value),
                    None => out.push_str(&rest[start..start + 3 + close]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> SplitScript<'_> {
        split_batches(text, &Variables::new())
    }

    #[test]
    fn every_word_the_splitter_acts_on_passes_the_keyword_filter() {
        // Each lower-case word literal in this file (keywords, procedure
        // names, and a few harmless others) must get past `may_be_keyword`,
        // or a keyword added to `word` would be skipped unseen.
        let source = include_str!("batches.rs");
        let mut checked = 0;
        for piece in source.split("b\"").skip(1) {
            let Some(end) = piece.find('"') else { continue };
            let literal = &piece[..end];
            if literal.is_empty()
                || literal.len() > WORD_LIMIT
                || !literal
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
            {
                continue;
            }
            assert!(may_be_keyword(literal.as_bytes()), "{literal}");
            assert!(
                may_be_keyword(literal.to_ascii_uppercase().as_bytes()),
                "{literal}"
            );
            checked += 1;
        }
        assert!(checked > 100, "only {checked} literals found");
        assert!(may_be_keyword(b"sp_add_log_shipping_primary_database"));
        assert!(may_be_keyword(b"@Sql"));
        assert!(!may_be_keyword(b"ProductName"));
    }

    #[test]
    fn go_lines_as_sqlcmd_reads_them() {
        let script =
            "SELECT 1\r\ngo\r\nSELECT 2\n  GO 5  \nSELECT 3\nGO -- done\nSELECT 4\nGOTO x\n";
        let batches = split(script).batches;
        let texts: Vec<&str> = batches.iter().map(|b| b.text.trim()).collect();
        assert_eq!(
            texts,
            ["SELECT 1", "SELECT 2", "SELECT 3", "SELECT 4\nGOTO x"]
        );
        assert_eq!(batches[1].repeat, 5);
        assert_eq!(
            batches.iter().map(|b| b.start_line).collect::<Vec<_>>(),
            [1, 3, 5, 7]
        );
    }

    #[test]
    fn go_inside_comments_and_strings_is_not_a_separator() {
        let script = "/* a /* nested\nGO\n*/ still\nGO\n*/\nSELECT 'x\nGO\n'\nGO\n";
        let batches = split(script).batches;
        assert_eq!(batches.len(), 1, "{batches:?}");
    }

    #[test]
    fn sqlcmd_lines_are_commands_not_sql() {
        let script = ":setvar DatabaseName \"Sales\"\n:on error exit\nUSE [$(DatabaseName)]\n:r .\\Tables\\Orders.sql\nGO\n";
        let split = split(script);
        assert_eq!(split.batches.len(), 1);
        let batch = &split.batches[0];
        assert_eq!(
            batch.variables.get("DATABASENAME").map(String::as_str),
            Some("Sales")
        );
        assert!(!batch.text.contains(":r"), "{:?}", batch.text);
        assert_eq!(batch.text.lines().nth(2), Some("USE [$(DatabaseName)]"));
        assert_eq!(
            split.commands[2],
            (
                4,
                SqlcmdCommand::Include {
                    path: ".\\Tables\\Orders.sql".into()
                }
            )
        );
        assert_eq!(
            split.commands[1].1,
            SqlcmdCommand::OnError {
                action: "exit".into()
            }
        );
    }

    #[test]
    fn prefilter_ignores_comments_strings_and_names() {
        let quiet = "SELECT filestream_migrated, [FILESTREAM] FROM t -- filestream\nWHERE x = 'FILESTREAM' /* FILETABLE */";
        assert!(split(quiet).batches[0].windows.is_empty());
        let loud = "CREATE TABLE t (c varbinary(max) FILESTREAM)";
        assert!(!split(loud).batches[0].windows.is_empty());
        assert!(
            !split("ALTER  DATABASE x SET PAGE_VERIFY CHECKSUM").batches[0]
                .windows
                .is_empty()
        );
        assert!(
            split("SELECT name FROM sys.databases").batches[0]
                .windows
                .is_empty()
        );
        assert!(!split("use [Sales]").batches[0].windows.is_empty());
    }

    #[test]
    fn windows_cover_the_statements_around_triggers() {
        let text = "SELECT 1\nUSE [Sales]\nSELECT 2\nCREATE TABLE t (c int) WITH (MEMORY_OPTIMIZED = ON)\nSET NOCOUNT ON\nSELECT 3\nALTER DATABASE x SET RECOVERY SIMPLE\nPRINT 1";
        let batch = &split(text).batches[0];
        let windows: Vec<&str> = batch
            .windows
            .iter()
            .map(|w| &batch.text[w.clone()])
            .collect();
        assert_eq!(
            windows,
            [
                "USE [Sales]\n",
                "CREATE TABLE t (c int) WITH (MEMORY_OPTIMIZED = ON)\nSET NOCOUNT ON\n",
                "ALTER DATABASE x SET RECOVERY SIMPLE\n",
            ]
        );
    }

    #[test]
    fn suppression_comments() {
        let script = "SELECT 1 -- linkready: ignore LR301, LR302 because the link server stays\n/* -- linkready: ignore LR303 */\n  -- linkready: ignore-file xp-cmdshell\nSELECT '-- linkready: ignore LR304'\n";
        let found = split(script).suppressions;
        assert_eq!(
            found,
            [
                SuppressionComment {
                    line: 1,
                    column: 10,
                    whole_file: false,
                    own_line: false,
                    rules: vec!["LR301".into(), "LR302".into()]
                },
                SuppressionComment {
                    line: 3,
                    column: 3,
                    whole_file: true,
                    own_line: true,
                    rules: vec!["xp-cmdshell".into()]
                },
            ]
        );
    }

    #[test]
    fn statements_are_counted_at_top_level() {
        let batch = &split("INSERT INTO t SELECT * FROM (SELECT 1) x; UPDATE t SET a = 1\nEXEC p")
            .batches[0];
        assert_eq!(batch.statements, 3);
    }

    #[test]
    fn substitution_keeps_unknown_names() {
        let mut variables = Variables::new();
        variables.insert("DB".into(), "Sales".into());
        assert_eq!(
            substitute("[$(db)].[$(Other)] $(", &variables),
            "[Sales].[$(Other)] $("
        );
    }
}

/// Fills SSMS template parameters (`<name, type, default>`) with their
/// default value, as SSMS's "Specify Values for Template Parameters" does.
/// The value is padded with spaces to the parameter's length, so lines and
/// columns still match the file.
pub fn fill_template_parameters(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    if memchr::memchr(b'<', bytes).is_none() || memchr::memchr(b',', bytes).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut copied = 0;
    let mut search = 0;
    // The first `>` or line end after the last `<` looked at: it is also
    // the first after any later `<` before it, so it is searched for once
    // (100,000 `<a,` before one `>` stay linear).
    let mut next_close: Option<usize> = None;
    while let Some(open) = text[search..].find('<').map(|i| search + i) {
        search = open + 1;
        let close = match next_close {
            Some(close) if close > open => close,
            _ => {
                let Some(close) = text[open..].find(['>', '\n']).map(|i| open + i) else {
                    break;
                };
                next_close = Some(close);
                close
            }
        };
        if text.as_bytes()[close] != b'>' {
            // No `<` before this line end closes either.
            search = close + 1;
            continue;
        }
        let inner = &text[open + 1..close];
        let mut parts = inner.splitn(3, ',');
        let (Some(name), Some(_type), Some(value)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let name = name.trim();
        if name.is_empty()
            || name.contains('<')
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | ' ' | '-'))
        {
            continue;
        }
        out.push_str(&text[copied..open]);
        let value = value.trim();
        out.push_str(value);
        let width = text[open..=close].chars().count();
        out.extend(std::iter::repeat_n(
            ' ',
            width.saturating_sub(value.chars().count()),
        ));
        copied = close + 1;
        search = copied;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod template_tests {
    use super::fill_template_parameters;

    #[test]
    fn parameters_take_their_default_and_keep_columns() {
        let text = "CREATE TABLE <schema_name, sysname, dbo>.<table_name, sysname, t> AS FILETABLE\nWHERE a < b, c > d";
        let filled = fill_template_parameters(text);
        let first = filled.lines().next().unwrap();
        assert!(first.starts_with("CREATE TABLE dbo"), "{first}");
        assert_eq!(first.find("AS FILETABLE"), text.find("AS FILETABLE"));
        assert!(!filled.contains("<table_name"));
        assert_eq!(
            fill_template_parameters("SELECT 1 WHERE a < b").as_ref(),
            "SELECT 1 WHERE a < b"
        );
    }
}
