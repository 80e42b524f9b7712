//! GDAL sources in a projected CRS give the same areas as the GeoJSON.

use crate::common::*;
use std::process::Command;

fn areas(out: &std::path::Path) -> Vec<(String, f64)> {
    let mut v: Vec<(String, f64)> = props(&out.join("blocks.geojson"))
        .into_iter()
        .map(|p| (p["block_id"].as_str().unwrap().to_owned(), p["area_mu"].as_f64().unwrap()))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn geopackage_shapefile_and_filegdb_in_epsg_4546_match_the_geojson() {
    let demo = root().join("layers").join("demo").join("parks.geojson");
    let t = tmp();
    let d = t.path();
    let base = d.join("base");
    yuanqu_ok(&["check", "--parks", demo.to_str().unwrap(), "--out", base.to_str().unwrap(), "-q"], 0);
    let want = areas(&base);
    assert!(want.len() > 50);
    // (a FileGDB layer has one geometry type: the demo's polygons become multipolygons)
    for (driver, file, extra) in [
        ("GPKG", "parks.gpkg", &["-lco", "ENCODING=UTF-8"][..]),
        ("ESRI Shapefile", "parks.shp", &["-lco", "ENCODING=UTF-8"][..]),
        ("OpenFileGDB", "parks.gdb", &["-nlt", "MULTIPOLYGON", "-nln", "parks"][..]),
    ] {
        let target = d.join(file);
        let s = Command::new("ogr2ogr")
            .args(["-f", driver, "-t_srs", "EPSG:4546"])
            .args(extra)
            .arg(&target)
            .arg(&demo)
            .status()
            .expect("ogr2ogr (gdal-bin) runs");
        assert!(s.success(), "ogr2ogr {driver}");
        let out = d.join(format!("out-{file}"));
        yuanqu_ok(&["check", "--parks", target.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"], 0);
        let got = areas(&out);
        assert_eq!(got.len(), want.len(), "{driver}: every block read");
        for ((ib, a), (jb, b)) in got.iter().zip(&want) {
            assert_eq!(ib, jb);
            assert!(((a - b) / b).abs() < 1e-6, "{driver} {ib}: {a} vs {b}");
        }
        // Chinese attributes survive (the .cpg / GeoPackage UTF-8)
        let names = props(&out.join("blocks.geojson"));
        assert!(names.iter().any(|p| p["park_name"].as_str().is_some_and(|n| n.contains("园"))), "{driver}: names");
    }
}

#[test]
fn geopackage_and_shapefile_outputs_read_back_with_the_same_areas() {
    let demo = root().join("layers").join("demo");
    let t = tmp();
    let out = t.path().join("out");
    yuanqu_ok(
        &["check", demo.to_str().unwrap(), "--out", out.to_str().unwrap(), "--format", "gpkg", "--format", "shp", "-q"],
        0,
    );
    let want = areas(&out);
    let gpkg = out.join("results.gpkg");
    let back = t.path().join("back");
    yuanqu_ok(
        &["check", "--parks", gpkg.to_str().unwrap(), "--parks-layer", "blocks", "--out", back.to_str().unwrap(), "-q"],
        0,
    );
    let got = areas(&back);
    assert_eq!(got.len(), want.len());
    for ((ib, a), (jb, b)) in got.iter().zip(&want) {
        assert_eq!(ib, jb);
        assert!(((a - b) / b).abs() < 1e-9, "gpkg {ib}: {a} vs {b}");
    }
    // the Shapefile keeps every block; long field names are mapped in run.json
    let shp = out.join("shp").join("blocks.shp");
    let back2 = t.path().join("back2");
    yuanqu_ok(&["check", "--parks", shp.to_str().unwrap(), "--out", back2.to_str().unwrap(), "-q"], 0);
    assert_eq!(areas(&back2).len(), want.len());
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["shapefile_fields"]["approved_area_mu"], "approved_a");
}

/// Block areas and overlaps read from PostGIS (parks in EPSG:4546, zones in
/// lon/lat) equal those from the GeoJSON. Needs a server: `scripts/test.sh`
/// starts a throwaway one (`scripts/pg_test_server.sh`) and sets
/// `YUANQU_TEST_PG` to its connection string, and `YUANQU_REQUIRE_PG=1` so
/// that a missing server fails the test; a bare `cargo test` without it
/// skips the test and says so.
#[test]
fn postgis_layers_match_the_geojson() {
    let Ok(pg) = std::env::var("YUANQU_TEST_PG") else {
        assert!(std::env::var_os("YUANQU_REQUIRE_PG").is_none(), "YUANQU_REQUIRE_PG is set but YUANQU_TEST_PG is not");
        eprintln!("postgis_layers_match_the_geojson: skipped (no YUANQU_TEST_PG; scripts/test.sh sets it)");
        return;
    };
    let demo = root().join("layers").join("demo");
    let (parks, zones) = (demo.join("parks.geojson"), demo.join("zones.geojson"));
    // table names of this run, so that runs never meet
    let tag = format!("t{}", std::process::id());
    let (parks_table, zones_table) = (format!("parks_{tag}"), format!("zones_{tag}"));
    for (src, table, srs) in [(&parks, &parks_table, "EPSG:4546"), (&zones, &zones_table, "EPSG:4490")] {
        let s = Command::new("ogr2ogr")
            .args(["-f", "PostgreSQL", &pg])
            .arg(src)
            .args(["-nln", table, "-t_srs", srs, "-overwrite"])
            .status()
            .expect("ogr2ogr (gdal-bin) runs");
        assert!(s.success(), "ogr2ogr into PostGIS {table}");
    }
    let t = tmp();
    let (base, got) = (t.path().join("base"), t.path().join("pg"));
    yuanqu_ok(
        &[
            "check",
            "--parks",
            parks.to_str().unwrap(),
            "--zones",
            zones.to_str().unwrap(),
            "--out",
            base.to_str().unwrap(),
            "-q",
        ],
        0,
    );
    yuanqu_ok(
        &[
            "check",
            "--parks",
            &pg,
            "--parks-layer",
            &parks_table,
            "--zones",
            &pg,
            "--zones-layer",
            &zones_table,
            "--out",
            got.to_str().unwrap(),
            "-q",
        ],
        0,
    );
    let (want_areas, got_areas) = (areas(&base), areas(&got));
    assert!(want_areas.len() > 50);
    assert_eq!(got_areas.len(), want_areas.len(), "every block read from PostGIS");
    for ((ib, a), (jb, b)) in got_areas.iter().zip(&want_areas) {
        assert_eq!(ib, jb);
        assert!(((a - b) / b).abs() < 1e-6, "PostGIS {ib}: {a} vs {b}");
    }
    let overlaps = |out: &std::path::Path| {
        let mut v: Vec<(String, String, f64)> = props(&out.join("overlaps.geojson"))
            .into_iter()
            .map(|p| {
                let s = |k: &str| p[k].as_str().unwrap().to_owned();
                (s("block_id"), s("zone_id"), p["overlap_mu"].as_f64().unwrap())
            })
            .collect();
        v.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        v
    };
    let (want_o, got_o) = (overlaps(&base), overlaps(&got));
    assert!(!want_o.is_empty());
    assert_eq!(got_o.len(), want_o.len(), "the same overlaps");
    for (g, w) in got_o.iter().zip(&want_o) {
        assert_eq!((&g.0, &g.1), (&w.0, &w.1));
        assert!((g.2 - w.2).abs() <= 1e-6 * w.2.max(1.0), "{g:?} vs {w:?}");
    }
}
