//! What code uses, for the after-failover rules (LR3xx) and the server
//! objects scripts define (LR108, LR116, LR118, LR119): object references by
//! role, procedure calls, rowset functions, server objects, legacy syntax.

use linkready_rules::{
    Argument, ArgumentValue, Assembly, AssemblyPermission, Configuration, DatabaseFacts,
    DatabaseSetting, EventSessionTarget, Fact, JobStep, LegacySyntax, LinkedServer, Login,
    MirroringEndpoint, ObjectReference, ProcedureCall, ReferenceRole, ReplicationFeature,
    RowsetFunction, ServerAudit, Usage, is_system_database,
};

use super::{
    Kind, NameInCode, STATEMENT_STARTS, ScriptScanner, Target, Tok, has_prefix, list_element_end,
    matching_paren, object_name, statement_end,
};

/// The methods of xml, hierarchyid and spatial types: `alias.column.value(…)`
/// is a method call, not a three-part object name.
const TYPE_METHODS: &[&str] = &[
    "value",
    "query",
    "exist",
    "nodes",
    "modify",
    "tostring",
    "getancestor",
    "getdescendant",
    "getlevel",
    "getroot",
    "isdescendantof",
    "getreparentedvalue",
    "stastext",
    "stdistance",
    "stintersects",
    "stcontains",
    "stwithin",
    "stbuffer",
    "starea",
    "stlength",
    "stx",
    "sty",
    "lat",
    "long",
    "write",
];

/// Words that end a FROM clause (its comma-separated tables).
const FROM_CLAUSE_ENDS: &[&str] = &[
    "WHERE",
    "GROUP",
    "ORDER",
    "HAVING",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "OPTION",
    "FOR",
    "SET",
    "OUTPUT",
    "WHEN",
    "WINDOW",
];

