//! The T-SQL scanner: sqlparser's tokenizer, then statement context on the
//! tokens, lowered into facts.
//!
//! It works on tokens rather than on sqlparser's AST because about half of
//! real batches do not parse (ALTER DATABASE, CREATE DATABASE … ON, FILESTREAM
//! columns, AS FILETABLE all fail), and a parse failure must never hide a
//! finding. Comments and strings are gone after tokenizing, and names are
//! whole tokens, so a keyword inside either never counts.

use linkready_rules::{
    ColumnName, DatabaseEncryptionKey, DatabaseFacts, DatabaseFile, DatabaseSetting, Fact,
    FileDefinition, FileKind, Filegroup, FilegroupKind, MemoryOptimizedKind, MemoryOptimizedObject,
    Origin, RecoveryModel, ServerObjects, Source, is_system_database,
};
use std::ops::Range;
use std::rc::Rc;

use crate::collect::byte_masks::is_word_byte;

use sqlparser::dialect::MsSqlDialect;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use super::batches::{
    Batch, CURRENT_DATABASE_NAME, ExecutedString, StringPart, UNKNOWN_NAME, Variables,
    split_batches, substitute,
};

mod usage;

/// Facts found in one script, by database.
#[derive(Debug, Clone, Default)]
pub struct ScriptFacts {
    /// User databases in the order the script first names them.
    pub databases: Vec<(String, DatabaseFacts)>,
    /// Facts outside any `USE` or CREATE/ALTER DATABASE, and the code of
    /// system databases (it belongs to the instance).
    pub unattributed: DatabaseFacts,
    /// Server objects the scripts define (logins, endpoints, jobs, …).
    pub server: ServerObjects,
    /// Tokenizer errors (the scan goes on after each), as messages with positions.
    pub warnings: Vec<String>,
    /// `databases` by lower-cased name (constant-time lookups).
    index: std::collections::HashMap<String, usize>,
}

impl ScriptFacts {
    /// Adds the facts of another scan (database by database).
    pub fn merge(&mut self, other: ScriptFacts) {
        for (name, facts) in other.databases {
            self.database(&name).extend(facts);
        }
        self.unattributed.extend(other.unattributed);
        self.server.extend(other.server);
        self.warnings.extend(other.warnings);
    }

    /// Makes `name` a database of the scan (a system database never is),
    /// with or without facts.
    pub fn include_database(&mut self, name: &str) {
        if !name.is_empty() && !is_system_database(name) {
            self.database(name);
        }
    }

    fn database(&mut self, name: &str) -> &mut DatabaseFacts {
        if self.index.len() != self.databases.len() {
            self.index = self
                .databases
                .iter()
                .enumerate()
                .map(|(index, (known, _))| (known.to_ascii_lowercase(), index))
                .collect();
        }
        let key = name.to_ascii_lowercase();
        let index = match self.index.get(&key) {
            Some(&index) => index,
            None => {
                self.databases
                    .push((name.to_string(), DatabaseFacts::default()));
                let index = self.databases.len() - 1;
                self.index.insert(key, index);
                index
            }
        };
        &mut self.databases[index].1
    }
}

/// Scans the batches of one file, carrying `USE` from batch to batch.
pub struct ScriptScanner<'p> {
    path: &'p str,
    current_database: Option<String>,
    /// The default database stands and no statement has been seen yet.
    default_pending: bool,
    /// How deep in executed strings (dynamic SQL) the scan is.
    dynamic_depth: u32,
    /// The SQLCMD variables of the batch being scanned.
    variables: Rc<Variables>,
    /// For module text read from a server: findings name the server,
    /// database and object instead of a file position.
    live_object: Option<(Source, String, String, String)>,
    /// While a string assembled from pieces is scanned: from its own lines
    /// and columns back to the file's (innermost last).
    position_maps: Vec<PositionMap>,
    /// sqlparser's tokens of the window being tokenized: one buffer for
    /// all, not one grown from empty per window (perf, issue 14).
    token_buffer: Vec<TokenWithSpan>,
    /// Tokenizer errors met so far (warnings are kept at the top level only).
    tokenizer_errors: usize,
    /// Whether `tokenize_window` passes `EXEC ( … )` literals by (the tests
    /// compare the facts both ways).
    splice_exec_literals: bool,
    /// Where code stops for good (a string, comment or name the splitter
    /// found never closed; its own warning says so): a tokenizer error
    /// there or after it says the same thing again.
    pub(crate) unread_from: Option<(u32, u32)>,
    pub facts: ScriptFacts,
}

/// From positions in a string assembled from literals (line 1, column 1 at
/// its start) back to the file: for each line of each literal, where it
/// starts in both.
#[derive(Debug, Default)]
struct PositionMap {
    /// (assembled line, assembled column) → (file line, file column),
    /// sorted.
    starts: Vec<((u32, u32), (u32, u32))>,
}

impl PositionMap {
    fn original(&self, line: u32, column: u32) -> (u32, u32) {
        let at = self
            .starts
            .partition_point(|(from, _)| *from <= (line, column));
        match at.checked_sub(1).and_then(|i| self.starts.get(i)) {
            Some(((from_line, from_column), (to_line, to_column))) => {
                if *from_line == line {
                    (*to_line, to_column + (column - from_column))
                } else {
                    // A later line of the same literal: lines match one to one.
                    (to_line + (line - from_line), column)
                }
            }
            None => (line, column),
        }
    }
}

/// Dynamic SQL inside dynamic SQL is followed this deep.
const MAX_DYNAMIC_DEPTH: u32 = 3;

/// The longest stretch of T-SQL tokenized at once (see `tokenize`).
const MAX_TOKENIZED_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Word,
    String,
    Number,
    LParen,
    RParen,
    Comma,
    Period,
    Eq,
    SemiColon,
    Star,
    Minus,
    Other,
}

#[derive(Debug, Clone)]
struct Tok {
    kind: Kind,
    /// Identifier or keyword value (unquoted), string value, or number text.
    text: String,
    /// A delimited identifier (`[x]`, `"x"`): never a keyword.
    quoted: bool,
    line: u32,
    column: u32,
    /// For a string literal, how many characters precede its content (`'`
    /// or `N'`).
    prefix: u32,
}

impl Tok {
    fn is(&self, keyword: &str) -> bool {
        self.kind == Kind::Word && !self.quoted && self.text.eq_ignore_ascii_case(keyword)
    }

    fn is_any(&self, keywords: &[&str]) -> bool {
        keywords.iter().any(|keyword| self.is(keyword))
    }

    fn is_name(&self) -> bool {
        self.kind == Kind::Word
    }
}

/// Words that start a new statement when they stand at the top level.
const STATEMENT_STARTS: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "MERGE",
    "CREATE",
    "ALTER",
    "DROP",
    "TRUNCATE",
    "EXEC",
    "EXECUTE",
    "USE",
    "DECLARE",
    "SET",
    "IF",
    "WHILE",
    "BEGIN",
    "END",
    "PRINT",
    "GRANT",
    "REVOKE",
    "DENY",
    "RETURN",
    "BACKUP",
    "RESTORE",
    "DBCC",
    "RAISERROR",
    "THROW",
    "WAITFOR",
    "COMMIT",
    "ROLLBACK",
    "GOTO",
    "CHECKPOINT",
    "RECONFIGURE",
    "BULK",
    "OPEN",
    "CLOSE",
    "FETCH",
    "DEALLOCATE",
];

/// What a database name in code stands for (`ScriptScanner::name_in_code`).
enum NameInCode {
    Written,
    CurrentDatabase,
    Unknown,
}

/// Where a fact goes.
enum Target<'t> {
    /// The database of the enclosing `USE`.
    Current,
    /// The database a CREATE/ALTER DATABASE names.
    Named(&'t str),
}

impl<'p> ScriptScanner<'p> {
    /// A scanner for one file; `default_database` stands where no `USE` does.
    pub fn new(path: &'p str, default_database: Option<String>) -> Self {
        ScriptScanner {
            path,
            default_pending: default_database.is_some(),
            current_database: default_database,
            dynamic_depth: 0,
            variables: Rc::default(),
            live_object: None,
            position_maps: Vec::new(),
            token_buffer: Vec::new(),
            tokenizer_errors: 0,
            splice_exec_literals: true,
            unread_from: None,
            facts: ScriptFacts::default(),
        }
    }

    /// A scanner for the definition of a module read live from `database`
    /// on `server` (`sys.sql_modules`) or of a job step command.
    pub fn for_live_object(
        path: &'p str,
        source: Source,
        server: &str,
        database: &str,
        object: &str,
    ) -> Self {
        let mut scanner = ScriptScanner::new(path, Some(database.to_string()));
        scanner.live_object = Some((
            source,
            server.to_string(),
            database.to_string(),
            object.to_string(),
        ));
        scanner
    }

    /// Scans a whole text (a module definition, a job step command).
    pub fn scan_text(&mut self, text: &str) {
        let split = split_batches(text, &Variables::new());
        for batch in &split.batches {
            self.scan_batch(batch);
        }
    }

    /// Scans one batch: only its windows, the statements around the words a
    /// rule acts on (the rest cannot hold a fact), then the strings it executes.
    pub fn scan_batch(&mut self, batch: &Batch<'_>) {
        self.scan_batch_at(batch, batch.start_line, 1);
    }

    /// Scans a batch whose first line is `first_line` of the file, starting
    /// at `first_column` there (a string's content starts mid-line).
    fn scan_batch_at(&mut self, batch: &Batch<'_>, first_line: u32, first_column: u32) {
        let text: &str = &batch.text;
        self.variables = Rc::clone(&batch.variables);
        // Windows and executed strings in the order they stand, so that a
        // string runs in the database of the USE before it.
        let mut positions = Positions::new(text, first_line, first_column);
        let mut strings = batch.executed_strings.iter().peekable();
        // The literals of strings built from pieces have their own cursor:
        // a chain's later literals may stand past the next window.
        let mut piece_positions = Positions::new(text, first_line, first_column);
        for window in &batch.windows {
            while let Some(string) = strings.next_if(|string| string.start() < window.start) {
                self.scan_executed(
                    string,
                    text,
                    &mut positions,
                    &mut piece_positions,
                    &batch.variables,
                );
            }
            let tokens = self.tokenize_window(
                text,
                window.clone(),
                &batch.exec_literals,
                &mut positions,
                &batch.variables,
            );
            self.scan_tokens(&tokens, window.start == 0);
        }
        for string in strings {
            self.scan_executed(
                string,
                text,
                &mut positions,
                &mut piece_positions,
                &batch.variables,
            );
        }
    }

