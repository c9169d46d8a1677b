//! One file per rule. Adding a rule: its file here, a line in `registry.rs`,
//! and `fixtures/rules/<ID>/{fires,passes}.sql`.

mod lr201_system_database;
mod lr202_filestream;
mod lr203_filetable;
mod lr204_multiple_log_files;
mod lr205_in_memory_oltp;
mod lr209_stretch_database;
mod lr210_tde_certificate;
mod lr211_recovery_model;
mod lr215_compatibility_level;
mod lr216_accelerated_recovery;

pub use lr201_system_database::SystemDatabase;
pub use lr202_filestream::Filestream;
pub use lr203_filetable::Filetable;
pub use lr204_multiple_log_files::MultipleLogFiles;
pub use lr205_in_memory_oltp::InMemoryOltp;
pub use lr209_stretch_database::StretchDatabase;
pub use lr210_tde_certificate::TdeCertificate;
pub use lr211_recovery_model::RecoveryModelNotFull;
pub use lr215_compatibility_level::CompatibilityLevel;
pub use lr216_accelerated_recovery::AcceleratedRecovery;
