//! RFC 7946 GeoJSON writing: lon/lat, exterior rings counter-clockwise,
//! holes clockwise, numbers as numbers, one feature per line.

use geo::orient::{Direction, Orient};
use geo::Geometry;
use serde_json::Value;
use std::io::{self, Write};

/// Writes a FeatureCollection of `(properties, geometry)` pairs.
pub fn write_collection<I>(w: &mut dyn Write, features: I) -> io::Result<()>
where
    I: IntoIterator<Item = crate::output::OutFeature>,
{
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for (i, (props, geom)) in features.into_iter().enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        w.write_all(b"{\"type\":\"Feature\",\"properties\":")?;
        serde_json::to_writer(&mut *w, &props)?;
        w.write_all(b",\"geometry\":")?;
        match geom {
            None => w.write_all(b"null")?,
            Some(g) => {
                serde_json::to_writer(&mut *w, &geojson::Geometry::new(geojson::GeometryValue::from(&rfc7946(g))))?
            }
        }
        w.write_all(b"}")?;
    }
    w.write_all(b"\n]}\n")
}

/// Orients polygons as RFC 7946 wants: exteriors counter-clockwise, holes clockwise.
pub fn rfc7946(g: Geometry<f64>) -> Geometry<f64> {
    match g {
        Geometry::Polygon(p) => Geometry::Polygon(p.orient(Direction::Default)),
        Geometry::MultiPolygon(m) => Geometry::MultiPolygon(m.orient(Direction::Default)),
        other => other,
    }
}

/// A JSON number rounded to `decimals`, or null.
pub fn num(x: Option<f64>, decimals: i32) -> Value {
    match x {
        Some(v) if v.is_finite() => {
            serde_json::Number::from_f64(crate::units::round_to(v, decimals)).map_or(Value::Null, Value::Number)
        }
        _ => Value::Null,
    }
}

/// A JSON string or null.
pub fn text(x: Option<&str>) -> Value {
    x.map_or(Value::Null, |s| Value::String(s.to_owned()))
}