impl ScriptScanner<'_> {
    /// Where usage facts go: the current database, or the instance's own
    /// code (no database) under `USE` of a system database.
    pub(super) fn usage_target(&mut self) -> &mut DatabaseFacts {
        match &self.current_database {
            Some(name) if !is_system_database(name) => self.facts.database(name),
            _ => &mut self.facts.unattributed,
        }
    }

    fn add_usage(&mut self, usage: Usage, token: &Tok) {
        let origin = self.origin(token);
        self.usage_target().usages.push(Fact::new(usage, origin));
    }

    /// One pass over every token of a window, at every depth: object
    /// references by role, rowset functions, legacy syntax.
    pub(super) fn scan_usages(&mut self, tokens: &[Tok]) {
        let aliases = table_aliases(tokens);
        // Per parenthesis depth: are we in a FROM clause (commas list tables)?
        let mut in_from: Vec<bool> = vec![false];
        let mut expect: Option<ReferenceRole> = None;
        let mut after_apply = false;
        let mut i = 0;
        while i < tokens.len() {
            let token = &tokens[i];
            match token.kind {
                Kind::LParen => {
                    // `FROM (a.b.c AS x JOIN …)`: a parenthesized join keeps
                    // listing tables; a subquery or a call does not.
                    let joined = expect.is_some()
                        && tokens.get(i + 1).is_some_and(|t| {
                            t.kind == Kind::Word && !t.is_any(&["SELECT", "WITH", "VALUES"])
                        });
                    in_from.push(joined);
                    if !joined {
                        expect = None;
                    }
                    i += 1;
                    continue;
                }
                Kind::RParen => {
                    if in_from.len() > 1 {
                        in_from.pop();
                    }
                    i += 1;
                    continue;
                }
                Kind::SemiColon => {
                    if let Some(top) = in_from.last_mut() {
                        *top = false;
                    }
                    expect = None;
                    i += 1;
                    continue;
                }
                Kind::Comma => {
                    if in_from.last().copied().unwrap_or(false) {
                        expect = Some(ReferenceRole::Read);
                    }
                    i += 1;
                    continue;
                }
                Kind::Star | Kind::Eq => {
                    self.outer_join_operator(tokens, i);
                    i += 1;
                    continue;
                }
                _ => {}
            }
            if token.kind != Kind::Word {
                expect = None;
                i += 1;
                continue;
            }
            if !token.quoted {
                if let Some(next) = self.keyword_usage(tokens, i) {
                    i = next;
                    continue;
                }
                if token.is("FROM")
                    && let Some(top) = in_from.last_mut()
                {
                    *top = true;
                }
                let delete_from = token.is("FROM") && i > 0 && tokens[i - 1].is("DELETE");
                let role = if delete_from {
                    // DELETE FROM target: still the target.
                    Some(ReferenceRole::Write)
                } else if token.is_any(&["FROM", "JOIN", "APPLY", "USING", "REFERENCES"]) {
                    Some(ReferenceRole::Read)
                } else if token.is_any(&["INSERT", "INTO", "UPDATE", "MERGE", "DELETE", "TRUNCATE"])
                {
                    // INSERT [INTO] target, DELETE [FROM] target, TRUNCATE TABLE target,
                    // SELECT … INTO target.
                    Some(ReferenceRole::Write)
                } else {
                    None
                };
                if let Some(role) = role {
                    after_apply = token.is("APPLY");
                    expect = Some(role);
                    i += 1;
                    continue;
                }
                if token.is_any(FROM_CLAUSE_ENDS) || token.is_any(STATEMENT_STARTS) {
                    if let Some(top) = in_from.last_mut() {
                        *top = false;
                    }
                    expect = None;
                    i += 1;
                    continue;
                }
                if token.is_any(&[
                    "TABLE", "OUTER", "CROSS", "INNER", "LEFT", "RIGHT", "FULL", "ONLY",
                ]) {
                    // TRUNCATE TABLE x, LEFT OUTER JOIN, … keep the expectation.
                    i += 1;
                    continue;
                }
            }
            let (parts, after) = name_parts(tokens, i);
            let called = tokens.get(after).is_some_and(|t| t.kind == Kind::LParen);
            let role = match expect.take() {
                Some(_) if after_apply && called && is_type_method(&parts) => None,
                Some(role) => Some(role),
                // A function in another database, `Other.dbo.fn(…)`, unless
                // its first part is a table alias (`c.Location.Method(…)`).
                None if called
                    && parts.len() == 3
                    && !is_type_method(&parts)
                    && (is_dbo_or_empty(&parts[1])
                        || !aliases
                            .iter()
                            .any(|alias| alias.eq_ignore_ascii_case(&parts[0]))) =>
                {
                    Some(ReferenceRole::Read)
                }
                None => None,
            };
            after_apply = false;
            if let Some(role) = role {
                self.object_reference(&parts, role, token);
            }
            i = after.max(i + 1);
        }
    }

    /// Records a reference with three or four parts (or `db..object`).
    pub(super) fn object_reference(&mut self, parts: &[String], role: ReferenceRole, token: &Tok) {
        if parts
            .first()
            .is_some_and(|p| p.starts_with('@') || p.starts_with('#'))
        {
            return;
        }
        // A placeholder of a string assembled from pieces: the current
        // database or a name not known is no reference to another database.
        if parts
            .iter()
            .any(|part| !matches!(self.name_in_code(part), NameInCode::Written))
        {
            return;
        }
        let reference = match parts {
            [database, schema, object] => ObjectReference {
                server: None,
                database: Some(database.clone()),
                schema: Some(schema.clone()).filter(|s| !s.is_empty()),
                object: object.clone(),
                role,
            },
            [server, database, schema, object] => ObjectReference {
                server: Some(server.clone()).filter(|s| !s.is_empty()),
                database: Some(database.clone()).filter(|s| !s.is_empty()),
                schema: Some(schema.clone()).filter(|s| !s.is_empty()),
                object: object.clone(),
                role,
            },
            _ => return,
        };
        if reference.database.as_deref().is_some_and(str::is_empty) || reference.object.is_empty() {
            return;
        }
        self.add_usage(Usage::ObjectReference(reference), token);
    }

    /// Constructs that start with a keyword and may stand at any depth.
    /// Returns the index after them when handled.
    fn keyword_usage(&mut self, tokens: &[Tok], at: usize) -> Option<usize> {
        let token = &tokens[at];
        if token.is_any(&["OPENQUERY", "OPENDATASOURCE", "OPENROWSET"])
            && tokens.get(at + 1).is_some_and(|t| t.kind == Kind::LParen)
        {
            let close = matching_paren(tokens, at + 1);
            let arguments = &tokens[at + 2..close.min(tokens.len())];
            let first = arguments.first()?;
            let function = if token.is("OPENQUERY") {
                RowsetFunction::OpenQuery {
                    server: first.text.clone(),
                }
            } else if token.is("OPENROWSET") && first.is("BULK") {
                let data_source = named_option(arguments, "DATA_SOURCE");
                RowsetFunction::OpenRowsetBulk {
                    file: arguments.get(1).map(|t| t.text.clone()).unwrap_or_default(),
                    data_source,
                }
            } else if token.is("OPENROWSET") {
                // The provider is the first argument, a string literal
                // (`OPENROWSET('provider_name', …)`), or a `PROVIDER = '…'`
                // option; a word there (`OPENROWSET(TABLE RSCPROP, @id)`,
                // SQL Server's internal form) names no provider.
                let provider = if first.kind == Kind::String {
                    Some(first.text.clone())
                } else {
                    named_option(arguments, "PROVIDER")
                };
                let Some(provider) = provider else {
                    return Some(close + 1);
                };
                RowsetFunction::OpenRowset { provider }
            } else {
                RowsetFunction::OpenDataSource {
                    provider: first.text.clone(),
                }
            };
            self.add_usage(Usage::RowsetFunction(function), token);
            // OPENDATASOURCE(…).Db.Schema.Table names a remote object: skip it.
            let mut after = close + 1;
            while tokens.get(after).is_some_and(|t| t.kind == Kind::Period)
                && tokens.get(after + 1).is_some_and(|t| t.kind == Kind::Word)
            {
                after += 2;
            }
            return Some(after);
        }
        // ADD/DROP SENSITIVITY CLASSIFICATION TO|FROM schema.table.column:
        // columns of this database, not objects in another.
        if token.is_any(&["ADD", "DROP"]) && tokens.get(at + 1).is_some_and(|t| t.is("SENSITIVITY"))
        {
            return Some(statement_end(tokens, at + 1));
        }
        if token.is("FASTFIRSTROW") {
            self.add_usage(Usage::LegacySyntax(LegacySyntax::FastFirstRow), token);
            return Some(at + 1);
        }
        if token.is("COMPUTE")
            && tokens.get(at + 1).is_some_and(|t| {
                t.is_any(&[
                    "SUM",
                    "AVG",
                    "COUNT",
                    "MIN",
                    "MAX",
                    "STDEV",
                    "STDEVP",
                    "VAR",
                    "VARP",
                    "COUNT_BIG",
                ])
            })
        {
            self.add_usage(Usage::LegacySyntax(LegacySyntax::Compute), token);
            return Some(at + 1);
        }
        if token.is("RAISERROR")
            && tokens
                .get(at + 1)
                .is_some_and(|t| t.kind == Kind::Number || t.text.starts_with('@'))
            && tokens
                .get(at + 2)
                .is_some_and(|t| t.kind == Kind::String || t.text.starts_with('@'))
        {
            self.add_usage(
                Usage::LegacySyntax(LegacySyntax::RaiserrorWithoutParentheses),
                token,
            );
            return Some(at + 3);
        }
        if token.is("SET")
            && tokens
                .get(at + 1)
                .is_some_and(|t| t.is("DISABLE_DEF_CNST_CHK"))
        {
            self.add_usage(Usage::LegacySyntax(LegacySyntax::DisableDefCnstChk), token);
            return Some(at + 2);
        }
        None
    }

    /// `a.x *= b.y` or `a.x =* b.y` in a condition (not `SET @v *= 2`).
    fn outer_join_operator(&mut self, tokens: &[Tok], at: usize) {
        let (Some(first), Some(second)) = (tokens.get(at), tokens.get(at + 1)) else {
            return;
        };
        let adjacent = first.line == second.line && second.column == first.column + 1;
        let operator = (first.kind == Kind::Star && second.kind == Kind::Eq)
            || (first.kind == Kind::Eq && second.kind == Kind::Star);
        if !adjacent || !operator || at == 0 {
            return;
        }
        // Compound assignment (`SET @x *= 2`, `SET col *= 2`) follows SET or a
        // comma in a SET list; the join operator follows WHERE/ON/AND/OR.
        let condition = tokens[..at]
            .iter()
            .rev()
            .find(|t| {
                t.kind == Kind::Word
                    && !t.quoted
                    && t.is_any(&["WHERE", "ON", "AND", "OR", "HAVING", "SET", "SELECT"])
            })
            .is_some_and(|t| !t.is_any(&["SET", "SELECT"]));
        let left_is_variable = tokens[at - 1].text.starts_with('@');
        if condition && !left_is_variable {
            self.add_usage(Usage::LegacySyntax(LegacySyntax::OuterJoinOperator), first);
        }
    }

    /// `EXEC …` at the top level: a procedure call, `EXEC (…) [AT server]`.
    pub(super) fn execute(&mut self, tokens: &[Tok], at: usize) -> Option<usize> {
        let mut i = at + 1;
        // EXECUTE AS USER / LOGIN / OWNER: an impersonation, not a call.
        if tokens.get(i)?.is("AS") {
            return Some(i + 1);
        }
        if tokens.get(i)?.kind == Kind::LParen {
            let close = matching_paren(tokens, i);
            let mut end = close + 1;
            if tokens.get(end).is_some_and(|t| t.is("AT")) {
                if let Some(server) = tokens.get(end + 1).filter(|t| t.is_name()) {
                    self.add_usage(
                        Usage::RemoteExecution {
                            server: server.text.clone(),
                        },
                        &tokens[at],
                    );
                }
                end += 2;
            }
            return Some(end);
        }
        // EXEC @status = procedure …
        if tokens.get(i)?.text.starts_with('@')
            && tokens.get(i + 1).is_some_and(|t| t.kind == Kind::Eq)
        {
            i += 2;
        }
        self.procedure_call(tokens, at, i)
    }

    /// A call of the procedure named at `name_at`; `at` is where the
    /// statement starts (EXEC, or the name itself).
    pub(super) fn procedure_call(
        &mut self,
        tokens: &[Tok],
        at: usize,
        name_at: usize,
    ) -> Option<usize> {
        let first = tokens.get(name_at).filter(|t| t.is_name())?;
        if first.text.starts_with('@') {
            return Some(name_at + 1);
        }
        let (parts, after_name) = name_parts(tokens, name_at);
        let end = statement_end(tokens, after_name);
        let call = ProcedureCall {
            name: parts.join("."),
            arguments: call_arguments(&tokens[after_name..end]),
        };
        // `[Sales].[dbo].[sp_fulltext_database]` runs a system procedure in
        // Sales' context (SSMS writes it under USE master): not a dependency.
        let system_procedure = parts.last().is_some_and(|name| has_prefix(name, "sp_"));
        if parts.len() >= 3 && !system_procedure {
            self.object_reference(&parts, ReferenceRole::Execute, first);
        }
        self.lower_call(&call, &tokens[at]);
        let short = call.short_name();
        if short.eq_ignore_ascii_case("sp_add_jobstep")
            || short.eq_ignore_ascii_case("sp_update_jobstep")
        {
            self.job_step_command(&tokens[after_name..end], &call);
        }
        self.add_usage(Usage::ProcedureCall(call), &tokens[at]);
        Some(end)
    }

    /// A T-SQL job step's `@command` is code that runs in `@database_name`
    /// (master by default): scan it like an executed string.
    fn job_step_command(&mut self, arguments: &[Tok], call: &ProcedureCall) {
        let subsystem = call.argument("@subsystem", 4).and_then(ArgumentValue::text);
        if subsystem.is_some_and(|s| !s.trim().eq_ignore_ascii_case("TSQL")) {
            return;
        }
        let Some(command) =
            argument_token(arguments, "@command", 5).filter(|t| t.kind == Kind::String)
        else {
            return;
        };
        let database = call
            .argument("@database_name", 13)
            .and_then(ArgumentValue::text)
            .map_or_else(|| "master".to_string(), |db| db.trim().to_string());
        // The token holds the unescaped text; put the quotes back so that
        // positions match the file.
        let raw = command.text.replace('\'', "''");
        let variables = std::rc::Rc::clone(&self.variables);
        let outer = self.current_database.replace(database);
        self.scan_dynamic(
            &raw,
            command.line,
            command.column + command.prefix,
            &variables,
        );
        self.current_database = outer;
    }

    /// Turns the calls that configure something into the facts a live
    /// server shows for the same thing.
    fn lower_call(&mut self, call: &ProcedureCall, token: &Tok) {
        let name = call.short_name().to_ascii_lowercase();
        let origin = self.origin(token);
        // Names compare without trailing spaces in SQL Server.
        let text = |name: &str, position: usize| {
            call.argument(name, position)
                .and_then(ArgumentValue::text)
                .map(|value| value.trim().to_string())
        };
        match name.as_str() {
            "sp_dbcmptlevel" => {
                let database = text("@dbname", 0);
                let level = text("@new_cmptlevel", 1).and_then(|l| l.trim().parse::<u16>().ok());
                if let (Some(database), Some(level)) = (database, level)
                    && let Some(facts) = self.target(Target::Named(&database))
                {
                    facts.settings.push(Fact::new(
                        DatabaseSetting::CompatibilityLevel(level),
                        origin,
                    ));
                }
            }
            "sp_configure" => {
                let option = text("@configname", 0);
                let value = text("@configvalue", 1).and_then(|v| v.trim().parse::<i64>().ok());
                if let (Some(option), Some(value)) = (option, value) {
                    self.facts.server.configurations.push(Fact::new(
                        Configuration {
                            name: option.trim().to_ascii_lowercase(),
                            value,
                        },
                        origin,
                    ));
                }
            }
            "sp_addlinkedserver" => {
                if let Some(server) = text("@server", 0) {
                    let provider = text("@provider", 2);
                    self.facts.server.linked_servers.push(Fact::new(
                        LinkedServer {
                            name: server,
                            provider,
                        },
                        origin,
                    ));
                }
            }
            "sp_add_jobstep" | "sp_update_jobstep" => {
                // Positions as documented for sp_add_jobstep.
                let subsystem = text("@subsystem", 4).unwrap_or_else(|| "TSQL".to_string());
                // The step's database is not added to the scan: a job in msdb
                // does not tell that scripts of that database were given.
                let database = text("@database_name", 13);
                self.facts.server.job_steps.push(Fact::new(
                    JobStep {
                        job: text("@job_name", 1),
                        step: text("@step_name", 3),
                        subsystem,
                        database,
                        command: text("@command", 5),
                    },
                    origin,
                ));
            }
            _ => {
                let Some(feature) = replication_feature(&name) else {
                    return;
                };
                if name == "sp_replicationdboption" {
                    // Only `publish` / `merge publish` = true publishes.
                    let enabled = text("@value", 2).is_some_and(|v| v.eq_ignore_ascii_case("true"));
                    if !enabled {
                        return;
                    }
                }
                let database = text("@dbname", 0)
                    .filter(|_| name == "sp_replicationdboption")
                    .or_else(|| {
                        text("@database", 0).filter(|_| name.starts_with("sp_add_log_shipping"))
                    });
                let facts = match &database {
                    Some(database) if !is_system_database(database) => {
                        self.facts.database(database)
                    }
                    _ => self.usage_target(),
                };
                facts.replication.push(Fact::new(feature, origin));
            }
        }
    }

    /// CREATE/ALTER of server objects and of the objects LR3xx care about.
    /// Returns None when `object` is not one of them.
    pub(super) fn create_or_alter_usage(
        &mut self,
        tokens: &[Tok],
        at: usize,
        object_at: usize,
    ) -> Option<Option<usize>> {
        let object = tokens.get(object_at)?;
        let create = tokens[at].is("CREATE");
        let handled = if object.is("ASSEMBLY") {
            self.assembly(tokens, at, object_at + 1)
        } else if object.is("ROUTE") {
            self.route(tokens, at, object_at + 1)
        } else if object.is_any(&["QUEUE", "SERVICE"]) && create {
            let (name, after) = object_name(tokens, object_at + 1)?;
            self.add_usage(
                Usage::BrokerObject {
                    kind: object.text.to_ascii_lowercase(),
                    name,
                },
                &tokens[at],
            );
            Some(statement_end(tokens, after))
        } else if object.is("ENDPOINT") {
            self.endpoint(tokens, at, object_at + 1)
        } else if object.is("EVENT") && tokens.get(object_at + 1).is_some_and(|t| t.is("SESSION")) {
            self.event_session(tokens, at, object_at + 2)
        } else if object.is("LOGIN") && create {
            self.login(tokens, at, object_at + 1)
        } else if object.is("SERVER") && tokens.get(object_at + 1).is_some_and(|t| t.is("AUDIT")) {
            if tokens
                .get(object_at + 2)
                .is_some_and(|t| t.is("SPECIFICATION"))
            {
                return Some(None);
            }
            self.server_audit(tokens, at, object_at + 2)
        } else if object.is("CRYPTOGRAPHIC")
            && tokens.get(object_at + 1).is_some_and(|t| t.is("PROVIDER"))
            && create
        {
            let name = tokens.get(object_at + 2).filter(|t| t.is_name())?;
            let origin = self.origin(&tokens[at]);
            self.facts
                .server
                .cryptographic_providers
                .push(Fact::new(name.text.clone(), origin));
            Some(statement_end(tokens, object_at + 3))
        } else if object.is("SYNONYM") && create {
            let (_, after) = object_name(tokens, object_at + 1)?;
            if tokens.get(after).is_some_and(|t| t.is("FOR")) {
                let (parts, end) = name_parts(tokens, after + 1);
                if let Some(first) = tokens.get(after + 1) {
                    self.object_reference(&parts, ReferenceRole::Synonym, first);
                }
                Some(end)
            } else {
                Some(after)
            }
        } else {
            return None;
        };
        Some(handled)
    }

    fn assembly(&mut self, tokens: &[Tok], at: usize, name_at: usize) -> Option<usize> {
        let name = tokens.get(name_at).filter(|t| t.is_name())?.text.clone();
        let end = statement_end(tokens, name_at + 1);
        let body = &tokens[name_at + 1..end];
        // FROM 'path', or a path built by an expression (`@dir + N'\x.dll'`:
        // any operand a string literal); binary bits (0x…) or a lone
        // variable (bits or a path) load no file we can name.
        // (`ALTER ASSEMBLY … ADD FILE FROM 0x… AS N'x.pdb'` adds a file's
        // bits, not an assembly from a path.)
        let from_file = body
            .iter()
            .enumerate()
            .position(|(i, t)| t.is("FROM") && !(i > 0 && body[i - 1].is("FILE")))
            .and_then(|from| {
                let expression: Vec<&Tok> = body[from + 1..]
                    .iter()
                    .take_while(|t| {
                        !t.is_any(&["WITH", "ADD", "DROP", "AS"]) && t.kind != Kind::Comma
                    })
                    .collect();
                match expression.as_slice() {
                    [only] if only.kind == Kind::String => Some(only.text.clone()),
                    // Shown as the concatenation of its names and literals.
                    parts if parts.iter().any(|t| t.kind == Kind::String) => Some(
                        parts
                            .iter()
                            .filter_map(|t| match t.kind {
                                Kind::String => Some(format!("'{}'", t.text)),
                                Kind::Word => Some(t.text.clone()),
                                _ => None,
                            })
                            .collect::<Vec<_>>()
                            .join(" + "),
                    ),
                    _ => None,
                }
            });
        let permission = match named_option(body, "PERMISSION_SET").map(|p| p.to_ascii_uppercase())
        {
            Some(p) if p == "EXTERNAL_ACCESS" => AssemblyPermission::ExternalAccess,
            Some(p) if p == "UNSAFE" => AssemblyPermission::Unsafe,
            _ => AssemblyPermission::Safe,
        };
        let create = tokens[at].is("CREATE");
        // ALTER ASSEMBLY without FROM or PERMISSION_SET changes nothing we judge.
        if !create && from_file.is_none() && permission == AssemblyPermission::Safe {
            return Some(end);
        }
        let origin = self.origin(&tokens[at]);
        self.usage_target().assemblies.push(Fact::new(
            Assembly {
                name,
                from_file,
                permission,
            },
            origin,
        ));
        Some(end)
    }

    fn route(&mut self, tokens: &[Tok], at: usize, name_at: usize) -> Option<usize> {
        let name = tokens.get(name_at).filter(|t| t.is_name())?.text.clone();
        let end = statement_end(tokens, name_at + 1);
        if let Some(address) = named_option(&tokens[name_at + 1..end], "ADDRESS") {
            self.add_usage(Usage::BrokerRoute { name, address }, &tokens[at]);
        }
        Some(end)
    }

    fn endpoint(&mut self, tokens: &[Tok], at: usize, name_at: usize) -> Option<usize> {
        let name = tokens.get(name_at).filter(|t| t.is_name())?.text.clone();
        let end = statement_end(tokens, name_at + 1);
        let body = &tokens[name_at + 1..end];
        let create = tokens[at].is("CREATE");
        // `FOR DATABASE_MIRRORING`, or `FOR DATA_MIRRORING` as SSMS scripts
        // it; an ALTER without a FOR clause is about mirroring only when this
        // script created the endpoint so (ALTER ENDPOINT x STATE = STOPPED
        // says nothing about mirroring when x is a Service Broker endpoint).
        let payload = body
            .windows(2)
            .find(|pair| pair[0].is("FOR") && pair[1].kind == Kind::Word)
            .map(|pair| pair[1].text.to_ascii_uppercase());
        let mirroring = match payload.as_deref() {
            Some("DATABASE_MIRRORING" | "DATA_MIRRORING") => true,
            Some(_) => false,
            None => {
                !create
                    && self
                        .facts
                        .server
                        .mirroring_endpoints
                        .iter()
                        .any(|e| e.value.name.eq_ignore_ascii_case(&name))
            }
        };
        if !mirroring {
            return Some(end);
        }
        // What CREATE leaves unstated takes the documented defaults
        // (MicrosoftDocs/sql-docs docs/t-sql/statements/create-endpoint-
        // transact-sql.md): STATE STOPPED, AUTHENTICATION WINDOWS (NEGOTIATE),
        // ENCRYPTION REQUIRED. The default ALGORITHM depends on the version
        // (AES from SQL Server 2016, RC4 before), so it stays unstated. An
        // ALTER changes only what it states.
        let state = named_option(body, "STATE")
            .map(|s| s.to_ascii_uppercase())
            .or_else(|| create.then(|| "STOPPED".to_string()));
        let authentication = body
            .iter()
            .position(|t| t.is("AUTHENTICATION"))
            .map(|from| {
                body[from..]
                    .iter()
                    .skip(2)
                    .take_while(|t| t.kind != Kind::Comma && t.kind != Kind::RParen)
                    .any(|t| t.is("CERTIFICATE"))
            })
            .or(create.then_some(false));
        let encryption_at = body.iter().position(|t| t.is("ENCRYPTION"));
        let encryption = encryption_at
            .and_then(|e| body.get(e + 2))
            .map(|t| t.text.to_ascii_uppercase())
            .or_else(|| create.then(|| "REQUIRED".to_string()));
        let algorithm = encryption_at.and_then(|e| {
            let rest = &body[e..];
            let algorithm_at = rest
                .iter()
                .take_while(|t| t.kind != Kind::Comma && t.kind != Kind::RParen)
                .position(|t| t.is("ALGORITHM"))?;
            let words: Vec<String> = rest[algorithm_at + 1..]
                .iter()
                .take_while(|t| t.kind == Kind::Word)
                .map(|t| t.text.to_ascii_uppercase())
                .collect();
            Some(words.join(" "))
        });
        let origin = self.origin(&tokens[at]);
        self.facts.server.mirroring_endpoints.push(Fact::new(
            MirroringEndpoint {
                name,
                state,
                certificate_authentication: authentication,
                encryption,
                algorithm,
                certificate: None,
                certificate_days_left: None,
                port: named_option(body, "LISTENER_PORT").and_then(|port| port.parse().ok()),
            },
            origin,
        ));
        Some(end)
    }

    fn login(&mut self, tokens: &[Tok], at: usize, name_at: usize) -> Option<usize> {
        let name = tokens.get(name_at).filter(|t| t.is_name())?.text.clone();
        let end = statement_end(tokens, name_at + 1);
        let windows = tokens[name_at + 1..end]
            .windows(2)
            .any(|w| w[0].is("FROM") && w[1].is("WINDOWS"));
        let origin = self.origin(&tokens[at]);
        self.facts
            .server
            .logins
            .push(Fact::new(Login { name, windows }, origin));
        Some(end)
    }

    fn server_audit(&mut self, tokens: &[Tok], at: usize, name_at: usize) -> Option<usize> {
        let name = tokens.get(name_at).filter(|t| t.is_name())?.text.clone();
        let end = statement_end(tokens, name_at + 1);
        let body = &tokens[name_at + 1..end];
        let target = body
            .windows(2)
            .find(|w| w[0].is("TO") && w[1].kind == Kind::Word)
            .map(|w| w[1].text.to_ascii_uppercase());
        if let Some(target) = target {
            let origin = self.origin(&tokens[at]);
            self.facts
                .server
                .server_audits
                .push(Fact::new(ServerAudit { name, target }, origin));
        }
        Some(end)
    }

    /// `CREATE/ALTER EVENT SESSION s ON SERVER … ADD TARGET p.t (SET
    /// filename = N'…', …)`: each target added, with its file when a
    /// literal names it. A session `ON DATABASE` (Azure SQL Database) is
    /// not the server's.
    fn event_session(&mut self, tokens: &[Tok], at: usize, name_at: usize) -> Option<usize> {
        let session = tokens.get(name_at).filter(|t| t.is_name())?.text.clone();
        let end = statement_end(tokens, name_at + 1);
        let body = &tokens[name_at + 1..end];
        if body.first().is_some_and(|t| t.is("ON")) && body.get(1).is_some_and(|t| t.is("DATABASE"))
        {
            return Some(end);
        }
        let origin = self.origin(&tokens[at]);
        let mut i = 0;
        while i + 1 < body.len() {
            if !(body[i].is("ADD") && body[i + 1].is("TARGET")) {
                i += 1;
                continue;
            }
            let (parts, after) = name_parts(body, i + 2);
            let Some(target) = parts.last().map(|t| t.to_ascii_lowercase()) else {
                i += 2;
                continue;
            };
            // The target's options, up to its closing parenthesis:
            // `SET filename = N'…'`.
            let options = if body.get(after).is_some_and(|t| t.kind == Kind::LParen) {
                &body[after..matching_paren(body, after).min(body.len())]
            } else {
                &[]
            };
            let file = options
                .windows(3)
                .find(|w| {
                    w[0].kind == Kind::Word
                        && w[0].text.eq_ignore_ascii_case("filename")
                        && w[1].kind == Kind::Eq
                })
                .filter(|w| w[2].kind == Kind::String)
                .map(|w| w[2].text.clone());
            let next = after + options.len();
            self.facts.server.event_session_targets.push(Fact::new(
                EventSessionTarget {
                    session: session.clone(),
                    target,
                    file,
                },
                origin.clone(),
            ));
            i = next.max(i + 2);
        }
        Some(end)
    }

    /// `BACKUP DATABASE|LOG name TO DISK|TAPE|URL = …` (or a backup device).
    pub(super) fn backup(&mut self, tokens: &[Tok], at: usize) -> Option<usize> {
        let kind = tokens.get(at + 1)?;
        if !kind.is_any(&["DATABASE", "LOG"]) {
            return None;
        }
        let database = tokens.get(at + 2).filter(|t| t.is_name())?.text.clone();
        let end = statement_end(tokens, at + 3);
        let body = &tokens[at + 3..end];
        let to = body.iter().position(|t| t.is("TO"))?;
        let device = body.get(to + 1)?;
        let device = if device.is("URL") {
            return Some(end);
        } else if device.is_any(&["DISK", "TAPE"]) {
            device.text.to_ascii_uppercase()
        } else {
            format!("device {}", device.text)
        };
        self.add_usage(Usage::BackupToDevice { database, device }, &tokens[at]);
        Some(end)
    }

    /// `BULK INSERT table FROM 'file' [WITH (DATA_SOURCE = 'x', …)]`.
    pub(super) fn bulk_insert(&mut self, tokens: &[Tok], at: usize) -> Option<usize> {
        if !tokens.get(at + 1)?.is("INSERT") {
            return None;
        }
        let (_, after) = object_name(tokens, at + 2)?;
        let end = statement_end(tokens, after);
        let body = &tokens[after..end];
        let file = body
            .windows(2)
            .find(|w| w[0].is("FROM") && w[1].kind == Kind::String)
            .map(|w| w[1].text.clone())?;
        let data_source = named_option(body, "DATA_SOURCE");
        self.add_usage(Usage::BulkInsert { file, data_source }, &tokens[at]);
        Some(end)
    }

    /// `BEGIN DISTRIBUTED TRAN[SACTION]`.
    pub(super) fn begin(&mut self, tokens: &[Tok], at: usize) -> Option<usize> {
        if tokens.get(at + 1)?.is("DISTRIBUTED")
            && tokens.get(at + 2)?.is_any(&["TRAN", "TRANSACTION"])
        {
            self.add_usage(Usage::DistributedTransaction, &tokens[at]);
            return Some(at + 3);
        }
        None
    }

    /// `ALTER DATABASE … SET ENABLE_BROKER | DISABLE_BROKER` is read with the
    /// other options; this maps the option word.
    pub(super) fn broker_setting(option: &Tok) -> Option<DatabaseSetting> {
        if option.is_any(&["ENABLE_BROKER", "NEW_BROKER"]) {
            Some(DatabaseSetting::Broker(true))
        } else if option.is("DISABLE_BROKER") {
            Some(DatabaseSetting::Broker(false))
        } else {
            None
        }
    }
}

