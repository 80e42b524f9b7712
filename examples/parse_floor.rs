//! The parsing floor of the benchmark (issue #9): reads every GeoJSON layer
//! of a layers folder the way `analyze` does (streamed, split, parsed in
//! parallel batches) and does nothing else with the features: no
//! validation, no records, no measuring. `scripts/bench.py` runs it beside
//! `analyze`; the time `analyze` spends beyond this is the time beyond
//! parsing.
//!
//! usage: cargo run --release --example parse_floor -- LAYERS_DIR

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: parse_floor LAYERS_DIR");
        std::process::exit(2);
    };
    let t = Instant::now();
    let (mut features, mut vertices) = (0usize, 0usize);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "geojson"))
        .collect();
    files.sort();
    for path in &files {
        yuanqu::layers::geojson::read_file_with(path, &|_| {}, &mut |f| {
            features += 1;
            if let Ok(g) = &f.geometry {
                vertices +=
                    g.0.iter()
                        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
                        .sum::<usize>();
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
    }
    println!(
        "parse {:.3} s: {} files, {features} features, {vertices} vertices",
        t.elapsed().as_secs_f64(),
        files.len()
    );
}
