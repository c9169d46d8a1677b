//! Throughput of the whole script scan over ../shared/corpus (real T-SQL
//! written by others), of the batch splitter alone, and, for comparison, of
//! sqlparser's tokenizer run over every byte of the same files, which the
//! scanner's prefilter avoids.
//!
//! `cargo bench --bench scan`; skipped with a message when the corpus is absent.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput};
use linkready::collect::batches::{Variables, split_batches};
use linkready::collect::decode::decode;
use linkready::{ScanRequest, run_scan};
use sqlparser::dialect::MsSqlDialect;
use sqlparser::tokenizer::Tokenizer;
use walkdir::WalkDir;

fn corpus_files(corpus: &Path) -> Vec<PathBuf> {
    WalkDir::new(corpus)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| {
            entry
                .path()
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("sql"))
        })
        .map(|entry| entry.into_path())
        .collect()
}

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        println!("skipping the scan bench: {} not found", corpus.display());
        return;
    }
    let files = corpus_files(&corpus);
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    println!("corpus: {} .sql files, {} bytes", files.len(), bytes);

    let mut criterion = Criterion::default()
        .sample_size(20)
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    let mut group = criterion.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes));

    let request = ScanRequest {
        paths: vec![corpus.clone()],
        ..ScanRequest::default()
    };
    group.bench_function("scan", |b| b.iter(|| black_box(run_scan(&request))));

    // Baseline: what tokenizing every byte would cost (one core, files in memory).
    let texts: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .filter_map(|bytes| decode(bytes).ok().map(|(text, _)| text))
        .collect();
    // The batch splitter alone (one core, files in memory): most of a scan.
    group.bench_function("split_batches", |b| {
        let variables = Variables::new();
        b.iter(|| {
            let mut batches = 0usize;
            for text in &texts {
                batches += split_batches(text, &variables).batches.len();
            }
            black_box(batches)
        })
    });
    group.bench_function("tokenize_every_byte", |b| {
        b.iter(|| {
            let dialect = MsSqlDialect {};
            let mut tokens = 0usize;
            for text in &texts {
                tokens += Tokenizer::new(&dialect, text)
                    .tokenize()
                    .map_or(0, |t| t.len());
            }
            black_box(tokens)
        })
    });
    group.finish();
    criterion.final_summary();
    against_ripgrep(&corpus, &request);
}

/// The median wall time of `runs` calls.
fn median(runs: usize, mut once: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = std::time::Instant::now();
            once();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// The scan next to ripgrep counting the blockers' keywords over the same
/// corpus, in the same run (issue 14: within 2× of it). Skipped with a
/// message when `rg` is not installed.
fn against_ripgrep(corpus: &Path, request: &ScanRequest) {
    let rg = || {
        std::process::Command::new("rg")
            .args([
                "-c",
                "-i",
                "-e",
                "filestream",
                "-e",
                "filetable",
                "-e",
                "memory_optimized",
                "-e",
                "xp_cmdshell",
                "-e",
                "openquery",
                "-e",
                "create assembly",
            ])
            .arg(corpus)
            .output()
    };
    if rg().is_err() {
        println!("ripgrep comparison skipped: rg is not installed");
        return;
    }
    let ripgrep = median(7, || {
        black_box(rg().ok());
    });
    let scan = median(7, || {
        black_box(run_scan(request));
    });
    println!(
        "same run: ripgrep keyword count {:.1} ms, linkready scan {:.1} ms: {:.2}x",
        ripgrep.as_secs_f64() * 1000.0,
        scan.as_secs_f64() * 1000.0,
        scan.as_secs_f64() / ripgrep.as_secs_f64()
    );
}