/// The first token of the argument named `name`, or else of the one at
/// `position` (0-based) when arguments are passed by position.
fn argument_token<'t>(arguments: &'t [Tok], name: &str, position: usize) -> Option<&'t Tok> {
    let mut start = 0;
    let mut index = 0;
    let mut positional = None;
    while start < arguments.len() {
        let end = list_element_end(arguments, start);
        let element = &arguments[start..end];
        let named = matches!(element, [argument, eq, ..] if eq.kind == Kind::Eq && argument.text.starts_with('@'));
        if named {
            if element[0].text.eq_ignore_ascii_case(name) {
                return element.get(2);
            }
        } else if index == position {
            positional = element.first();
        }
        index += 1;
        start = end + 1;
    }
    positional
}

fn replication_feature(procedure: &str) -> Option<ReplicationFeature> {
    Some(match procedure {
        "sp_replicationdboption"
        | "sp_addpublication"
        | "sp_addmergepublication"
        | "sp_addarticle"
        | "sp_addmergearticle" => ReplicationFeature::Publication,
        "sp_addsubscription"
        | "sp_addpullsubscription"
        | "sp_addmergesubscription"
        | "sp_addmergepullsubscription" => ReplicationFeature::Subscription,
        "sp_cdc_enable_db" | "sp_cdc_enable_table" => ReplicationFeature::ChangeDataCapture,
        _ if procedure.starts_with("sp_add_log_shipping_") => ReplicationFeature::LogShipping,
        _ => return None,
    })
}

