//! The parsing floor of the benchmark (issue #9): reads every GeoJSON layer
//! of a layers folder the way `analyze` does (streamed, split, parsed in
//! parallel batches) and does nothing else with the features: no
//! validation, no records, no measuring. `scripts/bench.py` runs it beside
//! `analyze`: the time `analyze` spends beyond it is the time beyond parsing.
//!
//! usage: cargo run --release --example parse_floor -- LAYERS_DIR
//! prints: parse SECONDS features N vertices N

use std::path::PathBuf;
use std::time::Instant;
use yuanqu::layers::{geojson, RawFeature, Work};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Reads every file with `work` done on each feature: (seconds, features, vertices).
fn pass(files: &[PathBuf], work: Work<'_>) -> (f64, usize, usize) {
    let t = Instant::now();
    let (mut features, mut vertices) = (0usize, 0usize);
    for path in files {
        geojson::read_file_with(path, work, &mut |f| {
            features += 1;
            if let Ok(g) = &f.geometry {
                vertices +=
                    g.0.iter()
                        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                        .map(|r| r.0.len())
                        .sum::<usize>();
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
    }
    (t.elapsed().as_secs_f64(), features, vertices)
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: parse_floor LAYERS_DIR");
        std::process::exit(2);
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "geojson"))
        .collect();
    files.sort();
    let nothing = |_: &mut RawFeature| {};
    let (parse, features, vertices) = pass(&files, &nothing);
    println!("parse {parse:.3} features {features} vertices {vertices}");
}
