//! Measuring: block areas, block × zone overlaps (Z1, Z2), built-up area.

pub mod builtup;
pub mod overlap;

use geo::{BoundingRect, Coord, MultiPolygon, Rect};

/// A window around `r`, larger by a share of its size plus a fixed margin
/// in degrees, used to clip large polygons before an exact overlay.
pub(crate) fn window_around(r: Rect<f64>) -> Rect<f64> {
    let (w, h) = (r.width(), r.height());
    let m = 0.1 * w.max(h) + 0.001;
    Rect::new(Coord { x: r.min().x - m, y: r.min().y - m }, Coord { x: r.max().x + m, y: r.max().y + m })
}

/// Clips `big` to a window around `small_box` when that saves work and
/// precision (many vertices, much larger extent); else returns it as is.
pub(crate) fn clip_if_large<'a>(
    big: &'a MultiPolygon<f64>,
    big_box: Rect<f64>,
    small_box: Rect<f64>,
) -> std::borrow::Cow<'a, MultiPolygon<f64>> {
    use geo::CoordsIter;
    let win = window_around(small_box);
    let larger = big_box.width() * big_box.height() > 4.0 * win.width() * win.height();
    if larger && big.coords_count() > 256 {
        std::borrow::Cow::Owned(crate::geom::clip::clip_to_rect(big, win))
    } else {
        std::borrow::Cow::Borrowed(big)
    }
}

/// Bounding box of a non-empty multipolygon (validated geometry has one).
pub(crate) fn bbox(mp: &MultiPolygon<f64>) -> Rect<f64> {
    mp.bounding_rect().unwrap_or_else(|| Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 0.0, y: 0.0 }))
}