    /// Scans an executed string: one literal in place, or literals
    /// assembled with placeholders, whose positions are mapped back.
    fn scan_executed(
        &mut self,
        string: &ExecutedString,
        text: &str,
        positions: &mut Positions<'_>,
        piece_positions: &mut Positions<'_>,
        variables: &Variables,
    ) {
        if let Some(range) = string.single() {
            let (line, column) = positions.at(range.start);
            self.scan_dynamic(&text[range], line, column, variables);
            return;
        }
        let length = string
            .parts
            .iter()
            .map(|part| match part {
                StringPart::Placeholder(placeholder) => placeholder.len(),
                StringPart::Text(range) => range.len(),
            })
            .sum();
        let mut assembled = String::with_capacity(length);
        let mut map = PositionMap::default();
        let (mut line, mut column) = (1u32, 1u32);
        for part in &string.parts {
            match part {
                StringPart::Placeholder(placeholder) => {
                    assembled.push_str(placeholder);
                    column += u32::try_from(placeholder.len()).unwrap_or(0);
                }
                StringPart::Text(range) => {
                    let Some(content) = text.get(range.clone()) else {
                        continue;
                    };
                    let (file_line, file_column) = piece_positions.at(range.start);
                    map.starts.push(((line, column), (file_line, file_column)));
                    assembled.push_str(content);
                    // Each line of the piece starts a stretch of the map.
                    let mut last_line_start = 0;
                    for (index, newline) in
                        memchr::memchr_iter(b'\n', content.as_bytes()).enumerate()
                    {
                        line += 1;
                        column = 1;
                        let file_line = file_line + u32::try_from(index + 1).unwrap_or(0);
                        map.starts.push(((line, 1), (file_line, 1)));
                        last_line_start = newline + 1;
                    }
                    let last_line = content.get(last_line_start..).unwrap_or_default();
                    column += u32::try_from(last_line.chars().count()).unwrap_or(0);
                }
            }
        }
        self.position_maps.push(map);
        self.scan_dynamic(&assembled, 1, 1, variables);
        self.position_maps.pop();
    }

    /// Scans the content of an executed string literal as T-SQL. Each `''`
    /// becomes `' ` so that every byte keeps its position in the file; the
    /// findings say they came from dynamic SQL. A `USE` inside it does not
    /// outlive it, nor do the variables of its batches.
    fn scan_dynamic(&mut self, content: &str, line: u32, column: u32, variables: &Variables) {
        if self.dynamic_depth >= MAX_DYNAMIC_DEPTH {
            // Each level would hold another copy of the text (22 levels took
            // 70× the input's memory): deeper levels are not scanned, and the
            // file's warnings say where (nothing is skipped silently).
            self.facts.warnings.push(format!(
                "{}:{line}:{column}: dynamic SQL nested more than {MAX_DYNAMIC_DEPTH} levels deep was not scanned",
                self.path
            ));
            return;
        }
        let code = unquote_in_place(content);
        let split = split_batches(&code, variables);
        let outer_database = self.current_database.clone();
        let outer_variables = Rc::clone(&self.variables);
        self.dynamic_depth += 1;
        for batch in &split.batches {
            let first_column = if batch.start_line == 1 { column } else { 1 };
            self.scan_batch_at(batch, line + batch.start_line - 1, first_column);
        }
        self.dynamic_depth -= 1;
        self.current_database = outer_database;
        self.variables = outer_variables;
    }

    /// Tokenizes a window of a batch. The long literals of `EXEC ( … )`
    /// in it (`exec_literals`) are not given to sqlparser's tokenizer: the
    /// text around them is tokenized piece by piece and each literal becomes
    /// the token the tokenizer would have made, read directly (the statement
    /// scan never reads their text; the dynamic SQL scan reads them on their
    /// own). They were a third of all the bytes tokenized in a scan of the
    /// corpus, at about 20 ns a byte (perf, issue 14). Should any piece
    /// fail to tokenize, the window is tokenized whole, as before, so that
    /// its tokens and warnings are the same either way.
    fn tokenize_window(
        &mut self,
        text: &str,
        window: Range<usize>,
        exec_literals: &[Range<usize>],
        positions: &mut Positions<'_>,
        variables: &Variables,
    ) -> Vec<Tok> {
        let start = positions.at(window.start);
        let whole = |scanner: &mut Self| {
            scanner.tokenize(&text[window.clone()], start.0, start.1, variables)
        };
        if !self.splice_exec_literals || window.len() > MAX_TOKENIZED_BYTES {
            return whole(self);
        }
        let bytes = text.as_bytes();
        let first = exec_literals.partition_point(|literal| literal.start <= window.start);
        let spliced: Vec<(usize, Range<usize>, u32)> = exec_literals[first..]
            .iter()
            .take_while(|literal| literal.end < window.end)
            .filter(|literal| literal.len() >= SPLICED_LITERAL_BYTES)
            .filter_map(|literal| {
                literal_start(bytes, literal).map(|(at, prefix)| (at, literal.clone(), prefix))
            })
            .collect();
        if spliced.is_empty() {
            return whole(self);
        }
        let errors = self.tokenizer_errors;
        let warnings = self.facts.warnings.len();
        let mut tokens = Vec::new();
        let mut from = window.start;
        let (mut line, mut column) = start;
        for (at, content, prefix) in spliced {
            tokens.extend(self.tokenize(&text[from..at], line, column, variables));
            let (literal_line, literal_column) = positions.at(at);
            let mut literal = Tok {
                kind: Kind::String,
                text: expand(text[content.clone()].replace("''", "'"), variables),
                quoted: false,
                line: literal_line,
                column: literal_column,
                prefix,
            };
            self.finish_tokens(std::slice::from_mut(&mut literal));
            tokens.push(literal);
            from = content.end + 1;
            (line, column) = positions.at(from);
        }
        tokens.extend(self.tokenize(&text[from..window.end], line, column, variables));
        if self.tokenizer_errors != errors {
            // A piece did not tokenize: the window is tokenized whole.
            self.tokenizer_errors = errors;
            self.facts.warnings.truncate(warnings);
            return whole(self);
        }
        tokens
    }

    /// Tokenizes a piece of a batch that starts at (`start_line`,
    /// `start_column`) of the file; after an error in the middle of it, goes
    /// on from the next line so the rest is still scanned.
    fn tokenize(
        &mut self,
        text: &str,
        start_line: u32,
        start_column: u32,
        variables: &Variables,
    ) -> Vec<Tok> {
        // A statement stretch of many megabytes (a 90 MB job step without
        // GO) would take gigabytes as tokens: it is not tokenized, and the
        // file's warnings say so (nothing is skipped silently).
        if text.len() > MAX_TOKENIZED_BYTES {
            self.facts.warnings.push(format!(
                "{}:{start_line}:{start_column}: a statement of {} MB was not scanned (over {} MB without GO or a statement boundary)",
                self.path,
                text.len() / (1024 * 1024),
                MAX_TOKENIZED_BYTES / (1024 * 1024)
            ));
            return Vec::new();
        }
        let dialect = MsSqlDialect {};
        let mut tokens = Vec::new();
        let mut offset = 0;
        let mut line_base = start_line;
        let mut first_line_column = start_column;
        loop {
            let rest = &text[offset..];
            let mut raw = std::mem::take(&mut self.token_buffer);
            let result = Tokenizer::new(&dialect, rest).tokenize_with_location_into_buf(&mut raw);
            convert(
                &mut raw,
                line_base,
                first_line_column,
                variables,
                &mut tokens,
            );
            self.token_buffer = raw;
            let Err(error) = result else { break };
            self.tokenizer_errors += 1;
            let error_line = line_base
                + u32::try_from(error.location.line.saturating_sub(1)).unwrap_or(u32::MAX);
            let error_column = u32::try_from(error.location.column).unwrap_or(u32::MAX);
            let error_column = if error.location.line <= 1 {
                error_column + first_line_column - 1
            } else {
                error_column
            };
            // Executed strings are often fragments of a statement built by
            // concatenation: their tokenizer errors say nothing about the file.
            let unread = self
                .unread_from
                .is_some_and(|from| (error_line, error_column) >= from);
            if self.dynamic_depth == 0 && !unread {
                self.facts.warnings.push(format!(
                    "{}:{}:{}: {}",
                    self.path, error_line, error_column, error.message
                ));
            }
            // An unterminated string or comment runs to the end: nothing after it is code.
            if error.message.to_ascii_lowercase().contains("unterminated") {
                break;
            }
            let skip_lines = usize::try_from(error.location.line).unwrap_or(usize::MAX);
            let Some(next) = nth_line_start(rest, skip_lines) else {
                break;
            };
            offset += next;
            line_base = error_line + 1;
            first_line_column = 1;
        }
        self.finish_tokens(&mut tokens);
        tokens
    }

    /// Positions back to the file, and the values of literals in executed
    /// strings as written.
    fn finish_tokens(&self, tokens: &mut [Tok]) {
        for map in self.position_maps.iter().rev() {
            for token in tokens.iter_mut() {
                (token.line, token.column) = map.original(token.line, token.column);
            }
        }
        if self.dynamic_depth > 0 {
            // Unquoting keeps positions by putting a space beside each
            // quote it takes away (`N''C:\x''` becomes `N' C:\x' `): those
            // spaces are not part of the value.
            for token in tokens.iter_mut().filter(|t| t.kind == Kind::String) {
                if token.text.starts_with(' ') || token.text.ends_with(' ') {
                    token.text = token.text.trim_matches(' ').to_string();
                }
            }
        }
    }

