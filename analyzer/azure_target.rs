//! The target managed instance read from Azure's own JSON instead of typed
//! by hand: `[target] from = "mi.json"` (the output of `az sql mi show -o
//! json` or `Get-AzSqlInstance | ConvertTo-Json`) and `databases_from =
//! "midb.json"` (`az sql midb list -o json` or `Get-AzSqlInstanceDatabase
//! | ConvertTo-Json`).
//!
//! Key names, by source:
//! - az prints the Python SDK model's attribute names in camelCase
//!   (knack's `todict`), flat, plus `resourceGroup`: `name`, `id`,
//!   `fullyQualifiedDomainName`, `collation`, `databaseFormat`,
//!   `isGeneralPurposeV2`, `sku.tier`, `vCores`, `storageSizeInGb`
//!   (Azure/azure-cli `src/azure-cli/azure/cli/command_modules/sql/tests/latest/test_sql_commands.py`
//!   checks `vCores`, `storageSizeInGb`, `collation`, `sku.tier`,
//!   `resourceGroup`; the newer attributes per azure-mgmt-sql's changelog,
//!   4.0.0b15). A later SDK nests them under `properties` with the REST
//!   spelling (`storageSizeInGB`): both shapes are read.
//! - PowerShell prints the model's C# properties in PascalCase
//!   (Azure/azure-powershell `src/Sql/Sql/ManagedInstance/Model/AzureSqlManagedInstanceModel.cs`:
//!   `ManagedInstanceName`, `ResourceGroupName`, `Id`,
//!   `FullyQualifiedDomainName`, `Collation`, `DatabaseFormat`,
//!   `IsGeneralPurposeV2`, `Sku.Tier`, `VCores`, `StorageSizeInGB`;
//!   `src/Sql/Sql/ManagedDatabase/Model/AzureSqlManagedDatabaseBaseModel.cs`:
//!   `Name`). Windows PowerShell 5.1's `Out-File` and `>` write UTF-16
//!   with a byte order mark: decoded as scripts are.
//! - Values: `sku.tier` is `GeneralPurpose` or `BusinessCritical`; Next-gen
//!   General Purpose is `GeneralPurpose` with `isGeneralPurposeV2: true`;
//!   `databaseFormat` is `AlwaysUpToDate`, `SQLServer2022` or
//!   `SQLServer2025` (Azure/azure-rest-api-specs
//!   `specification/sql/resource-manager/Microsoft.Sql/preview/2025-02-01-preview/ManagedInstances.json`,
//!   compared without case: Microsoft's pages also write `SqlServer2025`).
//!
//! What the JSON does not hold is reported, never guessed: neither output
//! says how much of the instance's storage is free (`storageSizeInGb` is
//! the reserved size), so `free_storage_gb` stays for linkready.toml.

use linkready_rules::{Tier, UpdatePolicy};
use serde_json::{Map, Value};

/// What a managed instance's JSON gives for `[target]`, and what it could
/// not (one note each).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct InstanceFields {
    pub name: Option<String>,
    pub resource_group: Option<String>,
    pub subscription: Option<String>,
    pub fqdn: Option<String>,
    pub tier: Option<Tier>,
    pub update_policy: Option<UpdatePolicy>,
    pub collation: Option<String>,
    /// Fields missing or not understood, for the user to see, each with
    /// the `[target]` key that would supply it.
    pub notes: Vec<(&'static str, String)>,
}

/// Which tool wrote the document (for the notes).
fn tool(object: &Map<String, Value>) -> &'static str {
    if object.contains_key("ManagedInstanceName") || object.contains_key("ResourceGroupName") {
        "Get-AzSqlInstance"
    } else {
        "az sql mi show"
    }
}

/// The value under any of `keys` (exact, then without case), in the object
/// or its `properties` (the ARM shape).
fn field<'a>(object: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    let nested = object.get("properties").and_then(Value::as_object);
    for map in std::iter::once(object).chain(nested) {
        for key in keys {
            if let Some(value) = map.get(*key).filter(|value| !value.is_null()) {
                return Some(value);
            }
        }
        for key in keys {
            if let Some((_, value)) = map
                .iter()
                .find(|(name, value)| name.eq_ignore_ascii_case(key) && !value.is_null())
            {
                return Some(value);
            }
        }
    }
    None
}

