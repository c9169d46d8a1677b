//! Splits a script into batches as sqlcmd does, and reads its SQLCMD lines.
//!
//! One pass over the text tracks comments (nested), strings and delimited
//! identifiers, so that a `GO` or a keyword inside them counts for nothing.
//! The same pass notes, per batch, whether it holds a word that the token
//! scanner must look at; batches without one are not tokenized at all. That
//! prefilter is what keeps a scan of a large tree close to disk speed.
//!
//! Code is read 64 bytes at a time (`byte_masks`): blanks, numbers, inert
//! punctuation and names that cannot be keywords are passed over from bit
//! masks, and only the bytes that decide something (a possible keyword, a
//! quote, a bracket, a dot, a comment, `;`, a `GO` line) are looked at one
//! by one; comments, strings and delimited names are crossed with a byte
//! search for what ends them. `block_boundaries_change_nothing` holds the
//! result to the same whatever the alignment.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use super::byte_masks::{BLOCK, BlockMasks, block_masks, is_word_byte};

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
    /// The contents (between the quotes, offsets into the batch text) of
    /// the string literals inside `EXEC ( … )`, in order. Their text runs as
    /// dynamic SQL (or on a linked server, `AT`) and means nothing to the
    /// statement around it: the token scanner need not read it there.
    pub exec_literals: Vec<Range<usize>>,
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
    /// A string, comment or delimited name that opens in code and never
    /// closes: nothing after its start is code.
    pub unclosed: Option<Unclosed>,
}

/// Where a construct that never closes opens (1-based line, column in
/// characters), and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unclosed {
    pub line: u32,
    pub column: u32,
    pub what: &'static str,
}

/// Splits `text` into batches, starting with the given variables.
pub fn split_batches<'a>(text: &'a str, initial: &Variables) -> SplitScript<'a> {
    let mut splitter = Splitter {
        text,
        variables: Rc::new(initial.clone()),
        batches: Vec::new(),
        commands: Vec::new(),
        suppressions: Vec::new(),
        current: BatchState::new(0, 1),
        counted_to: 0,
        counted_lines: 1,
        chain_end: usize::MAX,
        chain_dots: 0,
        chain_start: 0,
        chain_first_end: 0,
        pending_chain: None,
        no_close_paren: None,
        block: BlockCursor::default(),
        unclosed: None,
    };
    splitter.run();
    SplitScript {
        batches: splitter.batches,
        commands: splitter.commands,
        suppressions: splitter.suppressions,
        unclosed: splitter.unclosed,
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
    /// The contents of the literals inside `EXEC ( … )` (file offsets).
    exec_literals: Vec<Range<usize>>,
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
            exec_literals: Vec::new(),
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
    variables: Rc<Variables>,
    batches: Vec<Batch<'a>>,
    commands: Vec<(u32, SqlcmdCommand)>,
    suppressions: Vec<SuppressionComment>,
    current: BatchState,
    /// Line numbers are counted when asked for (a GO, an SQLCMD line, a
    /// suppression comment), from the last position asked: the line of
    /// `counted_to` is `counted_lines`.
    counted_to: usize,
    counted_lines: u32,
    /// Where the last name (or dot after one) ended, and how many dots the
    /// current dotted name has.
    chain_end: usize,
    chain_dots: u8,
    /// Where the dotted name's first part starts and ends.
    chain_start: usize,
    chain_first_end: usize,
    /// The second dot of a chain, until its third part shows what it is.
    pending_chain: Option<usize>,
    /// A `$(` at the first position with no `)` after it up to the second.
    no_close_paren: Option<(usize, usize)>,
    /// The 64-byte block code is read in, with its masks.
    block: BlockCursor,
    /// What opened and never closed, if anything did.
    unclosed: Option<Unclosed>,
}

impl<'a> Splitter<'a> {
    /// One pass over the text: code is read decision by decision
    /// (`next_decision`); comments, strings and delimited names are crossed
    /// with a byte search for what ends them, without a pass per line
    /// (perf, issue 14). One left open runs to the end of the text.
    fn run(&mut self) {
        self.code();
        self.finish_batch(self.text.len(), 1);
    }

    /// The 1-based line of `position` (positions asked for only grow; one
    /// that does not is counted from the start).
    fn line_of(&mut self, position: usize) -> u32 {
        if position < self.counted_to {
            self.counted_to = 0;
            self.counted_lines = 1;
        }
        let bytes = self.text.as_bytes();
        let newlines = memchr::memchr_iter(b'\n', &bytes[self.counted_to..position]).count();
        self.counted_lines = self
            .counted_lines
            .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        self.counted_to = position;
        self.counted_lines
    }

    /// The 1-based line of `position` and the text before it on that line
    /// (a warning's or a suppression's column is counted in it).
    fn place(&mut self, position: usize) -> (u32, &'a str) {
        let line_start = memchr::memrchr(b'\n', &self.text.as_bytes()[..position])
            .map_or(0, |newline| newline + 1);
        (self.line_of(position), &self.text[line_start..position])
    }

