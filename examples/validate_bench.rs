//! Times the validation of every geometry of a GeoJSON layer, single-threaded
//! (a microbenchmark for the sweep; see issue #9).
//!
//! usage: cargo run --release --example validate_bench -- FILE.geojson [REPEAT]
//! prints, for each repeat: the whole check (seconds, vertices, nanoseconds
//! a vertex, invalid count), then its linear half (`check_structure`) alone
use std::time::Instant;
use yuanqu::layers::{geojson, RawFeature};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: validate_bench FILE.geojson [REPEAT]");
    let repeat: usize = args.next().map(|r| r.parse().expect("REPEAT is a number")).unwrap_or(3);
    let mut geoms = Vec::new();
    let nothing = |_: &mut RawFeature| {};
    geojson::read_file_with(std::path::Path::new(&path), &nothing, &mut |f| {
        if let Ok(g) = f.geometry {
            geoms.push(g);
        }
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let vertices: usize = geoms.iter().map(geo::CoordsIter::coords_count).sum();
    for _ in 0..repeat {
        let t = Instant::now();
        let invalid = geoms.iter().filter(|g| yuanqu::geom::validate::check(g).is_err()).count();
        let s = t.elapsed().as_secs_f64();
        println!("{s:.3} s, {vertices} vertices, {:.1} ns a vertex, {invalid} invalid", s * 1e9 / vertices as f64);
        let t = Instant::now();
        let invalid = geoms.iter().filter(|g| yuanqu::geom::validate::check_structure(g).is_err()).count();
        let s = t.elapsed().as_secs_f64();
        println!("  structure {:.1} ns a vertex, {invalid} invalid", s * 1e9 / vertices as f64);
    }
}