fn text(object: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    field(object, keys)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_string)
}

/// The one object of a document: an object, or an array of exactly one
/// (PowerShell prints a list when a cmdlet returns several).
fn single_object(document: &Value, what: &str) -> Result<Map<String, Value>, String> {
    match document {
        Value::Object(object) => Ok(object.clone()),
        Value::Array(items) if items.len() == 1 => items[0]
            .as_object()
            .cloned()
            .ok_or_else(|| format!("not {what}: the array's item is not an object")),
        Value::Array(items) => Err(format!(
            "holds {} items: give the output for one managed instance (az sql mi show, Get-AzSqlInstance -Name)",
            items.len()
        )),
        _ => Err(format!("not {what}: expected a JSON object")),
    }
}

/// `/subscriptions/<id>/resourceGroups/<group>/…`: the subscription and
/// the resource group of an ARM resource ID.
fn id_parts(id: &str) -> (Option<String>, Option<String>) {
    let parts: Vec<&str> = id.split('/').collect();
    let after = |key: &str| {
        parts
            .iter()
            .position(|part| part.eq_ignore_ascii_case(key))
            .and_then(|index| parts.get(index + 1))
            .filter(|value| !value.is_empty())
            .map(|value| value.to_string())
    };
    (after("subscriptions"), after("resourceGroups"))
}

/// Reads `az sql mi show -o json` or `Get-AzSqlInstance | ConvertTo-Json`.
pub fn read_instance(document: &Value) -> Result<InstanceFields, String> {
    let object = single_object(document, "a managed instance")?;
    let source = tool(&object);
    let mut fields = InstanceFields::default();
    let (subscription, group_from_id) = text(&object, &["id", "Id"])
        .map(|id| id_parts(&id))
        .unwrap_or_default();
    fields.name = text(&object, &["ManagedInstanceName", "name"]);
    if fields.name.is_none() && text(&object, &["fullyQualifiedDomainName"]).is_none() {
        return Err(format!(
            "not a managed instance ({source}'s output has name and fullyQualifiedDomainName)"
        ));
    }
    fields.resource_group =
        text(&object, &["ResourceGroupName", "resourceGroup"]).or(group_from_id);
    fields.subscription = subscription;
    fields.fqdn = text(
        &object,
        &["FullyQualifiedDomainName", "fullyQualifiedDomainName"],
    );
    fields.collation = text(&object, &["Collation", "collation"]);
    let tier = field(&object, &["Sku", "sku"])
        .and_then(Value::as_object)
        .and_then(|sku| text(sku, &["Tier", "tier"]));
    let next_gen = field(&object, &["IsGeneralPurposeV2", "isGeneralPurposeV2"])
        .and_then(Value::as_bool)
        .unwrap_or(false);
    fields.tier = match tier.as_deref() {
        Some(tier) if tier.eq_ignore_ascii_case("GeneralPurpose") && next_gen => {
            Some(Tier::NextGenGeneralPurpose)
        }
        Some(tier) if tier.eq_ignore_ascii_case("GeneralPurpose") => Some(Tier::GeneralPurpose),
        Some(tier) if tier.eq_ignore_ascii_case("BusinessCritical") => Some(Tier::BusinessCritical),
        Some(other) => {
            fields.notes.push(("tier", format!(
                "sku.tier {other:?} is not a tier linkready knows (GeneralPurpose, BusinessCritical): tier left unset"
            )));
            None
        }
        None => {
            fields
                .notes
                .push(("tier", "no sku.tier: tier left unset".to_string()));
            None
        }
    };
    fields.update_policy = match text(&object, &["DatabaseFormat", "databaseFormat"]) {
        Some(format) => {
            let policy = UpdatePolicy::parse(&format);
            if policy.is_none() {
                fields.notes.push(("update_policy", format!(
                    "databaseFormat {format:?} is not an update policy linkready knows (SQLServer2022, SQLServer2025, AlwaysUpToDate): update_policy left unset"
                )));
            }
            policy
        }
        None => {
            fields.notes.push((
                "update_policy",
                "no databaseFormat (older az and Az.Sql do not print it): update_policy left unset"
                    .to_string(),
            ));
            None
        }
    };
    for (missing, json_key, key) in [
        (fields.fqdn.is_none(), "fullyQualifiedDomainName", "fqdn"),
        (fields.collation.is_none(), "collation", "collation"),
        (
            fields.resource_group.is_none(),
            "resourceGroup",
            "resource_group",
        ),
    ] {
        if missing {
            fields.notes.push((
                key,
                format!("no {json_key} in {source}'s output: {key} left unset"),
            ));
        }
    }
    fields.notes.push((
        "free_storage_gb",
        format!(
            "{source} does not say how much storage is free (storageSizeInGb is the reserved size): set free_storage_gb in [target] for the capacity checks"
        ),
    ));
    Ok(fields)
}