    /// Where the line holding `position` ends (past its line feed).
    fn line_end_of(&self, position: usize) -> usize {
        let bytes = self.text.as_bytes();
        memchr::memchr(b'\n', &bytes[position..]).map_or(bytes.len(), |i| position + i + 1)
    }

    /// At `position`, in code, a `g`, `G`, `:` or `!` with only blanks
    /// before it on its line: its line may be `GO` or an SQLCMD command
    /// (a line that starts inside a comment or string has a byte before
    /// that is not blank). Returns where scanning goes on after such a line.
    fn line_command_at(&mut self, position: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        // Back over blanks only: a long line costs no search per `g`.
        let mut start = position;
        while start > 0 && matches!(bytes[start - 1], b' ' | b'\t') {
            start -= 1;
        }
        if start > 0 && bytes[start - 1] != b'\n' {
            return None;
        }
        let end = self.line_end_of(position);
        let number = self.line_of(start);
        let line = &self.text[start..end];
        self.line_command(line, start, end, number).then_some(end)
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
            exec_literals: state
                .exec_literals
                .iter()
                .map(|literal| literal.start - state.start..literal.end - state.start)
                .collect(),
            variables: Rc::clone(&self.variables),
        });
    }

    /// Where a block comment whose `/*` ends at `from` ends (past its
    /// `*/`; comments nest), if it does.
    fn block_comment_end(&self, from: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut depth = 1u32;
        let mut i = from;
        loop {
            // Only `*/` and `/*` matter: jumps to the next `*` or `/`.
            i += memchr::memchr2(b'*', b'/', &bytes[i..])?;
            let next = bytes.get(i + 1).copied();
            if bytes[i] == b'*' && next == Some(b'/') {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            } else if bytes[i] == b'/' && next == Some(b'*') {
                depth = depth.saturating_add(1);
                i += 2;
            } else {
                i += 1;
            }
        }
    }

    /// A construct opening at `at` never closes: where, for the file's
    /// warnings (nothing after it is read as code, and a file should say so
    /// whether or not a window of tokens holds it).
    fn never_closed(&mut self, at: usize, what: &'static str) {
        let (line, before) = self.place(at);
        self.unclosed = Some(Unclosed {
            line,
            column: u32::try_from(before.chars().count() + 1).unwrap_or(u32::MAX),
            what,
        });
    }

    /// The word after `from`, past white space and comments (empty when
    /// none, or when a comment runs to the end).
    fn word_after(&self, from: usize) -> &'a [u8] {
        let bytes = self.text.as_bytes();
        let mut at = from;
        loop {
            while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
                at += 1;
            }
            match (bytes.get(at), bytes.get(at + 1)) {
                (Some(b'-'), Some(b'-')) => at = self.line_end_of(at),
                (Some(b'/'), Some(b'*')) => match self.block_comment_end(at + 2) {
                    Some(end) => at = end,
                    None => return &[],
                },
                _ => return next_word(bytes, at),
            }
        }
    }

    /// Where the closing `close` of a string literal or delimited name
    /// whose content starts at `from` stands, if it does (doubled, the
    /// delimiter is part of the content).
    fn closing_delimiter(&self, from: usize, close: u8) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut i = from;
        loop {
            i += memchr::memchr(close, &bytes[i..])?;
            if bytes.get(i + 1) != Some(&close) {
                return Some(i);
            }
            i += 2;
        }
    }

    /// Reads the text from its start, decision by decision, crossing
    /// comments, strings and delimited names where they stand (not through
    /// a mode kept between calls: most of them are a few bytes long).
    fn code(&mut self) {
        let bytes = self.text.as_bytes();
        let mut i = 0;
        loop {
            let Some(at) = self.next_decision(i) else {
                return;
            };
            i = at;
            let byte = bytes[i];
            if matches!(byte, b'g' | b'G' | b':' | b'!')
                && let Some(next_line) = self.line_command_at(i)
            {
                i = next_line;
                continue;
            }
            if is_word_byte(byte) && byte != b'$' {
                // A word (numbers are passed over by `next_decision`).
                let word_end = self.word_end(i + 1);
                let word = &bytes[i..word_end];
                if word.len() <= WORD_LIMIT && may_be_keyword(word) {
                    self.word(word, i);
                } else {
                    self.current.previous = PreviousWord::Other;
                }
                self.name_end(i, word_end);
                i = word_end;
                continue;
            }
            let next = bytes.get(i + 1).copied();
            match byte {
                b'-' if next == Some(b'-') => {
                    i = self.line_comment(i);
                    continue;
                }
                b'/' if next == Some(b'*') => match self.block_comment_end(i + 2) {
                    Some(end) => {
                        i = end;
                        continue;
                    }
                    None => return self.never_closed(i, "a comment"),
                },
                b'\'' => match self.closing_delimiter(i + 1, b'\'') {
                    Some(close) => {
                        self.string_end(i, close);
                        i = close + 1;
                        continue;
                    }
                    None => return self.never_closed(i, "a string literal"),
                },
                b'"' | b'[' => {
                    let close = if byte == b'"' { b'"' } else { b']' };
                    match self.closing_delimiter(i + 1, close) {
                        Some(close) => {
                            self.delimited_name_end(i, close + 1);
                            i = close + 1;
                            continue;
                        }
                        None => return self.never_closed(i, "a delimited name"),
                    }
                }
                b'.' => self.name_dot(i),
                // `$(Var)`: an SQLCMD variable standing for a name.
                b'$' if next == Some(b'(') => {
                    // Once no `)` follows on the line, none follows any
                    // later `$(` of the line either: remembered, so 100,000
                    // unclosed `$(` cost one search, not 100,000.
                    let known_open = self
                        .no_close_paren
                        .is_some_and(|(from, until)| i >= from && i < until);
                    if !known_open {
                        match memchr::memchr2(b')', b'\n', &bytes[i..]) {
                            Some(close) if bytes[i + close] == b')' => {
                                self.name_end(i, i + close + 1);
                                i += close + 1;
                                continue;
                            }
                            // The line feed found ends the line.
                            Some(newline) => self.no_close_paren = Some((i, i + newline + 1)),
                            None => self.no_close_paren = Some((i, bytes.len())),
                        }
                    }
                }
                b'*' if next == Some(b'=') => self.current.triggers.push(i),
                b'=' if next == Some(b'*') => self.current.triggers.push(i),
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
                    let closes_exec = self.current.dynamic.exec_depth == Some(self.current.depth);
                    // EXEC (…) AT server runs on the linked server (comments
                    // may stand before AT): the statement's tokens name the
                    // server, the only fact an `EXEC (…)` holds besides the
                    // strings it runs, which are followed here.
                    let remote = closes_exec && self.word_after(i + 1).eq_ignore_ascii_case(b"at");
                    let state = &mut self.current;
                    if closes_exec {
                        state.dynamic.exec_depth = None;
                        if remote {
                            let keep = state.dynamic.exec_direct_start;
                            state.dynamic.direct.truncate(keep);
                            state.triggers.push(i);
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
                _ => {}
            }
            i += 1;
        }
    }

    /// The block that starts at `base` (a multiple of 64), its masks
    /// computed once for every decision made in it. Its word starts read on
    /// from the block before when that is where the reading was; after a
    /// jump, its first bit may be taken for a start wrongly, but a jump
    /// lands on a token boundary, where `next_decision` sets the start
    /// itself.
    #[inline]
    fn block_at(&mut self, base: usize) -> &BlockCursor {
        if self.block.base != Some(base) {
            self.enter_block(base);
        }
        &self.block
    }

    fn enter_block(&mut self, base: usize) {
        let carry = match self.block.base {
            Some(before) if before + BLOCK == base => self.block.masks.word >> (BLOCK - 1),
            _ => 0,
        };
        let bytes = self.text.as_bytes();
        let masks = match bytes
            .get(base..base + BLOCK)
            .and_then(|b| b.try_into().ok())
        {
            Some(block) => block_masks(block),
            None => {
                // The text's last, partial block: padded with bytes of no class.
                let mut block = [0u8; BLOCK];
                let rest = bytes.get(base..).unwrap_or_default();
                block[..rest.len()].copy_from_slice(rest);
                block_masks(&block)
            }
        };
        self.block = BlockCursor {
            base: Some(base),
            masks,
            starts: masks.word & !((masks.word << 1) | carry) & !masks.digit,
        };
    }

    /// Whether `,` `(` `)` act now: while an `EXEC (` opens or is open,
    /// while an `sp_executesql` argument or an assignment is read.
    /// Otherwise a comma does nothing and parentheses are only counted,
    /// from the masks.
    fn punctuation_acts(&self) -> bool {
        let dynamic = &self.current.dynamic;
        dynamic.exec_paren_pending
            || dynamic.exec_depth.is_some()
            || dynamic.executesql_depth.is_some()
            || dynamic.assigning.is_some()
    }

    /// The next position from `from` (a token boundary) where code needs a
    /// decision: a word's first byte, or a byte that acts (`ALWAYS_ACTS`,
    /// and `,` `(` `)` while `punctuation_acts`). Blanks, numbers, inert
    /// punctuation, and parentheses and commas that do not act are passed
    /// over a block at a time (perf, issue 14), the parentheses counted.
    /// So are most names: a word that `may_be_keyword` sets aside and that
    /// ends in the block only ends the previous word and takes its place in
    /// a dotted chain (`plain_name`). Dots, semicolons, operators that do
    /// not act, and, while no dynamic SQL is followed, string literals and
    /// delimited names are noted or crossed here too, as `code` would.
    fn next_decision(&mut self, from: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let mut punctuation = if self.punctuation_acts() { u64::MAX } else { 0 };
        let mut from = from;
        let mut i = from;
        'blocks: while i < len {
            let base = i - i % BLOCK;
            let block = *self.block_at(base);
            let masks = block.masks;
            let shift = i - base;
            let here = 1u64 << shift;
            // `from` is a token boundary: a word byte there starts a word
            // (a block reached by reading on has its carry instead).
            let boundary = if i == from { here } else { 0 };
            let starts = (block.starts | (masks.word & !masks.digit & boundary)) & !(here - 1);
            let acts = ((masks.acts & !masks.word)
                | ((masks.comma | masks.open | masks.close) & punctuation))
                & !(here - 1);
            let mut decisions = starts | acts;
            // Parentheses before this bit are counted (none in a string
            // or name crossed).
            let mut counted = shift as u32;
            while decisions != 0 {
                let at = decisions.trailing_zeros();
                let position = base + at as usize;
                if starts >> at & 1 == 1 {
                    // Where the word ends, if it does in this block.
                    let length = (!(masks.word >> at)).trailing_zeros();
                    let word_end = position + length as usize;
                    if word_end < base + BLOCK && self.plain_name(bytes, position, word_end) {
                        // Clears the word's bit (it continues past `at`
                        // only through bits that are not decisions).
                        decisions &= decisions - 1;
                        continue;
                    }
                    self.count_parentheses(&masks, counted, at);
                    return Some(position);
                }
                // Punctuation that decides nothing here, or that is noted
                // without going back to `code` (perf, issue 14: a return
                // per dot, bracket and operator cost 3 % of the splitter).
                let next = bytes.get(position + 1).copied();
                let passed = match bytes[position] {
                    b'.' => {
                        self.name_dot(position);
                        true
                    }
                    b'-' => next != Some(b'-'),
                    b'/' => next != Some(b'*'),
                    b'*' => next != Some(b'='),
                    b'=' => next != Some(b'*') && self.current.statement != PreviousWord::Declare,
                    b';' if punctuation == 0 => {
                        // `executesql_depth` and `assigning` are already None.
                        self.current.statement = PreviousWord::Other;
                        true
                    }
                    quote @ (b'\'' | b'"' | b'[') if punctuation == 0 => {
                        // A string literal (`string_end` would note nothing
                        // while no dynamic SQL is followed) or a delimited
                        // name, crossed here; one left open is `code`'s.
                        let close = if quote == b'[' { b']' } else { quote };
                        let in_block = if quote == b'\'' {
                            closing_quote_in_block(masks.quote, at).map(|c| base + c as usize)
                        } else {
                            None
                        };
                        let Some(close) =
                            in_block.or_else(|| self.closing_delimiter(position + 1, close))
                        else {
                            self.count_parentheses(&masks, counted, at);
                            return Some(position);
                        };
                        self.count_parentheses(&masks, counted, at);
                        if quote != b'\'' {
                            self.delimited_name_end(position, close + 1);
                        }
                        let after = close + 1;
                        if quote != b'\'' && self.punctuation_acts() {
                            // `[sp_executesql]`: commas now act.
                            punctuation = u64::MAX;
                        }
                        if after >= base + BLOCK || punctuation != 0 {
                            from = after;
                            i = after;
                            continue 'blocks;
                        }
                        let after_bit = (after - base) as u32;
                        counted = after_bit;
                        decisions &= !((1u64 << after_bit) - 1);
                        continue;
                    }
                    _ => false,
                };
                if passed {
                    decisions &= decisions - 1;
                    continue;
                }
                self.count_parentheses(&masks, counted, at);
                return Some(position);
            }
            self.count_parentheses(&masks, counted, BLOCK as u32);
            i = base + BLOCK;
        }
        None
    }

    /// A word at `start..end` that is only a name: not possibly a keyword
    /// (nor `GO`), not `$` (`$(`). Notes it as `code` would (it ends the
    /// previous word and goes on with or starts a dotted chain) and says
    /// so; otherwise leaves it to `code`.
    #[inline]
    fn plain_name(&mut self, bytes: &[u8], start: usize, end: usize) -> bool {
        let word = &bytes[start..end];
        let plain = !matches!(bytes[start], b'g' | b'G' | b'$')
            && (word.len() > WORD_LIMIT || !may_be_keyword(word));
        if plain {
            self.current.previous = PreviousWord::Other;
            self.name_end(start, end);
        }
        plain
    }

    /// The parentheses passed over in bits `from..to` of a block (never
    /// while `EXEC (` is followed: then they are decisions).
    fn count_parentheses(&mut self, masks: &BlockMasks, from: u32, to: u32) {
        let below = |bit: u32| 1u64.checked_shl(bit).map_or(u64::MAX, |b| b - 1);
        let passed = below(to) & !below(from);
        let (open, close) = (masks.open & passed, masks.close & passed);
        // Most stretches hold none; x86-64's baseline has no POPCNT
        // instruction, and the portable count costs a dozen.
        if open | close != 0 {
            self.current.depth += i64::from(open.count_ones()) - i64::from(close.count_ones());
        }
    }

    /// Where the word going on at `from` ends.
    fn word_end(&mut self, from: usize) -> usize {
        let len = self.text.len();
        let mut i = from;
        while i < len {
            let base = i - i % BLOCK;
            let shift = i - base;
            let stops = !(self.block_at(base).masks.word >> shift) & (u64::MAX >> shift);
            if stops != 0 {
                return (i + stops.trailing_zeros() as usize).min(len);
            }
            i = base + BLOCK;
        }
        len
    }

    /// A name (word or delimited identifier) spans `start..end`: it extends
    /// a dotted chain when it follows a dot directly.
    #[inline]
    fn name_end(&mut self, start: usize, end: usize) {
        if self.chain_end != start {
            self.chain_dots = 0;
            self.chain_start = start;
            self.pending_chain = None;
        } else if let Some(dot) = self.pending_chain.take() {
            self.third_part(start, end, dot);
        }
        self.chain_end = end;
    }

    /// The third part of a chain whose second dot is `dot`: the statement
    /// is worth tokens, unless `alias.column.value(…)` calls an xml method
    /// (not a name in another database).
    fn third_part(&mut self, start: usize, end: usize, dot: usize) {
        let part = &self.text.as_bytes()[start..end];
        let method = [&b"value"[..], b"query", b"exist", b"nodes", b"modify"]
            .iter()
            .any(|m| part.eq_ignore_ascii_case(m));
        if !method {
            self.current.triggers.push(dot);
        }
    }

    /// A `[name]` or `"name"` spans `start..end`: a dotted-name part, and
    /// in CREATE/ALTER a table or column that may be named NEXT.
    fn delimited_name_end(&mut self, start: usize, end: usize) {
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
        // `@t.c.value(…)`, `@@@OutputDatabaseName@@@.dbo.t` (sp_BlitzIndex's
        // template, replaced before it runs): a regular identifier that
        // starts with `@` is a local variable or parameter, never another
        // object's name (MicrosoftDocs/sql-docs
        // docs/relational-databases/databases/database-identifiers.md). In
        // brackets, `[@x]` may name a database.
        if first.first() == Some(&b'@') {
            return true;
        }
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

    /// A string literal's quotes are at `start` and `end`: note it when the
    /// batch may execute it.
    fn string_end(&mut self, start: usize, end: usize) {
        let bytes = self.text.as_bytes();
        let state = &mut self.current;
        let dynamic = &mut state.dynamic;
        let in_exec = dynamic.exec_depth.is_some_and(|depth| state.depth >= depth);
        if in_exec {
            state.exec_literals.push(start + 1..end);
        }
        let direct = in_exec || dynamic.executesql_depth.is_some();
        let variable = match (&dynamic.assigning, direct) {
            (_, true) => 0,
            (Some((variable, _)), false) => *variable,
            (None, false) => return,
        };
        let before = bytes
            .get(dynamic.anchor.min(start)..start)
            .unwrap_or_default();
        let after_expression = holds_expression(before);
        let piece = Piece {
            variable,
            from: start + 1,
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

    /// Reads a `--` comment for a suppression. Returns where it ends (the
    /// next line).
    fn line_comment(&mut self, start: usize) -> usize {
        let end = self.line_end_of(start);
        self.suppression(start, end);
        end
    }

    fn suppression(&mut self, start: usize, end: usize) {
        let comment = &self.text[start + 2..end];
        // One searcher for every comment of the run (building one per
        // comment showed in profiles: scripts hold many comments).
        static DIRECTIVE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"linkready:"));
        let Some(at) = DIRECTIVE.find(comment.as_bytes()) else {
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
        let (line, before) = self.place(start);
        let column = 1 + before.chars().count();
        self.suppressions.push(SuppressionComment {
            line,
            column: u32::try_from(column).unwrap_or(u32::MAX),
            whole_file,
            own_line: before.trim().is_empty(),
            rules,
        });
    }

    /// An `@variable` (lower-cased) at `offset`: what dynamic SQL it takes
    /// part in.
    fn variable(&mut self, lower: &[u8], offset: usize) {
        // Most variables only stand in an expression: their key (a hash)
        // is computed when a branch below needs it.
        let key = || variable_key(lower);
        let bytes = self.text.as_bytes();
        let state = &mut self.current;
        let dynamic = &mut state.dynamic;
        if dynamic.exec_depth.is_some_and(|depth| state.depth >= depth)
            || dynamic.executesql_depth.is_some()
        {
            dynamic.executed_variables.push(key());
        } else if let Some((operator_end, appending)) =
            assignment_follows(bytes, offset + lower.len())
        {
            dynamic.assigning = Some((key(), state.depth));
            dynamic.begin_group(operator_end, appending);
        } else if dynamic
            .assigning
            .is_some_and(|(variable, _)| variable == key())
            && !holds_expression(
                bytes
                    .get(dynamic.anchor.min(offset)..offset)
                    .unwrap_or_default(),
            )
        {
            // `SET @s = @s + …`: the value is extended.
            dynamic.appending = true;
            dynamic.anchor = offset + lower.len();
        } else if state.statement == PreviousWord::Declare {
            dynamic.declared = Some((key(), state.depth));
        } else if !dynamic.executesql_holders.is_empty()
            && dynamic.executesql_holders.contains(&key())
            && previous_word(bytes, offset).is_some_and(|previous| {
                previous.eq_ignore_ascii_case(b"exec") || previous.eq_ignore_ascii_case(b"execute")
            })
        {
            // `EXEC @proc @cmd` with @proc = N'db.sys.sp_executesql'.
            dynamic.executesql_depth = Some(state.depth);
            dynamic.begin_group(offset + lower.len(), false);
        }
    }

    /// Looks at one word outside comments and strings that may be a
    /// keyword (`may_be_keyword`, at most `WORD_LIMIT` bytes).
    fn word(&mut self, word: &[u8], offset: usize) {
        let mut lower = [0u8; WORD_LIMIT];
        for (to, from) in lower.iter_mut().zip(word) {
            *to = from.to_ascii_lowercase();
        }
        let lower = &lower[..word.len()];
        if lower.first() == Some(&b'@') {
            self.current.previous = PreviousWord::Other;
            self.variable(lower, offset);
            return;
        }
        // A name that got past `may_be_keyword`: one hash look-up, not the
        // comparisons below (perf, issue 14).
        if !is_keyword(lower) && !is_procedure_family(lower) {
            self.current.previous = PreviousWord::Other;
            return;
        }
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
            // A column or table named NEXT, in CREATE/ALTER TABLE (not FETCH
            // NEXT, nor a sequence's `DEFAULT (NEXT VALUE FOR s)`: a name is
            // never followed by VALUE, and tokenizing whole CREATE TABLE
            // statements for it was a third of the corpus's windows).
            b"next"
                if state.statement == PreviousWord::CreateOrAlter
                    && !next_word(self.text.as_bytes(), offset + word.len())
                        .eq_ignore_ascii_case(b"value") =>
            {
                state.triggers.push(offset)
            }
            // Only the forms the rules judge: RAISERROR without parentheses,
            // BACKUP DATABASE|LOG, BULK INSERT.
            b"raiserror" if next_byte(self.text.as_bytes(), offset + word.len()) != Some(b'(') => {
                state.triggers.push(offset);
            }
            // EXEC (…) runs a string (dynamic SQL) or runs it AT a linked
            // server (its closing parenthesis says which).
            b"exec" | b"execute"
                if next_byte(self.text.as_bytes(), offset + word.len()) == Some(b'(') =>
            {
                state.dynamic.exec_paren_pending = true;
            }
            b"sp_executesql" => {
                state.dynamic.executesql_depth = Some(state.depth);
                state.dynamic.begin_group(offset + word.len(), false);
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

/// For each pair of first and last byte (their low five bits, so that
/// case does not matter and a few pairs share a slot), the lengths of the
/// keywords that start and end with them (bit n: length n). Most words of a
/// script are names: this look-up sets them aside before they are
/// lower-cased and compared (perf, issue 14; the first byte alone let 44 %
/// of the corpus's words through, the pair 24 %). `sp_add_log_shipping_*`
/// and `sp_activedirectory_*` are families: every `s` word of 19 bytes or
/// more is a candidate, whatever its end; every `@variable` is.
const KEYWORD_LENGTHS: [u64; 1024] = {
    let mut table = [0u64; 1024];
    let mut k = 0;
    while k < KEYWORDS.len() {
        let word = KEYWORDS[k];
        table[pair_slot(word[0], word[word.len() - 1])] |= 1u64 << word.len();
        k += 1;
    }
    let mut last = 0;
    while last < 32 {
        table[pair_slot(b's', last)] |= !0u64 << 19;
        table[pair_slot(b'@', last)] = !0u64;
        last += 1;
    }
    table
};

const fn pair_slot(first: u8, last: u8) -> usize {
    (first as usize & 31) * 32 + (last as usize & 31)
}

/// Whether a word (of at most `WORD_LIMIT` bytes) may be one of `KEYWORDS`.
fn may_be_keyword(word: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (word.first(), word.last()) else {
        return false;
    };
    KEYWORD_LENGTHS[pair_slot(first, last)] >> word.len().min(63) & 1 != 0
}

/// The closing quote of a string literal whose opening quote is bit `open`
/// of a block's `quote` mask, if it is in the block (`''` inside is one
/// quote; a quote in the block's last byte may be doubled by the next
/// block's first: not known here).
fn closing_quote_in_block(quote: u64, open: u32) -> Option<u32> {
    if open >= 62 {
        return None;
    }
    let mut after = quote & !((2u64 << open) - 1);
    loop {
        let close = after.trailing_zeros();
        if close >= 63 {
            return None;
        }
        if quote >> (close + 1) & 1 == 0 {
            return Some(close);
        }
        // `''`: both quotes are content.
        after &= !(3u64 << close);
    }
}

/// The block `Splitter::next_decision` reads (`Splitter::block_at`): its
/// masks and the word starts in it.
#[derive(Default, Clone, Copy)]
struct BlockCursor {
    base: Option<usize>,
    masks: BlockMasks,
    starts: u64,
}

/// `sp_add_log_shipping_*` and `sp_activedirectory_*`: procedures judged
/// by family, not listed one by one in `KEYWORDS`.
fn is_procedure_family(lower: &[u8]) -> bool {
    lower.starts_with(b"sp_add_log_shipping_") || lower.starts_with(b"sp_activedirectory_")
}

/// `KEYWORDS` by hash: an open-addressing table of their indexes plus one
/// (0 is an empty slot), FNV-1a over the lower-case bytes.
const KEYWORD_SLOTS: usize = 512;
const KEYWORD_TABLE: [u8; KEYWORD_SLOTS] = {
    assert!(KEYWORDS.len() < KEYWORD_SLOTS / 2 && KEYWORDS.len() < 255);
    let mut table = [0u8; KEYWORD_SLOTS];
    let mut k = 0;
    while k < KEYWORDS.len() {
        let mut slot = keyword_slot(KEYWORDS[k]);
        while table[slot] != 0 {
            slot = (slot + 1) % KEYWORD_SLOTS;
        }
        table[slot] = (k + 1) as u8;
        k += 1;
    }
    table
};

/// A keyword's slot from its length and its first, second and last bytes:
/// no loop over the word, as a byte-by-byte hash had (perf, issue 14: the
/// splitter 1 % faster). Words that share them probe on.
const fn keyword_slot(lower: &[u8]) -> usize {
    let len = lower.len();
    if len == 0 {
        return 0;
    }
    let first = lower[0] as usize;
    let second = if len > 1 { lower[1] as usize } else { 0 };
    let last = lower[len - 1] as usize;
    (first * 97 + second * 31 + last * 7 + len * 151) % KEYWORD_SLOTS
}

/// Whether a lower-case word is one of `KEYWORDS`.
fn is_keyword(lower: &[u8]) -> bool {
    let mut slot = keyword_slot(lower);
    loop {
        match KEYWORD_TABLE[slot] {
            0 => return false,
            k => {
                if KEYWORDS.get(usize::from(k) - 1) == Some(&lower) {
                    return true;
                }
            }
        }
        slot = (slot + 1) % KEYWORD_SLOTS;
    }
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
            ) || is_procedure_family(word)
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
    fn closing_quotes_in_a_block() {
        let mask = |bits: &[u32]| bits.iter().fold(0u64, |mask, bit| mask | 1 << bit);
        assert_eq!(closing_quote_in_block(mask(&[3, 9]), 3), Some(9));
        // `'a''b'`: the doubled quote is content.
        assert_eq!(closing_quote_in_block(mask(&[0, 2, 3, 5]), 0), Some(5));
        assert_eq!(closing_quote_in_block(mask(&[0, 2, 3]), 0), None);
        // A quote in the last byte may be doubled by the next block.
        assert_eq!(closing_quote_in_block(mask(&[10, 63]), 10), None);
        assert_eq!(closing_quote_in_block(mask(&[10, 62]), 10), Some(62));
        assert_eq!(closing_quote_in_block(mask(&[62, 63]), 62), None);
        assert_eq!(closing_quote_in_block(mask(&[63]), 63), None);
    }

    /// What a split says of a text, with the first batch's offsets taken
    /// back by `shift` (the bytes put before the text).
    fn outline(text: &str, shift: usize) -> Vec<String> {
        let split = split(text);
        let mut lines = vec![format!("{:?}", split.commands)];
        for (index, batch) in split.batches.iter().enumerate() {
            let back = if index == 0 { shift } else { 0 };
            let ranges = |ranges: &[Range<usize>]| -> Vec<Range<usize>> {
                ranges
                    .iter()
                    .map(|r| r.start - back..r.end - back)
                    .collect()
            };
            let strings: Vec<String> = batch
                .executed_strings
                .iter()
                .map(|string| {
                    let parts: Vec<String> = string
                        .parts
                        .iter()
                        .map(|part| match part {
                            StringPart::Text(r) => format!("{:?}", r.start - back..r.end - back),
                            StringPart::Placeholder(p) => p.to_string(),
                        })
                        .collect();
                    parts.join("+")
                })
                .collect();
            lines.push(format!(
                "line {} repeat {} statements {} windows {:?} strings {:?} exec {:?}",
                batch.start_line,
                batch.repeat,
                batch.statements,
                ranges(&batch.windows),
                strings,
                ranges(&batch.exec_literals),
            ));
        }
        lines
    }

    /// The splitter reads code 64 bytes at a time (`next_decision`): where
    /// the block boundaries fall must change nothing. Each script of the
    /// repository, and words and numbers that cross a boundary, split the
    /// same with 0 to 63 blanks before them. (A number running into the
    /// next block was once read there as a name: `0x…a.b.c` became a
    /// three-part name.)
    #[test]
    fn block_boundaries_change_nothing() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut texts: Vec<String> = walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "sql"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        assert!(texts.len() > 50, "only {} fixtures", texts.len());
        texts.push(format!("SET @b += 0x{}a.b.c;\nSELECT 1", "9f".repeat(70)));
        texts.push(format!(
            "SELECT {}.dbo.t, x.{}.z\nGO\nUSE [d]",
            "n".repeat(80),
            "q".repeat(70)
        ));
        texts.push(format!(
            "EXEC ('{}') AT s; SELECT $(V).dbo.t",
            "x".repeat(100)
        ));
        for text in &texts {
            let expected = outline(text, 0);
            for shift in 1..BLOCK {
                let shifted = format!("{}{text}", " ".repeat(shift));
                assert_eq!(
                    outline(&shifted, shift),
                    expected,
                    "{shift} blanks before {text:?}"
                );
            }
        }
        assert!(split(&texts[texts.len() - 3]).batches[0].windows.is_empty());
    }

    /// Every keyword is found in the keyword table, and words that share
    /// a keyword's length, first, second and last bytes are not taken for
    /// it.
    #[test]
    fn the_keyword_table_finds_every_keyword_and_no_neighbour() {
        for keyword in KEYWORDS {
            assert!(is_keyword(keyword), "{}", String::from_utf8_lossy(keyword));
            if keyword.len() > 3 {
                let mut neighbour = keyword.to_vec();
                neighbour[2] = if neighbour[2] == b'q' { b'x' } else { b'q' };
                assert!(
                    !is_keyword(&neighbour) || KEYWORDS.contains(&neighbour.as_slice()),
                    "{}",
                    String::from_utf8_lossy(&neighbour)
                );
            }
        }
        assert!(!is_keyword(&[]));
        assert!(!is_keyword("x".as_bytes()));
    }

    /// `EXEC ( … )` holds a fact of its own only when it runs AT a linked
    /// server (the strings it runs are followed without tokens): only then
    /// is its statement a window, also with comments before AT, and only
    /// then are its strings not this server's code.
    #[test]
    fn exec_parentheses_are_a_window_only_at_a_linked_server() {
        let local = split("EXEC ('SELECT 1'); EXECUTE(@sql)\nEXEC (N'SELECT 2' + @tail)");
        assert!(local.batches[0].windows.is_empty());
        assert_eq!(local.batches[0].executed_strings.len(), 2);
        for remote in [
            "EXEC ('SELECT 1') AT [Srv]",
            "EXECUTE(N'SELECT 1')AT[Srv]",
            "EXEC ('SELECT 1') -- on the other server\n /* (nested /* comment */) */ AT Srv",
        ] {
            let batch = &split(remote).batches[0];
            assert_eq!(batch.windows.len(), 1, "{remote}");
            assert_eq!(batch.windows[0], 0..remote.len(), "{remote}");
            assert!(batch.executed_strings.is_empty(), "{remote}");
        }
    }

    /// A regular identifier that starts with `@` is a variable (a template
    /// placeholder such as sp_BlitzIndex's `@@@OutputDatabaseName@@@`
    /// too): a dotted name it starts names no other database. Bracketed,
    /// it may.
    #[test]
    fn a_dotted_name_that_starts_with_a_variable_is_not_a_database_reference() {
        for quiet in [
            "INSERT @@@OutputServerName@@@.@@@OutputDatabaseName@@@.@@@OutputSchemaName@@@.@@@OutputTableName@@@ (a) SELECT 1",
            "SELECT @v.a.b FROM t",
        ] {
            assert!(split(quiet).batches[0].windows.is_empty(), "{quiet}");
        }
        assert!(
            !split("SELECT * FROM [@db].dbo.t").batches[0]
                .windows
                .is_empty()
        );
    }

    /// A bracketed `sp_executesql` runs its first argument only: after the
    /// name (crossed where the splitter passes over code), commas act.
    #[test]
    fn a_bracketed_sp_executesql_runs_its_first_argument_only() {
        let text =
            "EXEC [master].[sys].[sp_executesql] N'SELECT 1 AS [a,b]', N'@p int, @q int', @p = 1;";
        let batch = &split(text).batches[0];
        let runs: Vec<&str> = batch
            .executed_strings
            .iter()
            .filter_map(ExecutedString::single)
            .map(|range| &batch.text[range])
            .collect();
        assert_eq!(runs, ["SELECT 1 AS [a,b]"]);
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
    while let Some(open) = memchr::memchr(b'<', &bytes[search..]).map(|i| search + i) {
        search = open + 1;
        let close = match next_close {
            Some(close) if close > open => close,
            _ => {
                let Some(close) = memchr::memchr2(b'>', b'\n', &bytes[open..]).map(|i| open + i)
                else {
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
