//! Fact collectors. Each turns one kind of input into the fact model.

pub mod attribution;
pub mod batches;
pub(crate) mod byte_masks;
pub mod decode;
pub mod files;
pub mod fuzzing;
pub mod inventory;
pub mod live;
pub mod sqlproj;
pub mod tsql;

/// `Path::extension`'s rule on a file name, case-insensitively: what
/// follows the last dot, unless the dot starts the name (`.sql` is a
/// hidden file with no extension). On the name's bytes: the walk asks it of
/// every entry and its sort of both entries of every comparison, where
/// taking a `Path` apart showed in profiles (perf, issue 14).
pub(crate) fn has_extension(name: &[u8], extension: &[u8]) -> bool {
    match memchr::memrchr(b'.', name) {
        Some(dot) if dot > 0 => name[dot + 1..].eq_ignore_ascii_case(extension),
        _ => false,
    }
}