/// A multi-part name at `at` as its parts (an empty part for `db..object`),
/// and the index after it.
pub(super) fn name_parts(tokens: &[Tok], at: usize) -> (Vec<String>, usize) {
    let mut parts = Vec::new();
    let mut i = at;
    match tokens.get(i) {
        Some(t) if t.kind == Kind::Word => {
            parts.push(t.text.clone());
            i += 1;
        }
        Some(t) if t.kind == Kind::Period => parts.push(String::new()),
        _ => return (parts, at + 1),
    }
    while tokens.get(i).is_some_and(|t| t.kind == Kind::Period) {
        i += 1;
        match tokens.get(i) {
            Some(t) if t.kind == Kind::Word => {
                parts.push(t.text.clone());
                i += 1;
            }
            _ => parts.push(String::new()),
        }
    }
    (parts, i)
}

/// Words that cannot be a table alias (what follows a table name instead).
const NOT_ALIASES: &[&str] = &[
    "WHERE",
    "ON",
    "JOIN",
    "INNER",
    "LEFT",
    "RIGHT",
    "FULL",
    "CROSS",
    "OUTER",
    "GROUP",
    "ORDER",
    "HAVING",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "SET",
    "WITH",
    "OPTION",
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "EXEC",
    "EXECUTE",
    "PIVOT",
    "UNPIVOT",
    "FOR",
    "VALUES",
    "OUTPUT",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "AND",
    "OR",
    "APPLY",
    "TABLESAMPLE",
    "DEFAULT",
];