    fn origin(&self, token: &Tok) -> Origin {
        if let Some((source, server, database, object)) = &self.live_object {
            return Origin::catalog(
                *source,
                server.clone(),
                Some(database.clone()),
                format!("{object} (line {})", token.line),
            );
        }
        Origin::Script {
            path: self.path.to_string(),
            line: token.line,
            column: token.column,
            dynamic: self.dynamic_depth > 0,
        }
    }

    /// What a database name written in code stands for: itself, or —
    /// inside executed strings, for the placeholders of strings assembled
    /// from pieces — the current database (`DB_NAME()`) or no name known.
    fn name_in_code(&self, name: &str) -> NameInCode {
        match name {
            CURRENT_DATABASE_NAME if self.dynamic_depth > 0 => NameInCode::CurrentDatabase,
            UNKNOWN_NAME if self.dynamic_depth > 0 => NameInCode::Unknown,
            _ => NameInCode::Written,
        }
    }

    /// The facts of the target database; None for system databases, whose
    /// constructs belong to the instance, not to a link candidate.
    fn target(&mut self, target: Target<'_>) -> Option<&mut DatabaseFacts> {
        let name = match target {
            Target::Named(name) => match self.name_in_code(name) {
                NameInCode::Written => Some(name),
                NameInCode::CurrentDatabase => self.current_database.as_deref(),
                NameInCode::Unknown => None,
            },
            Target::Current => self.current_database.as_deref(),
        };
        match name {
            Some(name) if is_system_database(name) => None,
            Some(name) => Some(self.facts.database(name)),
            None => Some(&mut self.facts.unattributed),
        }
    }

    fn note_database(&mut self, name: &str) {
        if !is_system_database(name) {
            self.facts.database(name);
        }
    }

    /// Statement context at the top level, then the usage pass over each
    /// stretch between `USE` statements (so each knows its database).
    /// `batch_start`: the tokens start the batch, where a procedure may be
    /// called without EXEC.
    fn scan_tokens(&mut self, tokens: &[Tok], batch_start: bool) {
        // The default database (`--database`) is a database of the scan
        // only when a statement stands outside any USE.
        if self.default_pending
            && self.dynamic_depth == 0
            && let Some(first) = tokens.first()
        {
            self.default_pending = false;
            if !first.is("USE")
                && let Some(default) = self.current_database.clone()
            {
                self.note_database(&default);
            }
        }
        let mut depth: i64 = 0;
        let mut segment = 0;
        let mut i = 0;
        if batch_start
            && let Some(first) = tokens.first()
            && first.kind == Kind::Word
            && !first.quoted
            && !first.is_any(STATEMENT_STARTS)
        {
            let (parts, _) = usage::name_parts(tokens, 0);
            let called = parts
                .last()
                .is_some_and(|name| has_prefix(name, "sp_") || has_prefix(name, "xp_"));
            if called {
                i = self.procedure_call(tokens, 0, 0).unwrap_or(1);
            }
        }
        while i < tokens.len() {
            let token = &tokens[i];
            match token.kind {
                Kind::LParen => depth += 1,
                Kind::RParen => depth -= 1,
                _ => {}
            }
            if depth > 0 || token.kind != Kind::Word || token.quoted {
                i += 1;
                continue;
            }
            let next = if token.is("USE") {
                self.scan_usages(&tokens[segment..i]);
                let next = self.use_statement(tokens, i);
                segment = next.unwrap_or(i + 1).min(tokens.len());
                next
            } else if token.is_any(&["CREATE", "ALTER"]) {
                self.create_or_alter(tokens, i)
            } else if token.is_any(&["EXEC", "EXECUTE"]) {
                self.execute(tokens, i)
            } else if token.is("BACKUP") {
                self.backup(tokens, i)
            } else if token.is("BULK") {
                self.bulk_insert(tokens, i)
            } else if token.is("BEGIN") {
                self.begin(tokens, i)
            } else {
                None
            };
            i = next.unwrap_or(i + 1).max(i + 1);
        }
        self.scan_usages(&tokens[segment.min(tokens.len())..]);
    }

    fn use_statement(&mut self, tokens: &[Tok], at: usize) -> Option<usize> {
        let name = tokens
            .get(at + 1)
            .filter(|t| t.is_name() && !t.is_any(&["PLAN", "HINT"]))?;
        // `USE FEDERATION f1 (k = 1) WITH RESET, FILTERING = OFF` and
        // `USE FEDERATION ROOT WITH RESET` (Azure SQL Database federations)
        // name a federation member, not a database: the database stays.
        if !name.quoted
            && name.is("FEDERATION")
            && tokens
                .get(at + 2)
                .is_some_and(|t| t.kind == Kind::Word && !t.is("GO"))
        {
            return Some(statement_end(tokens, at + 2));
        }
        self.current_database = match self.name_in_code(&name.text) {
            NameInCode::Written => Some(name.text.clone()),
            // `USE ' + QUOTENAME(DB_NAME()) + '`: the database stays.
            NameInCode::CurrentDatabase => return Some(at + 2),
            NameInCode::Unknown => None,
        };
        // A USE inside executed strings or module code names a database the
        // scan does not hold.
        if self.dynamic_depth == 0 && self.live_object.is_none() {
            self.default_pending = false;
            self.note_database(&name.text);
        }
        Some(at + 2)
    }

    fn create_or_alter(&mut self, tokens: &[Tok], at: usize) -> Option<usize> {
        // `GRANT CREATE DATABASE TO p`, `DENY CREATE ANY DATABASE`,
        // `REVOKE GRANT OPTION FOR ALTER ANY DATABASE`, `GRANT SELECT,
        // CREATE DATABASE DDL EVENT NOTIFICATION`: a permission, not a
        // statement (and its next word is not a database name).
        if at > 0
            && (tokens[at - 1].kind == Kind::Comma
                || (!tokens[at - 1].quoted
                    && tokens[at - 1].is_any(&["GRANT", "DENY", "REVOKE", "FOR"])))
        {
            return None;
        }
        let create = tokens[at].is("CREATE");
        let mut i = at + 1;
        if tokens.get(i)?.is("OR") && tokens.get(i + 1)?.is("ALTER") {
            i += 2;
        }
        let object = tokens.get(i)?;
        if object.is("DATABASE") {
            self.database_statement(tokens, at, i + 1, create)
        } else if object.is("TABLE") {
            if create {
                self.create_table(tokens, i + 1)
            } else {
                self.alter_table(tokens, i + 1)
            }
        } else if object.is("TYPE") && create {
            self.create_type(tokens, i + 1)
        } else if object.is_any(&["PROC", "PROCEDURE", "FUNCTION", "TRIGGER"]) {
            self.module_header(tokens, i + 1)
        } else {
            self.create_or_alter_usage(tokens, at, i).flatten()
        }
    }

    /// CREATE/ALTER DATABASE, including the DATABASE ENCRYPTION KEY forms.
    fn database_statement(
        &mut self,
        tokens: &[Tok],
        at: usize,
        name_at: usize,
        create: bool,
    ) -> Option<usize> {
        let name_token = tokens.get(name_at)?;
        if name_token.is("ENCRYPTION") && tokens.get(name_at + 1).is_some_and(|t| t.is("KEY")) {
            return self.encryption_key(tokens, at, name_at + 2);
        }
        if name_token.is_any(&["SCOPED", "AUDIT"]) || !name_token.is_name() {
            return None;
        }
        let end = statement_end(tokens, name_at + 1);
        let name = if !create && name_token.is("CURRENT") {
            None
        } else {
            Some(name_token.text.clone())
        };
        if let Some(name) = &name {
            self.note_database(name);
        }
        let body = &tokens[name_at + 1..end];
        let mut facts = DatabaseFacts::default();
        let mut end = end;
        if create {
            if body.iter().any(|t| t.is("SNAPSHOT")) {
                // A database snapshot is not a database to link.
                return Some(end);
            }
            let statement = self.origin(&tokens[at]);
            self.create_database_body(body, &statement, &mut facts);
        } else {
            let name_for_lookup = name.clone().or_else(|| self.current_database.clone());
            end = name_at
                + 1
                + self.alter_database_body(body, name_for_lookup.as_deref(), &mut facts);
        }
        let target = match &name {
            Some(name) => Target::Named(name),
            None => Target::Current,
        };
        if let Some(database) = self.target(target) {
            database.extend(facts);
        }
        Some(end)
    }

    fn create_database_body(&self, body: &[Tok], statement: &Origin, facts: &mut DatabaseFacts) {
        #[derive(Clone)]
        enum Section {
            None,
            Data { kind: FileKind, filegroup: String },
            Log,
        }
        let mut section = Section::None;
        let mut i = 0;
        while i < body.len() {
            let token = &body[i];
            if token.is("ON") && matches!(section, Section::None) {
                section = Section::Data {
                    kind: FileKind::Rows,
                    filegroup: "PRIMARY".to_string(),
                };
            } else if token.is("LOG") && body.get(i + 1).is_some_and(|t| t.is("ON")) {
                section = Section::Log;
                i += 1;
            } else if token.is("FILEGROUP") && body.get(i + 1).is_some_and(Tok::is_name) {
                let (filegroup, consumed) = self.filegroup_clause(body, i);
                section = Section::Data {
                    kind: file_kind_for(filegroup.value.kind),
                    filegroup: filegroup.value.name.clone(),
                };
                facts.filegroups.push(filegroup);
                i += consumed;
                continue;
            } else if token.is_any(&["COLLATE", "WITH", "FOR", "AS"]) {
                break;
            } else if token.kind == Kind::LParen {
                let close = matching_paren(body, i);
                let (kind, filegroup) = match &section {
                    Section::None => (FileKind::Rows, Some("PRIMARY".to_string())),
                    Section::Data { kind, filegroup } => (*kind, Some(filegroup.clone())),
                    Section::Log => (FileKind::Log, None),
                };
                facts.files.push(Fact::new(
                    DatabaseFile {
                        logical_name: file_spec_name(&body[i + 1..close]),
                        kind,
                        filegroup,
                        definition: FileDefinition::CreateDatabase(statement.clone()),
                    },
                    self.origin(token),
                ));
                i = close + 1;
                continue;
            }
            i += 1;
        }
    }

