//! Test support shared by the integration tests.

pub mod tds;

use std::time::Duration;

use linkready::collect::live::LiveOptions;

/// A runtime for the scripted servers (two workers: the machines have two cores).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

/// Options for collecting from scripted servers, which answer at once.
#[allow(dead_code)]
pub fn live_options(jobs: usize) -> LiveOptions {
    LiveOptions {
        jobs,
        connect_timeout: Duration::from_secs(2),
        query_timeout: Duration::from_secs(2),
    }
}