/// The names tables go by in a window: their last name part and their alias
/// (`FROM dbo.Customers AS c` gives customers and c).
fn table_aliases(tokens: &[Tok]) -> Vec<String> {
    let mut aliases = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !tokens[i].is_any(&["FROM", "JOIN", "APPLY", "UPDATE", "INTO", "USING"]) {
            i += 1;
            continue;
        }
        let (parts, after) = name_parts(tokens, i + 1);
        if let Some(last) = parts.last().filter(|p| !p.is_empty()) {
            aliases.push(last.clone());
        }
        let mut at = after;
        if tokens.get(at).is_some_and(|t| t.kind == Kind::LParen) {
            at = matching_paren(tokens, at) + 1;
        }
        if tokens.get(at).is_some_and(|t| t.is("AS")) {
            at += 1;
        }
        if let Some(alias) = tokens
            .get(at)
            .filter(|t| t.kind == Kind::Word && (t.quoted || !t.is_any(NOT_ALIASES)))
        {
            aliases.push(alias.text.clone());
        }
        i = after.max(i + 1);
    }
    aliases
}

fn is_type_method(parts: &[String]) -> bool {
    parts
        .last()
        .is_some_and(|last| TYPE_METHODS.iter().any(|m| m.eq_ignore_ascii_case(last)))
}