    /// `FILEGROUP name [CONTAINS FILESTREAM | CONTAINS MEMORY_OPTIMIZED_DATA]`
    /// starting at `at` (the FILEGROUP word); returns the fact and the tokens used.
    fn filegroup_clause(&self, body: &[Tok], at: usize) -> (Fact<Filegroup>, usize) {
        let name = &body[at + 1];
        let mut kind = FilegroupKind::Rows;
        let mut consumed = 2;
        if body.get(at + 2).is_some_and(|t| t.is("CONTAINS"))
            && let Some(what) = body.get(at + 3)
        {
            if what.is("FILESTREAM") {
                kind = FilegroupKind::Filestream;
                consumed = 4;
            } else if what.is("MEMORY_OPTIMIZED_DATA") {
                kind = FilegroupKind::MemoryOptimizedData;
                consumed = 4;
            }
        }
        let origin = self.origin(&body[at]);
        (
            Fact::new(
                Filegroup {
                    name: name.text.clone(),
                    kind,
                },
                origin,
            ),
            consumed,
        )
    }

    /// The actions of ALTER DATABASE; returns how many tokens of `body` it used.
    fn alter_database_body(
        &self,
        body: &[Tok],
        database: Option<&str>,
        facts: &mut DatabaseFacts,
    ) -> usize {
        let Some(action) = body.first() else { return 0 };
        if action.is("ADD") {
            let next = body.get(1);
            if next.is_some_and(|t| t.is("FILEGROUP")) && body.get(2).is_some_and(Tok::is_name) {
                let (filegroup, _) = self.filegroup_clause(body, 1);
                facts.filegroups.push(filegroup);
            } else if next.is_some_and(|t| t.is("LOG")) && body.get(2).is_some_and(|t| t.is("FILE"))
            {
                self.added_files(&body[3..], FileKind::Log, None, facts);
            } else if next.is_some_and(|t| t.is("FILE")) {
                // `TO FILEGROUP fg` decides what kind of file this is.
                let filegroup = body
                    .windows(3)
                    .find(|w| w[0].is("TO") && w[1].is("FILEGROUP"))
                    .map(|w| w[2].text.clone());
                let kind = filegroup
                    .as_deref()
                    .and_then(|fg| self.known_filegroup_kind(database, fg, facts))
                    .map_or(FileKind::Rows, file_kind_for);
                self.added_files(&body[2..], kind, filegroup, facts);
            }
            body.len()
        } else if action.is("SET") {
            1 + self.database_options(&body[1..], facts)
        } else {
            body.len()
        }
    }

    /// What kind of filegroup `name` is, from what this file has shown so far.
    fn known_filegroup_kind(
        &self,
        database: Option<&str>,
        name: &str,
        pending: &DatabaseFacts,
    ) -> Option<FilegroupKind> {
        let seen = database.and_then(|db| {
            self.facts
                .databases
                .iter()
                .find(|(known, _)| known.eq_ignore_ascii_case(db))
                .map(|(_, facts)| facts)
        });
        pending
            .filegroups
            .iter()
            .chain(seen.into_iter().flat_map(|facts| facts.filegroups.iter()))
            .find(|fg| fg.value.name.eq_ignore_ascii_case(name))
            .map(|fg| fg.value.kind)
    }

    fn added_files(
        &self,
        specs: &[Tok],
        kind: FileKind,
        filegroup: Option<String>,
        facts: &mut DatabaseFacts,
    ) {
        let mut i = 0;
        while i < specs.len() {
            if specs[i].kind == Kind::LParen {
                let close = matching_paren(specs, i);
                facts.files.push(Fact::new(
                    DatabaseFile {
                        logical_name: file_spec_name(&specs[i + 1..close]),
                        kind,
                        filegroup: filegroup.clone(),
                        definition: FileDefinition::Added,
                    },
                    self.origin(&specs[i]),
                ));
                i = close + 1;
            } else if specs[i].is("TO") {
                break;
            } else {
                i += 1;
            }
        }
    }

    /// `SET option [, option]… [WITH termination]`; returns the tokens used.
    fn database_options(&self, options: &[Tok], facts: &mut DatabaseFacts) -> usize {
        let mut i = 0;
        while i < options.len() {
            let option = &options[i];
            if option.is("WITH") || (i > 0 && option.is("SET")) {
                // `WITH NO_WAIT`, `WITH ROLLBACK IMMEDIATE`; a second SET is a new statement.
                if option.is("SET") {
                    return i;
                }
                break;
            }
            let element_end = list_element_end(options, i);
            let element = &options[i..element_end];
            if let Some(setting) = database_setting(element) {
                facts.settings.push(Fact::new(setting, self.origin(option)));
            }
            if let Some(change) = fixed_option_change(element) {
                facts.settings.push(Fact::new(
                    DatabaseSetting::FixedOptionChange(change),
                    self.origin(option),
                ));
            }
            i = element_end + 1;
        }
        options.len()
    }

    fn encryption_key(&mut self, tokens: &[Tok], at: usize, from: usize) -> Option<usize> {
        let end = statement_end(tokens, from);
        let body = &tokens[from..end];
        let certificate = body
            .windows(2)
            .find(|w| w[0].is("CERTIFICATE") && w[1].is_name())
            .map(|w| w[1].text.clone());
        let origin = self.origin(&tokens[at]);
        if let Some(database) = self.target(Target::Current) {
            database
                .encryption_keys
                .push(Fact::new(DatabaseEncryptionKey { certificate }, origin));
        }
        Some(end)
    }

    fn create_table(&mut self, tokens: &[Tok], name_at: usize) -> Option<usize> {
        let (table, after_name) = object_name(tokens, name_at)?;
        let end = statement_end(tokens, after_name);
        let body = &tokens[after_name..end];
        let origin = self.origin(&tokens[name_at]);
        let mut facts = DatabaseFacts::default();
        if table
            .rsplit('.')
            .next()
            .is_some_and(|last| last.eq_ignore_ascii_case("next"))
        {
            facts
                .next_names
                .push(Fact::new(table.clone(), origin.clone()));
        }
        if body.first().is_some_and(|t| t.is("AS"))
            && body.get(1).is_some_and(|t| t.is("FILETABLE"))
        {
            facts
                .filetables
                .push(Fact::new(table.clone(), origin.clone()));
        }
        let mut i = 0;
        while i < body.len() {
            if body[i].kind == Kind::LParen {
                let close = matching_paren(body, i);
                if i == 0 {
                    self.column_definitions(&table, &body[1..close], &mut facts);
                }
                i = close + 1;
                continue;
            }
            if body[i].is("WITH") && body.get(i + 1).is_some_and(|t| t.kind == Kind::LParen) {
                let close = matching_paren(body, i + 1);
                self.table_options(
                    &table,
                    &body[i + 2..close],
                    &origin,
                    MemoryOptimizedKind::Table,
                    &mut facts,
                );
                i = close + 1;
                continue;
            }
            i += 1;
        }
        if let Some(database) = self.target(Target::Current) {
            database.extend(facts);
        }
        Some(end)
    }

    fn column_definitions(&self, table: &str, columns: &[Tok], facts: &mut DatabaseFacts) {
        const NOT_COLUMNS: [&str; 7] = [
            "CONSTRAINT",
            "PRIMARY",
            "UNIQUE",
            "INDEX",
            "FOREIGN",
            "CHECK",
            "PERIOD",
        ];
        let mut start = 0;
        while start < columns.len() {
            let end = list_element_end(columns, start);
            let element = &columns[start..end];
            start = end + 1;
            let Some(name) = element
                .first()
                .filter(|t| t.is_name() && !t.is_any(&NOT_COLUMNS))
            else {
                continue;
            };
            if name.text.eq_ignore_ascii_case("next") {
                facts.next_names.push(Fact::new(
                    format!("{table}.{}", name.text),
                    self.origin(name),
                ));
            }
            if top_level(element).any(|t| t.is("FILESTREAM")) {
                facts.filestream_columns.push(Fact::new(
                    ColumnName {
                        table: table.to_string(),
                        column: name.text.clone(),
                    },
                    self.origin(name),
                ));
            }
        }
    }

    /// `WITH (…)` options of CREATE TABLE / CREATE TYPE / ALTER TABLE SET.
    fn table_options(
        &self,
        name: &str,
        options: &[Tok],
        origin: &Origin,
        kind: MemoryOptimizedKind,
        facts: &mut DatabaseFacts,
    ) {
        let mut start = 0;
        while start < options.len() {
            let end = list_element_end(options, start);
            let element = &options[start..end];
            if let [option, eq, value, ..] = element
                && eq.kind == Kind::Eq
                && value.is("ON")
            {
                if option.is("MEMORY_OPTIMIZED") {
                    facts.memory_optimized_objects.push(Fact::new(
                        MemoryOptimizedObject {
                            name: name.to_string(),
                            kind,
                        },
                        origin.clone(),
                    ));
                } else if option.is("REMOTE_DATA_ARCHIVE") && kind == MemoryOptimizedKind::Table {
                    facts
                        .stretch_tables
                        .push(Fact::new(name.to_string(), self.origin(option)));
                }
            }
            start = end + 1;
        }
    }

    fn alter_table(&mut self, tokens: &[Tok], name_at: usize) -> Option<usize> {
        let (table, after_name) = object_name(tokens, name_at)?;
        let end = statement_end(tokens, after_name);
        let body = &tokens[after_name..end];
        let mut facts = DatabaseFacts::default();
        match body.first() {
            Some(set) if set.is("SET") && body.get(1).is_some_and(|t| t.kind == Kind::LParen) => {
                let close = matching_paren(body, 1);
                let origin = self.origin(set);
                self.table_options(
                    &table,
                    &body[2..close],
                    &origin,
                    MemoryOptimizedKind::Table,
                    &mut facts,
                );
            }
            Some(add) if add.is("ADD") => {
                self.column_definitions(&table, &body[1..], &mut facts);
            }
            _ => {}
        }
        if let Some(database) = self.target(Target::Current) {
            database.extend(facts);
        }
        Some(end)
    }

