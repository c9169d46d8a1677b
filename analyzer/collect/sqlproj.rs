//! SSDT database projects: a folder holding a `.sqlproj` builds one
//! database, and its scripts rarely say `USE`. The project file names that
//! database and defines the SQLCMD variables its pre- and post-deployment
//! scripts use.
//!
//! What is read, and from where:
//! - The database: the `TargetDatabaseName` or `TargetDatabase` property
//!   when the project sets one, else its `Name` property (SSDT writes the
//!   project's name there), else the project file's name; properties of
//!   unconditional groups before those of one build configuration. A value that is
//!   itself an MSBuild expression (`$(MSBuildProjectName)`) is not a name.
//! - `$(DatabaseName)`: SSDT defines it as the name of the target database
//!   at deployment (Visual Studio database projects, "How to: Define
//!   Variables for Database Projects", learn.microsoft.com
//!   previous-versions/visualstudio/visual-studio-2010/bb386162).
//! - `<SqlCmdVariable Include="X">` items with `<DefaultValue>` or a
//!   literal `<Value>` (learn.microsoft.com sql/tools/sql-database-projects/
//!   concepts/sqlcmd-variables: "SQLCMD variables are defined in the
//!   .sqlproj file under an <ItemGroup> item"). `Value` usually refers to an
//!   MSBuild property (`$(SqlCmdVar__1)`) set at publish time: such a value
//!   is unknown here, and `$(X)` stays as written.

use std::path::Path;

use super::batches::Variables;

/// What a database project tells about its scripts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseProject {
    /// The project file, as found under the argument given.
    pub path: String,
    /// The database the project builds.
    pub database: String,
    /// SQLCMD variables known before any `:setvar`, by upper-cased name.
    pub variables: Variables,
}

/// Whether `path` names an SSDT project file.
pub fn is_project_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| is_project_name(name.as_encoded_bytes()))
}

/// Whether a file name (its bytes) is an SSDT project file's.
pub(crate) fn is_project_name(name: &[u8]) -> bool {
    super::has_extension(name, b"sqlproj")
}

/// Reads a project file's text (already decoded); `shown` names it in
/// errors. A file that is not XML is an error: its scripts are then read as
/// loose scripts, and the caller reports why.
pub fn read_project(text: &str, shown: &str) -> Result<DatabaseProject, String> {
    let document = roxmltree::Document::parse(text).map_err(|error| {
        format!("not a database project (not XML: {error}); its scripts were read without it")
    })?;
    let root = document.root_element();
    if root.tag_name().name() != "Project" {
        return Err(
            "not a database project (no <Project> element); its scripts were read without it"
                .to_string(),
        );
    }
    let property = |names: &[&str]| -> Option<String> {
        // Unconditional property groups first: a Condition applies to one
        // build configuration only.
        for conditional in [false, true] {
            for group in root
                .children()
                .filter(|node| node.tag_name().name() == "PropertyGroup")
                .filter(|group| group.has_attribute("Condition") == conditional)
            {
                for name in names {
                    let value = group
                        .children()
                        .find(|node| node.tag_name().name() == *name)
                        .and_then(|node| node.text())
                        .map(str::trim)
                        .filter(|value| !value.is_empty() && !value.contains("$("));
                    if let Some(value) = value {
                        return Some(value.to_string());
                    }
                }
            }
        }
        None
    };
    let database = property(&["TargetDatabaseName", "TargetDatabase", "Name"])
        .or_else(|| {
            Path::new(shown)
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    let mut variables = Variables::new();
    for item in root
        .descendants()
        .filter(|node| node.tag_name().name() == "SqlCmdVariable")
    {
        let Some(name) = item.attribute("Include").map(str::trim) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let child = |tag: &str| {
            item.children()
                .find(|node| node.tag_name().name() == tag)
                .and_then(|node| node.text())
                .filter(|value| !value.contains("$("))
                .map(str::to_string)
        };
        if let Some(value) = child("Value").or_else(|| child("DefaultValue")) {
            variables.insert(name.to_ascii_uppercase(), value);
        }
    }
    // The database wins over a variable of the same name: SSDT sets it.
    if !database.is_empty() {
        variables.insert("DATABASENAME".to_string(), database.clone());
    }
    Ok(DatabaseProject {
        path: shown.to_string(),
        database,
        variables,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_is_the_target_then_the_name_then_the_file() {
        let sdk = r#"<Project Sdk="Microsoft.Build.Sql/1.0.0">
  <PropertyGroup Condition="'$(Configuration)' == 'Debug'"><TargetDatabaseName>DebugDb</TargetDatabaseName></PropertyGroup>
  <PropertyGroup><Name>Sales &amp; Ops</Name></PropertyGroup>
  <ItemGroup>
    <SqlCmdVariable Include="Env"><DefaultValue>test</DefaultValue><Value>$(SqlCmdVar__1)</Value></SqlCmdVariable>
    <SqlCmdVariable Include="Share"><Value>\\files\drop</Value></SqlCmdVariable>
    <SqlCmdVariable Include="Unset"><Value>$(SqlCmdVar__2)</Value></SqlCmdVariable>
  </ItemGroup>
</Project>"#;
        let project = read_project(sdk, "p/Sales.sqlproj").expect("a project");
        // The unconditional Name comes before a Debug-only target name.
        assert_eq!(project.database, "Sales & Ops");
        assert_eq!(project.variables["DATABASENAME"], "Sales & Ops");
        assert_eq!(project.variables["ENV"], "test");
        assert_eq!(project.variables["SHARE"], r"\\files\drop");
        assert!(!project.variables.contains_key("UNSET"));

        let classic = r#"<?xml version="1.0" encoding="utf-8"?>
<Project DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003" ToolsVersion="4.0">
  <PropertyGroup><Name>$(MSBuildProjectName)</Name><TargetDatabase>Inventory</TargetDatabase></PropertyGroup>
</Project>"#;
        let project = read_project(classic, "x/Whatever.sqlproj").expect("a project");
        assert_eq!(project.database, "Inventory");

        let bare = r#"<Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003"><PropertyGroup><Name>$(MSBuildProjectName)</Name></PropertyGroup></Project>"#;
        let project = read_project(bare, "x/Billing.sqlproj").expect("a project");
        assert_eq!(project.database, "Billing");

        let error = read_project("<Project>", "x/Broken.sqlproj").expect_err("not XML");
        assert!(
            error.starts_with("not a database project (not XML"),
            "{error}"
        );
    }
}
