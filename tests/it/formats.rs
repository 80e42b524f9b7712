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
fn geopackage_and_shapefile_in_epsg_4546_match_the_geojson() {
    let demo = root().join("layers").join("demo").join("parks.geojson");
    let t = tmp();
    let d = t.path();
    let base = d.join("base");
    yuanqu_ok(&["check", "--parks", demo.to_str().unwrap(), "--out", base.to_str().unwrap(), "-q"], 0);
    let want = areas(&base);
    assert!(want.len() > 50);
    for (driver, file) in [("GPKG", "parks.gpkg"), ("ESRI Shapefile", "parks.shp")] {
        let target = d.join(file);
        let s = Command::new("ogr2ogr")
            .args(["-f", driver, "-t_srs", "EPSG:4546", "-lco", "ENCODING=UTF-8"])
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