    fn create_type(&mut self, tokens: &[Tok], name_at: usize) -> Option<usize> {
        let (name, after_name) = object_name(tokens, name_at)?;
        let end = statement_end(tokens, after_name);
        let body = &tokens[after_name..end];
        if !(body.first().is_some_and(|t| t.is("AS")) && body.get(1).is_some_and(|t| t.is("TABLE")))
        {
            return Some(end);
        }
        let origin = self.origin(&tokens[name_at]);
        let mut facts = DatabaseFacts::default();
        if let Some(open) = body.iter().position(|t| t.kind == Kind::LParen) {
            let close = matching_paren(body, open);
            if body.get(close + 1).is_some_and(|t| t.is("WITH"))
                && body.get(close + 2).is_some_and(|t| t.kind == Kind::LParen)
            {
                let options_close = matching_paren(body, close + 2);
                self.table_options(
                    &name,
                    &body[close + 3..options_close],
                    &origin,
                    MemoryOptimizedKind::TableType,
                    &mut facts,
                );
            }
        }
        if let Some(database) = self.target(Target::Current) {
            database.extend(facts);
        }
        Some(end)
    }

    /// CREATE PROCEDURE / FUNCTION / TRIGGER options, up to the body.
    fn module_header(&mut self, tokens: &[Tok], name_at: usize) -> Option<usize> {
        let (name, after_name) = object_name(tokens, name_at)?;
        let mut depth = 0i64;
        let mut native = None;
        let mut i = after_name;
        while let Some(token) = tokens.get(i) {
            match token.kind {
                Kind::LParen => depth += 1,
                Kind::RParen => depth -= 1,
                Kind::SemiColon if depth <= 0 => break,
                _ => {}
            }
            if depth <= 0 {
                if token.is("NATIVE_COMPILATION") {
                    native = Some(token);
                }
                // The body starts: options are behind us.
                let execute_as = token.is_any(&["EXEC", "EXECUTE"])
                    && tokens.get(i + 1).is_some_and(|t| t.is("AS"));
                if token.is("BEGIN")
                    || (token.is_any(STATEMENT_STARTS) && !token.is("SET") && !execute_as)
                {
                    break;
                }
            }
            i += 1;
        }
        if native.is_some() {
            let origin = self.origin(&tokens[name_at]);
            if let Some(database) = self.target(Target::Current) {
                database.memory_optimized_objects.push(Fact::new(
                    MemoryOptimizedObject {
                        name,
                        kind: MemoryOptimizedKind::NativelyCompiledModule,
                    },
                    origin,
                ));
            }
        }
        Some(i)
    }
}

/// A string literal's content as the code it holds, keeping its length and
/// the position of every byte: a run of 2k quotes stands for k quotes, which
/// stay together at the run's start with spaces after them — so `''''`, a
/// quote of the next level down, becomes `''` and dynamic SQL inside dynamic
/// SQL keeps its strings.
fn unquote_in_place(content: &str) -> String {
    let bytes = content.as_bytes();
    let mut code = String::with_capacity(content.len());
    let mut at = 0;
    // Copied a stretch at a time between quote runs (ASCII boundaries, so
    // every slice is valid text: nothing to validate again).
    while let Some(found) = memchr::memchr(b'\'', &bytes[at..]) {
        let run_start = at + found;
        let run_end = bytes[run_start..]
            .iter()
            .position(|&b| b != b'\'')
            .map_or(bytes.len(), |n| run_start + n);
        let quotes = (run_end - run_start).div_ceil(2);
        code.push_str(&content[at..run_start]);
        code.extend(std::iter::repeat_n('\'', quotes));
        code.extend(std::iter::repeat_n(' ', run_end - run_start - quotes));
        at = run_end;
    }
    code.push_str(&content[at..]);
    code
}

/// Line and column (1-based, in characters) of byte offsets in a text,
/// asked in increasing order.
struct Positions<'t> {
    text: &'t str,
    first_line: u32,
    first_column: u32,
    /// The last offset asked, its line, and the characters from its line's
    /// start to it: each call only reads what lies past the previous one.
    counted: usize,
    line: u32,
    column_chars: usize,
    /// Where each line starts, built once steps back (the literals of a
    /// `+=` chain can stand past the next string's start) have counted as
    /// many bytes as the text holds: until then each step back counts the
    /// lines it crosses, which costs less than indexing a long batch for
    /// a few short steps (perf, issue 14), and the budget keeps the total
    /// linear in the text.
    line_starts: Vec<usize>,
    counted_back: usize,
}

impl<'t> Positions<'t> {
    fn new(text: &'t str, first_line: u32, first_column: u32) -> Self {
        Positions {
            text,
            first_line,
            first_column,
            counted: 0,
            line: first_line,
            column_chars: 0,
            line_starts: Vec::new(),
            counted_back: 0,
        }
    }

    fn at(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        if offset < self.counted {
            self.step_back(offset);
        }
        let before = &self.text.as_bytes()[self.counted..offset];
        let newlines = memchr::memchr_iter(b'\n', before).count();
        if newlines > 0 {
            self.line += u32::try_from(newlines).unwrap_or(u32::MAX);
            let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| self.counted + i + 1);
            self.column_chars = self.text[line_start..offset].chars().count();
        } else {
            self.column_chars += self.text[self.counted..offset].chars().count();
        }
        self.counted = offset;
        let column = 1 + u32::try_from(self.column_chars).unwrap_or(u32::MAX);
        // The text's first line may start mid-line in the file.
        let column = if self.line == self.first_line {
            column + self.first_column - 1
        } else {
            column
        };
        (self.line, column)
    }

    /// Goes back to `offset`, before the last position asked: counting the
    /// lines crossed while the budget lasts, from the line index after.
    fn step_back(&mut self, offset: usize) {
        let bytes = self.text.as_bytes();
        let back = self.counted - offset;
        let line_start = if self.line_starts.is_empty()
            && self.counted_back.saturating_add(back) <= self.text.len()
        {
            let newlines = memchr::memchr_iter(b'\n', &bytes[offset..self.counted]).count();
            self.line = self
                .line
                .saturating_sub(u32::try_from(newlines).unwrap_or(u32::MAX));
            let line_start =
                memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |newline| newline + 1);
            // The search back to the line's start is paid from the budget too.
            self.counted_back += back + (offset - line_start);
            line_start
        } else {
            if self.line_starts.is_empty() {
                self.line_starts.push(0);
                self.line_starts
                    .extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
            }
            let index = self
                .line_starts
                .partition_point(|&start| start <= offset)
                .saturating_sub(1);
            self.line = self.first_line + u32::try_from(index).unwrap_or(u32::MAX);
            self.line_starts.get(index).copied().unwrap_or(0)
        };
        self.column_chars = self
            .text
            .get(line_start..offset)
            .map_or(0, |part| part.chars().count());
        self.counted = offset;
    }
}

/// One option of ALTER DATABASE … SET.
fn database_setting(element: &[Tok]) -> Option<DatabaseSetting> {
    let option = element.first()?;
    if let Some(setting) = ScriptScanner::broker_setting(option) {
        return Some(setting);
    }
    let value = element.iter().skip(1).find(|t| t.kind != Kind::Eq)?;
    if option.is("RECOVERY") {
        let model = if value.is("FULL") {
            RecoveryModel::Full
        } else if value.is("SIMPLE") {
            RecoveryModel::Simple
        } else if value.is("BULK_LOGGED") {
            RecoveryModel::BulkLogged
        } else {
            return None;
        };
        Some(DatabaseSetting::RecoveryModel(model))
    } else if option.is("COMPATIBILITY_LEVEL") {
        value
            .text
            .parse()
            .ok()
            .map(DatabaseSetting::CompatibilityLevel)
    } else if option.is("ENCRYPTION") {
        if value.is("ON") {
            Some(DatabaseSetting::Encryption(true))
        } else if value.is("OFF") {
            Some(DatabaseSetting::Encryption(false))
        } else {
            None
        }
    } else if option.is("ACCELERATED_DATABASE_RECOVERY") {
        let enabled = value.is("ON");
        if !enabled && !value.is("OFF") {
            return None;
        }
        let version_store_filegroup = element
            .windows(3)
            .find(|w| w[0].is("PERSISTENT_VERSION_STORE_FILEGROUP") && w[1].kind == Kind::Eq)
            .map(|w| w[2].text.clone());
        Some(DatabaseSetting::AcceleratedRecovery {
            enabled,
            version_store_filegroup,
        })
    } else if option.is("REMOTE_DATA_ARCHIVE") {
        if value.is("ON") {
            Some(DatabaseSetting::RemoteDataArchive(true))
        } else if value.is("OFF") {
            Some(DatabaseSetting::RemoteDataArchive(false))
        } else {
            None
        }
    } else {
        None
    }
}

/// An `ALTER DATABASE … SET` option the managed instance does not let
/// change, as LR318 names it; None for the others. From "The following
/// options can't be modified" and "Service broker" in MicrosoftDocs/sql-docs
/// azure-sql/managed-instance/transact-sql-tsql-differences-sql-server.md;
/// AUTO_CLOSE and PAGE_VERIFY only away from the values the managed
/// instance keeps (AUTO_CLOSE OFF, the same page; PAGE_VERIFY CHECKSUM,
/// SQL Server's default). HADR, PARTNER and WITNESS are left to the link's
/// own set-up and to LR108: on the SQL Server side they are legitimate.
fn fixed_option_change(element: &[Tok]) -> Option<String> {
    let option = element.first().filter(|t| !t.quoted)?;
    const ALWAYS: &[&str] = &[
        "ENABLE_BROKER",
        "DISABLE_BROKER",
        "NEW_BROKER",
        "OFFLINE",
        "EMERGENCY",
        "READ_ONLY",
        "SINGLE_USER",
        "RESTRICTED_USER",
    ];
    if let Some(name) = ALWAYS.iter().find(|name| option.is(name)) {
        return Some((*name).to_string());
    }
    let value = element.iter().skip(1).find(|t| t.kind != Kind::Eq)?;
    if option.is("AUTO_CLOSE") && value.is("ON") {
        Some("AUTO_CLOSE ON".to_string())
    } else if option.is("PAGE_VERIFY") && !value.is("CHECKSUM") {
        Some(format!("PAGE_VERIFY {}", value.text.to_ascii_uppercase()))
    } else {
        None
    }
}