/// Reads `az sql midb list -o json` or `Get-AzSqlInstanceDatabase |
/// ConvertTo-Json` (an array, or one object for one database): the names.
pub fn read_databases(document: &Value) -> Result<Vec<String>, String> {
    let items: Vec<&Value> = match document {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![document],
        _ => return Err("not a list of managed databases: expected a JSON array".to_string()),
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            item.as_object()
                .and_then(|object| text(object, &["Name", "name"]))
                .ok_or_else(|| format!("item {}: a managed database without a name", index + 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn az_flat_az_nested_and_powershell_read_alike() {
        let az = json!({"name": "mi1", "id": "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Sql/managedInstances/mi1",
            "resourceGroup": "rg1", "fullyQualifiedDomainName": "mi1.abc.database.windows.net",
            "collation": "SQL_Latin1_General_CP1_CI_AS", "databaseFormat": "SQLServer2025",
            "isGeneralPurposeV2": true, "sku": {"name": "GP_Gen5", "tier": "GeneralPurpose"}});
        let nested = json!({"name": "mi1", "id": "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Sql/managedInstances/mi1",
            "sku": {"tier": "GeneralPurpose"}, "properties": {"fullyQualifiedDomainName": "mi1.abc.database.windows.net",
            "collation": "SQL_Latin1_General_CP1_CI_AS", "databaseFormat": "sqlserver2025", "isGeneralPurposeV2": true}});
        let powershell = json!([{"ManagedInstanceName": "mi1", "ResourceGroupName": "rg1",
            "Id": "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Sql/managedInstances/mi1",
            "FullyQualifiedDomainName": "mi1.abc.database.windows.net", "Collation": "SQL_Latin1_General_CP1_CI_AS",
            "DatabaseFormat": "SqlServer2025", "IsGeneralPurposeV2": true, "Sku": {"Name": "GP_Gen5", "Tier": "GeneralPurpose", "Capacity": null}}]);
        let read = |document: &Value| {
            let mut fields = read_instance(document).unwrap();
            fields.notes.clear();
            fields
        };
        let expected = read(&az);
        assert_eq!(expected.tier, Some(Tier::NextGenGeneralPurpose));
        assert_eq!(expected.update_policy, Some(UpdatePolicy::SqlServer2025));
        assert_eq!(expected.subscription.as_deref(), Some("s1"));
        assert_eq!(read(&nested), expected);
        assert_eq!(read(&powershell), expected);
    }

    #[test]
    fn what_is_missing_or_unknown_is_reported_not_guessed() {
        let fields = read_instance(&json!({"name": "mi1", "sku": {"tier": "Hyperscale"}})).unwrap();
        assert_eq!(fields.tier, None);
        assert_eq!(fields.update_policy, None);
        let notes: Vec<&str> = fields.notes.iter().map(|(_, note)| note.as_str()).collect();
        let notes = notes.join("\n");
        assert!(notes.contains("\"Hyperscale\" is not a tier"), "{notes}");
        assert!(notes.contains("no databaseFormat"), "{notes}");
        assert!(notes.contains("free_storage_gb"), "{notes}");
        assert!(
            read_instance(&json!([{"name": "a"}, {"name": "b"}]))
                .unwrap_err()
                .contains("holds 2 items")
        );
        assert!(
            read_instance(&json!({"value": 1}))
                .unwrap_err()
                .contains("not a managed instance")
        );
        assert_eq!(
            read_databases(&json!([{"name": "Sales"}, {"Name": "HR"}])).unwrap(),
            ["Sales", "HR"]
        );
        assert!(
            read_databases(&json!([{"status": "Online"}]))
                .unwrap_err()
                .contains("item 1")
        );
    }
}