fn is_dbo_or_empty(part: &str) -> bool {
    part.is_empty() || part.eq_ignore_ascii_case("dbo")
}

/// `NAME = value` (or `NAME value`) inside a token list: the value's text.
pub(super) fn named_option(tokens: &[Tok], name: &str) -> Option<String> {
    let at = tokens.iter().position(|t| t.is(name))?;
    let mut value = tokens.get(at + 1)?;
    if value.kind == Kind::Eq {
        value = tokens.get(at + 2)?;
    }
    Some(value.text.clone())
}

/// The arguments of a procedure call: `value`, `@name = value`, `… OUTPUT`.
fn call_arguments(tokens: &[Tok]) -> Vec<Argument> {
    let mut arguments = Vec::new();
    let mut start = 0;
    while start < tokens.len() {
        let end = list_element_end(tokens, start);
        let element = &tokens[start..end];
        let (name, value) = match element {
            [name, eq, rest @ ..] if eq.kind == Kind::Eq && name.text.starts_with('@') => {
                (Some(name.text.clone()), rest)
            }
            _ => (None, element),
        };
        let value = match value {
            [minus, number, ..] if minus.kind == Kind::Minus && number.kind == Kind::Number => {
                ArgumentValue::Number(format!("-{}", number.text))
            }
            [single, ..] => match single.kind {
                Kind::String => ArgumentValue::String(single.text.clone()),
                Kind::Number => ArgumentValue::Number(single.text.clone()),
                Kind::Word => ArgumentValue::Name(single.text.clone()),
                _ => ArgumentValue::Other,
            },
            [] => ArgumentValue::Other,
        };
        if !element.is_empty() {
            arguments.push(Argument { name, value });
        }
        start = end + 1;
    }
    arguments
}