fn file_kind_for(filegroup: FilegroupKind) -> FileKind {
    match filegroup {
        FilegroupKind::Rows => FileKind::Rows,
        FilegroupKind::Filestream => FileKind::Filestream,
        FilegroupKind::MemoryOptimizedData => FileKind::MemoryOptimizedContainer,
    }
}

/// `NAME = logical_name` inside a file spec.
fn file_spec_name(spec: &[Tok]) -> Option<String> {
    spec.windows(3)
        .find(|w| w[0].is("NAME") && w[1].kind == Kind::Eq)
        .map(|w| w[2].text.clone())
}

/// A possibly multi-part name (`[db].dbo.[t]`, `db..t`) starting at `at`:
/// its parts joined with `.`, and the index after it.
fn object_name(tokens: &[Tok], at: usize) -> Option<(String, usize)> {
    tokens.get(at).filter(|t| t.is_name())?;
    let (parts, after) = usage::name_parts(tokens, at);
    Some((parts.join("."), after))
}

/// Whether `name` starts with the ASCII `prefix` (`sp_`), in any case. A
/// byte comparison: slicing the str could split a wider character.
fn has_prefix(name: &str, prefix: &str) -> bool {
    name.len() > prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// The index of the `)` matching the `(` at `open` (or the end).
fn matching_paren(tokens: &[Tok], open: usize) -> usize {
    let mut depth = 0i64;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// The end of a comma-separated list element starting at `start`: the index
/// of the next top-level comma, or the end.
fn list_element_end(tokens: &[Tok], start: usize) -> usize {
    let mut depth = 0i64;
    for (i, token) in tokens.iter().enumerate().skip(start) {
        match token.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => depth -= 1,
            Kind::Comma if depth <= 0 => return i,
            _ => {}
        }
    }
    tokens.len()
}

/// The tokens of `element` outside any parentheses.
fn top_level(element: &[Tok]) -> impl Iterator<Item = &Tok> {
    let mut depth = 0i64;
    element.iter().filter(move |token| {
        match token.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => depth -= 1,
            _ => return depth == 0,
        }
        false
    })
}

/// Where the statement that continues at `from` ends: a top-level `;`, a
/// top-level word that starts a new statement, or the end of the batch.
fn statement_end(tokens: &[Tok], from: usize) -> usize {
    let mut depth = 0i64;
    for (i, token) in tokens.iter().enumerate().skip(from) {
        match token.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => depth -= 1,
            Kind::SemiColon if depth <= 0 => return i,
            Kind::Word if depth <= 0 && !token.quoted && token.is_any(STATEMENT_STARTS) => {
                // ALTER DATABASE … SET is one statement: its SET is handled by the caller.
                if token.is("SET") && i == from {
                    continue;
                }
                return i;
            }
            _ => {}
        }
    }
    tokens.len()
}

/// Byte offset of the start of line `n` (0-based count of line ends to skip).
fn nth_line_start(text: &str, n: usize) -> Option<usize> {
    text.match_indices('\n')
        .nth(n.saturating_sub(1))
        .map(|(i, _)| i + 1)
}

/// Converts sqlparser tokens, dropping whitespace and comments, joining
/// `$(Name)` into one word and substituting known SQLCMD variables.
fn convert(
    raw: &mut Vec<TokenWithSpan>,
    line_base: u32,
    first_line_column: u32,
    variables: &Variables,
    out: &mut Vec<Tok>,
) {
    let mut iter = raw
        .drain(..)
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .peekable();
    while let Some(TokenWithSpan { token, span }) = iter.next() {
        let line = line_base + u32::try_from(span.start.line.saturating_sub(1)).unwrap_or(u32::MAX);
        let column = u32::try_from(span.start.column).unwrap_or(u32::MAX);
        // The first line of a window may start mid-line in the file.
        let column = if span.start.line <= 1 {
            column.saturating_add(first_line_column - 1)
        } else {
            column
        };
        let mut prefix = 0;
        let (kind, text, quoted) = match token {
            Token::Word(word) => {
                let quoted = word.quote_style.is_some();
                // SQL Server ignores trailing spaces when it compares names.
                let mut value = expand(word.value, variables);
                value.truncate(value.trim_end().len());
                (Kind::Word, value, quoted)
            }
            Token::SingleQuotedString(s) => {
                prefix = 1;
                (Kind::String, expand(s, variables), false)
            }
            Token::NationalStringLiteral(s) => {
                prefix = 2;
                (Kind::String, expand(s, variables), false)
            }
            Token::Number(n, _) => (Kind::Number, n, false),
            Token::LParen => (Kind::LParen, String::new(), false),
            Token::RParen => (Kind::RParen, String::new(), false),
            Token::Comma => (Kind::Comma, String::new(), false),
            Token::Period => (Kind::Period, String::new(), false),
            Token::Eq => (Kind::Eq, String::new(), false),
            Token::SemiColon => (Kind::SemiColon, String::new(), false),
            Token::Mul => (Kind::Star, String::new(), false),
            Token::Minus => (Kind::Minus, String::new(), false),
            Token::Placeholder(p) if p == "$" => {
                // `$(Name)`: an SQLCMD variable outside brackets.
                let is_variable = matches!(iter.peek(), Some(t) if t.token == Token::LParen);
                if is_variable {
                    iter.next();
                    if let Some(TokenWithSpan {
                        token: Token::Word(word),
                        ..
                    }) = iter.next()
                    {
                        iter.next_if(|t| t.token == Token::RParen);
                        let text = expand(format!("$({})", word.value), variables);
                        out.push(Tok {
                            kind: Kind::Word,
                            text,
                            quoted: true,
                            line,
                            column,
                            prefix: 0,
                        });
                    }
                    continue;
                }
                (Kind::Other, p, false)
            }
            _ => (Kind::Other, String::new(), false),
        };
        out.push(Tok {
            kind,
            text,
            quoted,
            line,
            column,
            prefix,
        });
    }
}

/// `EXEC ( … )` literals shorter than this are left to the tokenizer
/// (splitting the window costs more than it saves).
const SPLICED_LITERAL_BYTES: usize = 64;

/// Where the token of the literal whose content is `content` starts, and
/// its prefix length as `convert` gives it (1: `'…'`, 2: `N'…'`); none
/// when a word runs into it (`x'…'` is not a plain literal).
fn literal_start(bytes: &[u8], content: &Range<usize>) -> Option<(usize, u32)> {
    let quote = content.start.checked_sub(1)?;
    let is_word = |at: usize| bytes.get(at).copied().is_some_and(is_word_byte);
    if bytes.get(quote) != Some(&b'\'') || bytes.get(content.end) != Some(&b'\'') {
        return None;
    }
    match quote.checked_sub(1) {
        Some(before) if matches!(bytes[before], b'N' | b'n') => {
            let clear = before.checked_sub(1).is_none_or(|b| !is_word(b));
            clear.then_some((before, 2))
        }
        Some(before) if is_word(before) => None,
        _ => Some((quote, 1)),
    }
}

