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