fn expand(text: String, variables: &Variables) -> String {
    // Per token, mostly a few bytes: a byte search for `$`, not a
    // substring search (perf, issue 14).
    let bytes = text.as_bytes();
    if memchr::memchr_iter(b'$', bytes).any(|at| bytes.get(at + 1) == Some(&b'(')) {
        substitute(&text, variables)
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::batches::split_batches;
    use linkready_rules::{RowsetFunction, Usage};

    /// Every `.sql` file of the repository, and of ../shared/corpus (real
    /// T-SQL by others) when it is there.
    fn sql_files() -> Vec<std::path::PathBuf> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus = root.join("../shared/corpus");
        if !corpus.is_dir() {
            assert!(
                std::env::var_os("CI").is_none_or(|ci| ci != "true"),
                "{} not found, and CI=true requires it",
                corpus.display()
            );
            eprintln!("../shared/corpus not found: the repository's scripts only");
        }
        let mut files = Vec::new();
        for folder in [root.join("fixtures"), root.join("tests"), corpus] {
            for entry in walkdir::WalkDir::new(folder).sort_by_file_name() {
                let Ok(entry) = entry else { continue };
                if entry
                    .path()
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("sql"))
                {
                    files.push(entry.into_path());
                }
            }
        }
        files
    }

    /// Positions asked in any order (steps back counted line by line until
    /// their budget is spent, then from the line index) are the ones
    /// counted from the start.
    #[test]
    fn positions_asked_in_any_order_are_counted_right() {
        let text = "SELECT 'é'\n\tFROM t;\r\n\nEXEC ('x'\n+ 'ü');\n".repeat(400);
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&at| text.is_char_boundary(at))
            .collect();
        let expected = |offset: usize| {
            let before = &text[..offset];
            let line = 3 + u32::try_from(before.matches('\n').count()).unwrap_or(0);
            let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
            let column = 1 + u32::try_from(text[line_start..offset].chars().count()).unwrap_or(0);
            (line, if line == 3 { column + 4 } else { column })
        };
        let mut positions = Positions::new(&text, 3, 5);
        // Forward, back by a little, back by a lot, forward again: a walk
        // that spends the budget for steps back.
        let mut at = 0usize;
        for step in 0..2000usize {
            let index = match step % 4 {
                0 => at + 37,
                1 => at.saturating_sub(11),
                2 => at.saturating_sub(step % 500),
                _ => at + step % 97,
            } % boundaries.len();
            at = index;
            let offset = boundaries[index];
            assert_eq!(
                positions.at(offset),
                expected(offset),
                "offset {offset}, step {step}"
            );
        }
        assert!(
            !positions.line_starts.is_empty(),
            "the budget was never spent"
        );
    }

    /// Passing the literals of `EXEC ( … )` by (`tokenize_window`) changes
    /// no token of any window and no fact of any file: each window's tokens
    /// and each file's facts, both ways, over every script at hand.
    #[test]
    fn exec_literals_passed_by_change_no_token_and_no_fact() {
        let long = "SELECT name FROM master.sys.databases WHERE database_id > 4 ORDER BY name";
        // Literals the window holds in every place one can stand: before
        // AT, prefixed N, spread over lines, with '' inside, with $(var),
        // next to another, with code after them on their line, executed
        // inside executed code, and in a window that fails to tokenize.
        // (An `EXEC ( … )` is a window of tokens only when AT follows it.)
        let own = [
            format!("EXEC ('{long}') AT [LinkedSrv]; SELECT * FROM a.b.c"),
            format!("USE [d]\nEXEC (N'{long}') AT s1;\nEXEC ('USE [other]; {long}')"),
            format!(
                "EXEC (\n  '{long}\n  -- the next line\n  {long}'\n) AT s2; BACKUP LOG d TO DISK = 'x'"
            ),
            format!(
                "EXEC ('SELECT ''{long}'' AS quoted, ''$(Var)''') AT s3; EXEC('{long}'+'{long}') AT s4"
            ),
            format!(
                "EXEC ('EXEC (''{long}'') AT inner_server'); EXEC ('{long}') AT s5; SELECT $(Db).dbo.t"
            ),
            format!("EXEC ('{long}') AT s; SELECT # ~ ` \\ from x.y.z"),
            format!("EXECUTE(N'{long}'N'{long}')AT[s];UPDATE a.b.c SET x = 1"),
        ];
        let mut scripts: Vec<(String, String)> = own
            .iter()
            .enumerate()
            .map(|(index, text)| (format!("own-{index}.sql"), text.clone()))
            .collect();
        for path in sql_files() {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let Ok((text, _)) = crate::collect::decode::decode(bytes) else {
                continue;
            };
            scripts.push((path.display().to_string(), text));
        }
        let mut spliced_windows = 0;
        for (shown, text) in &scripts {
            let shown = shown.clone();
            let split = split_batches(text, &Variables::new());
            for batch in &split.batches {
                let mut scanner = ScriptScanner::new(&shown, None);
                for window in &batch.windows {
                    let mut positions = Positions::new(&batch.text, batch.start_line, 1);
                    let whole = {
                        let (line, column) = positions.at(window.start);
                        scanner.tokenize(
                            &batch.text[window.clone()],
                            line,
                            column,
                            &batch.variables,
                        )
                    };
                    let mut positions = Positions::new(&batch.text, batch.start_line, 1);
                    let spliced = scanner.tokenize_window(
                        &batch.text,
                        window.clone(),
                        &batch.exec_literals,
                        &mut positions,
                        &batch.variables,
                    );
                    assert_eq!(
                        format!("{spliced:?}"),
                        format!("{whole:?}"),
                        "{shown}: window {window:?}"
                    );
                    if batch
                        .exec_literals
                        .iter()
                        .any(|l| window.contains(&l.start) && l.len() >= SPLICED_LITERAL_BYTES)
                    {
                        spliced_windows += 1;
                    }
                }
            }
            let facts = |splice: bool| {
                let mut scanner = ScriptScanner::new(&shown, Some("d".into()));
                scanner.splice_exec_literals = splice;
                for batch in &split.batches {
                    scanner.scan_batch(batch);
                }
                let facts = &scanner.facts;
                // (Not `index`: a hash map, its order differs run to run.)
                format!(
                    "{:?} {:?} {:?} {:?}",
                    facts.databases, facts.unattributed, facts.server, facts.warnings
                )
            };
            assert_eq!(facts(true), facts(false), "{shown}");
        }
        assert!(
            spliced_windows >= own.len(),
            "only {spliced_windows} windows had a literal to pass by"
        );
    }

    fn scan(sql: &str) -> ScriptFacts {
        let split = split_batches(sql, &Variables::new());
        let mut scanner = ScriptScanner::new("t.sql", None);
        for batch in &split.batches {
            scanner.scan_batch(batch);
        }
        scanner.facts
    }

    fn db<'f>(facts: &'f ScriptFacts, name: &str) -> &'f DatabaseFacts {
        &facts.databases.iter().find(|(n, _)| n == name).unwrap().1
    }

    #[test]
    fn rowset_providers_and_assembly_files_are_read_as_sql_server_does() {
        let facts = scan(
            "USE [D]\nGO\nSELECT * FROM OPENROWSET(PROVIDER = 'CosmosDB', CONNECTION = 'x', OBJECT = 'c') AS r;\n\
             SELECT * FROM OPENROWSET(TABLE RSCPROP, @id) AS t;\n\
             CREATE ASSEMBLY [Helper] FROM @dir + N'\\Helper.dll' WITH PERMISSION_SET = SAFE;\n\
             CREATE ASSEMBLY [Bits] FROM @bits;\n",
        );
        let d = db(&facts, "D");
        let providers: Vec<String> = d
            .usages
            .iter()
            .filter_map(|u| match &u.value {
                Usage::RowsetFunction(RowsetFunction::OpenRowset { provider }) => {
                    Some(provider.clone())
                }
                _ => None,
            })
            .collect();
        assert_eq!(providers, ["CosmosDB"]);
        let files: Vec<Option<&str>> = d
            .assemblies
            .iter()
            .map(|a| a.value.from_file.as_deref())
            .collect();
        assert_eq!(files, [Some("@dir + '\\Helper.dll'"), None]);
    }

    #[test]
    fn dynamic_sql_deeper_than_the_limit_is_reported_not_scanned() {
        // Level n executes a string holding level n + 1; FILESTREAM at each.
        let mut text = String::from("CREATE TABLE dbo.t5 (c varbinary(max) FILESTREAM)");
        for level in (1..=5).rev() {
            let quoted = text.replace('\'', "''");
            text = format!(
                "CREATE TABLE dbo.t{} (c varbinary(max) FILESTREAM)\nEXEC (N'{quoted}')",
                level - 1
            );
        }
        let facts = scan(&format!("USE [D]\n{text}\n"));
        let tables: Vec<&str> = db(&facts, "D")
            .filestream_columns
            .iter()
            .map(|c| c.value.table.as_str())
            .collect();
        assert_eq!(tables, ["dbo.t0", "dbo.t1", "dbo.t2", "dbo.t3"]);
        assert_eq!(facts.warnings.len(), 1, "{:?}", facts.warnings);
        assert!(
            facts.warnings[0].starts_with("t.sql:")
                && facts.warnings[0]
                    .ends_with("dynamic SQL nested more than 3 levels deep was not scanned"),
            "{:?}",
            facts.warnings
        );
    }

    #[test]
    fn create_database_files_and_filegroups() {
        let facts = scan(
            "CREATE DATABASE [Docs] ON PRIMARY (NAME = Docs_data, FILENAME = 'D:\\d.mdf'),\n\
             FILEGROUP [DocsFS] CONTAINS FILESTREAM (NAME = Docs_fs, FILENAME = 'D:\\fs')\n\
             LOG ON (NAME = Docs_log, FILENAME = 'L:\\l.ldf'), (NAME = Docs_log2, FILENAME = 'L:\\l2.ldf')\n\
             COLLATE Latin1_General_CI_AS",
        );
        let docs = db(&facts, "Docs");
        assert_eq!(docs.filegroups.len(), 1);
        assert_eq!(docs.filegroups[0].value.kind, FilegroupKind::Filestream);
        let kinds: Vec<_> = docs
            .files
            .iter()
            .map(|f| (f.value.logical_name.clone().unwrap(), f.value.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("Docs_data".to_string(), FileKind::Rows),
                ("Docs_fs".to_string(), FileKind::Filestream),
                ("Docs_log".to_string(), FileKind::Log),
                ("Docs_log2".to_string(), FileKind::Log),
            ]
        );
        assert_eq!(docs.filegroups[0].origin, Origin::script("t.sql", 2, 1));
    }

    #[test]
    fn use_attributes_and_system_databases_drop() {
        let facts = scan(
            "USE [master]\nGO\nCREATE TABLE t (c varbinary(max) FILESTREAM)\nGO\nUSE [a]]b]\nGO\nCREATE TABLE dbo.d (c varbinary(max) FILESTREAM NULL)\n",
        );
        assert_eq!(facts.databases.len(), 1);
        let ab = db(&facts, "a]b");
        assert_eq!(ab.filestream_columns[0].value.column, "c");
        assert_eq!(ab.filestream_columns[0].value.table, "dbo.d");
        assert_eq!(
            ab.filestream_columns[0].origin,
            Origin::script("t.sql", 7, 21)
        );
    }

    #[test]
    fn alter_database_set_options() {
        let facts = scan(
            "ALTER DATABASE [S] SET RECOVERY SIMPLE, COMPATIBILITY_LEVEL = 90 WITH NO_WAIT\n\
             ALTER DATABASE S SET ACCELERATED_DATABASE_RECOVERY = ON (PERSISTENT_VERSION_STORE_FILEGROUP = [VS]);\n\
             ALTER DATABASE S SET ENCRYPTION ON\nALTER DATABASE S SET REMOTE_DATA_ARCHIVE = ON (SERVER = N'x')",
        );
        let settings: Vec<_> = db(&facts, "S")
            .settings
            .iter()
            .map(|s| s.value.clone())
            .collect();
        assert_eq!(
            settings,
            [
                DatabaseSetting::RecoveryModel(RecoveryModel::Simple),
                DatabaseSetting::CompatibilityLevel(90),
                DatabaseSetting::AcceleratedRecovery {
                    enabled: true,
                    version_store_filegroup: Some("VS".into())
                },
                DatabaseSetting::Encryption(true),
                DatabaseSetting::RemoteDataArchive(true),
            ]
        );
    }

    #[test]
    fn memory_optimized_objects() {
        let facts = scan(
            "USE M\nGO\nCREATE TABLE dbo.Cart (Id int NOT NULL PRIMARY KEY NONCLUSTERED) WITH (MEMORY_OPTIMIZED = ON, DURABILITY = SCHEMA_ONLY)\nGO\n\
             CREATE TYPE dbo.Ids AS TABLE (Id int PRIMARY KEY NONCLUSTERED) WITH (MEMORY_OPTIMIZED = ON)\nGO\n\
             CREATE PROCEDURE dbo.p @a int = 1 WITH NATIVE_COMPILATION, SCHEMABINDING AS BEGIN ATOMIC WITH (TRANSACTION ISOLATION LEVEL = SNAPSHOT, LANGUAGE = N'us_english') SELECT 1 END\nGO\n\
             CREATE TABLE dbo.Plain (Id int) WITH (MEMORY_OPTIMIZED = OFF)\n",
        );
        let kinds: Vec<_> = db(&facts, "M")
            .memory_optimized_objects
            .iter()
            .map(|o| (o.value.name.clone(), o.value.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("dbo.Cart".to_string(), MemoryOptimizedKind::Table),
                ("dbo.Ids".to_string(), MemoryOptimizedKind::TableType),
                (
                    "dbo.p".to_string(),
                    MemoryOptimizedKind::NativelyCompiledModule
                ),
            ]
        );
    }

    #[test]
    fn sqlcmd_variables_resolve_in_names() {
        let facts = scan(
            ":setvar DatabaseName \"Sales\"\nALTER DATABASE [$(DatabaseName)] SET RECOVERY SIMPLE\nGO\nUSE $(Unknown)\nCREATE TABLE t AS FILETABLE\n",
        );
        assert_eq!(db(&facts, "Sales").settings.len(), 1);
        assert_eq!(db(&facts, "$(Unknown)").filetables[0].value, "t");
    }

    #[test]
    fn sp_dbcmptlevel_positional_and_named() {
        let facts = scan(
            "EXEC sp_dbcmptlevel 'Old', 80\nEXEC master.dbo.sp_dbcmptlevel @new_cmptlevel = 90, @dbname = N'Older'",
        );
        assert_eq!(
            db(&facts, "Old").settings[0].value,
            DatabaseSetting::CompatibilityLevel(80)
        );
        assert_eq!(
            db(&facts, "Older").settings[0].value,
            DatabaseSetting::CompatibilityLevel(90)
        );
    }

    #[test]
    fn executed_strings_run_in_the_database_of_the_use_before_them() {
        let facts = scan(
            "USE Sales;\nEXEC sp_executesql N'SELECT * FROM Archive.dbo.T';\nUSE Reporting;\nSELECT 1;\n",
        );
        let sales = &db(&facts, "Sales").usages;
        assert!(
            matches!(&sales[..], [usage] if matches!(&usage.value, linkready_rules::Usage::ObjectReference(r) if r.database.as_deref() == Some("Archive"))),
            "{sales:?}"
        );
        assert!(db(&facts, "Reporting").usages.is_empty());
    }

    #[test]
    fn a_use_inside_executed_strings_adds_no_database() {
        let facts = scan("USE Sales;\nEXEC ('USE Archive; SELECT 1');\n");
        assert!(
            facts.databases.iter().all(|(name, _)| name != "Archive"),
            "{:?}",
            facts.databases
        );
    }

    fn position(origin: &Origin) -> (u32, u32, bool) {
        match origin {
            Origin::Script {
                line,
                column,
                dynamic,
                ..
            } => (*line, *column, *dynamic),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn strings_built_from_pieces_are_scanned_with_placeholders() {
        // QUOTENAME(DB_NAME()) is the current database; the filegroup's
        // position is the file's (line 4, where FILEGROUP stands).
        let facts = scan(concat!(
            "USE Sales\nGO\n",
            "DECLARE @s nvarchar(max) = N'ALTER DATABASE ' + QUOTENAME(DB_NAME())\n",
            "    + N' ADD FILEGROUP imoltp CONTAINS MEMORY_OPTIMIZED_DATA';\n",
            "EXEC (@s);\n",
        ));
        let sales = db(&facts, "Sales");
        assert_eq!(sales.filegroups.len(), 1, "{sales:?}");
        assert_eq!(sales.filegroups[0].value.name, "imoltp");
        assert_eq!(position(&sales.filegroups[0].origin), (4, 14, true));

        // CONCAT joins its arguments; an expression among them is a placeholder.
        let facts = scan(concat!(
            "USE Sales\nGO\n",
            "DECLARE @s nvarchar(max) = CONCAT(N'CREATE TABLE dbo.', N'C AS FILETABLE;',\n",
            "    N' ALTER DATABASE ', QUOTENAME(DB_NAME()), N' ADD FILEGROUP fx CONTAINS MEMORY_OPTIMIZED_DATA');\n",
            "EXEC (@s);\n",
        ));
        assert_eq!(db(&facts, "Sales").filetables[0].value, "dbo.C");
        assert_eq!(db(&facts, "Sales").filegroups[0].value.name, "fx");

        // += chains and CONVERT: the device path holds a placeholder.
        let facts = scan(concat!(
            "USE Ops\nGO\n",
            "DECLARE @s nvarchar(max) = N'', @i int = 1;\n",
            "SET @s += N'BACKUP DATABASE [Ops] ';\n",
            "SET @s += N'TO DISK = N''C:\\b\\Ops_' + CONVERT(varchar(10), @i) + N'.bak''';\n",
            "EXEC sp_executesql @s;\n",
        ));
        let usages = &db(&facts, "Ops").usages;
        assert!(
            matches!(&usages[..], [usage] if matches!(&usage.value,
                Usage::BackupToDevice { database, device }
                    if database == "Ops" && device == "DISK")),
            "{usages:?}"
        );
        assert_eq!(position(&usages[0].origin), (4, 13, true));
        // In a literal, the placeholder is `?`.
        let facts = scan(concat!(
            "USE Ops\nGO\n",
            "DECLARE @s nvarchar(max) = N'BULK INSERT dbo.T FROM N''C:\\in\\day_'\n",
            "    + CONVERT(varchar(10), @i) + N'.csv''';\n",
            "EXEC (@s);\n",
        ));
        let usages = &db(&facts, "Ops").usages;
        assert!(
            usages.iter().any(|usage| matches!(&usage.value,
                Usage::BulkInsert { file, .. } if file == "C:\\in\\day_?.csv")),
            "{usages:?}"
        );

        // EXEC @proc @cmd, where @proc names sp_executesql, runs @cmd.
        let facts = scan(concat!(
            "USE Sales\nGO\n",
            "DECLARE @proc nvarchar(300) = QUOTENAME(@db) + N'.sys.sp_executesql';\n",
            "DECLARE @cmd nvarchar(max) = N'CREATE TABLE dbo.F AS FILETABLE';\n",
            "EXEC @proc @cmd;\n",
        ));
        assert_eq!(db(&facts, "Sales").filetables[0].value, "dbo.F");

        // A name not known is no database: USE [(run-time value)] leaves none.
        let facts = scan(concat!(
            "USE Sales\nGO\n",
            "DECLARE @s nvarchar(max) = N'USE ' + QUOTENAME(@name) + N'; CREATE TABLE dbo.X AS FILETABLE';\n",
            "EXEC (@s);\n",
            "EXEC (N'SELECT * FROM ' + @db + N'.dbo.T');\n",
        ));
        assert!(db(&facts, "Sales").filetables.is_empty());
        assert!(
            db(&facts, "Sales").usages.is_empty(),
            "{:?}",
            db(&facts, "Sales").usages
        );
        assert_eq!(facts.unattributed.filetables[0].value, "dbo.X");

        // A string only printed stays data; a plain = starts a new value.
        let facts = scan(concat!(
            "USE Sales\nGO\n",
            "DECLARE @p nvarchar(max) = N'CREATE TABLE dbo.P AS FILETABLE';\n",
            "PRINT @p;\n",
            "DECLARE @s nvarchar(max) = N'CREATE TABLE dbo.A ';\n",
            "SET @s = N'CREATE TABLE dbo.B AS FILETABLE';\n",
            "EXEC (@s);\n",
        ));
        let tables: Vec<&str> = db(&facts, "Sales")
            .filetables
            .iter()
            .map(|t| t.value.as_str())
            .collect();
        assert_eq!(tables, ["dbo.B"]);

        // A chain's later literal stands past another statement: both
        // keep their own lines.
        let facts = scan(concat!(
            "USE Sales\nGO\n",
            "DECLARE @s nvarchar(max) = N'CREATE TABLE dbo.A ';\n",
            "CREATE TABLE dbo.W AS FILETABLE;\n",
            "SET @s += N'AS FILETABLE';\n",
            "EXEC (@s);\n",
        ));
        let lines: Vec<(&str, u32, bool)> = db(&facts, "Sales")
            .filetables
            .iter()
            .map(|t| {
                let (line, _, dynamic) = position(&t.origin);
                (t.value.as_str(), line, dynamic)
            })
            .collect();
        assert!(lines.contains(&("dbo.W", 4, false)), "{lines:?}");
        assert!(
            lines
                .iter()
                .any(|(name, line, dynamic)| *name == "dbo.A" && *line == 3 && *dynamic),
            "{lines:?}"
        );
    }

    #[test]
    fn tokenizer_error_mid_batch_does_not_hide_the_rest() {
        let facts = scan(
            "USE Z\nSELECT 1 \\ 2\nALTER DATABASE Z ADD LOG FILE (NAME = z2, FILENAME = 'z2.ldf')\n",
        );
        assert_eq!(db(&facts, "Z").files.len(), 1);
    }
}
