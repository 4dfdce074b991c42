//! Colour rules for a site's accent colour (`#rrggbb`): reading it, and choosing black or white
//! text on it by WCAG contrast. Decided once, at the edge, and sent in the public config
//! (`WidgetConfig::accent_text_color`), so neither the loader nor the widget carries the maths.
//! Also the picture of a member who has none: their initial on a colour of their own.

/// `#rrggbb` (case-insensitive) to its components.
pub fn parse_hex(color: &str) -> Option<(u8, u8, u8)> {
    let hex = color.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let part = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((part(0)?, part(2)?, part(4)?))
}

/// Black or white, whichever has the higher contrast ratio against `rgb`.
pub fn text_on(rgb: (u8, u8, u8)) -> &'static str {
    let l = luminance(rgb);
    // Contrast ratio with white is 1.05 / (l + 0.05); with black, (l + 0.05) / 0.05.
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 {
        "#ffffff"
    } else {
        "#000000"
    }
}

/// The backgrounds of members' initials: one per member, by their id.
const INITIAL_COLOURS: [&str; 8] = [
    "#1c7ed6", "#0c8599", "#2f9e44", "#e8590c", "#c2255c", "#7048e8", "#5c940d", "#495057",
];

/// A member's picture when they have none (`GET /api/avatars/{agent}`): an SVG circle with the
/// first letter of `name`, escaped, in black or white on a colour chosen by `id`, the same on
/// every request.
pub fn initial_avatar(id: &str, name: &str) -> String {
    let colour =
        INITIAL_COLOURS[id.bytes().map(usize::from).sum::<usize>() % INITIAL_COLOURS.len()];
    let ink = parse_hex(colour).map_or("#ffffff", text_on);
    let letter: String = name
        .trim()
        .chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 40\">\
         <circle cx=\"20\" cy=\"20\" r=\"20\" fill=\"{colour}\"/>\
         <text x=\"20\" y=\"26.5\" text-anchor=\"middle\" font-family=\"system-ui,sans-serif\" \
         font-size=\"18\" fill=\"{ink}\">{}</text></svg>",
        html_escape::encode_text(&letter)
    )
}

/// WCAG relative luminance, with the sRGB curve's `x^2.4` approximated as
/// `x^2 * (x^3)^(1/8)` (three square roots, which wasm has as an instruction): `powf` would
/// link a kilobyte of libm for a black-or-white choice. The error is under 3 %.
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            let x = (c + 0.055) / 1.055;
            x * x * (x * x * x).sqrt().sqrt().sqrt()
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_six_digit_hex() {
        assert_eq!(parse_hex("#1A2b3c"), Some((0x1a, 0x2b, 0x3c)));
        for bad in ["", "#fff", "123456", "#12345g", "#1234567", "#ééé"] {
            assert_eq!(parse_hex(bad), None, "{bad}");
        }
    }

    #[test]
    fn picks_the_more_readable_text_colour() {
        assert_eq!(text_on((0, 0, 0)), "#ffffff");
        assert_eq!(text_on((255, 255, 255)), "#000000");
        assert_eq!(text_on((0x25, 0x63, 0xeb)), "#ffffff"); // a strong blue
        assert_eq!(text_on((0xfa, 0xcc, 0x15)), "#000000"); // a yellow
    }

    #[test]
    fn the_approximation_agrees_with_the_exact_curve_outside_a_narrow_band() {
        let exact = |(r, g, b): (u8, u8, u8)| {
            let ch = |c: u8| {
                let c = f64::from(c) / 255.0;
                if c <= 0.039_28 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)
        };
        for r in (0..=255u8).step_by(5) {
            for g in (0..=255u8).step_by(5) {
                for b in (0..=255u8).step_by(5) {
                    let l = exact((r, g, b));
                    let (white, black) = (1.05 / (l + 0.05), (l + 0.05) / 0.05);
                    if (white / black - 1.0).abs() > 0.06 {
                        let want = if white >= black { "#ffffff" } else { "#000000" };
                        assert_eq!(text_on((r, g, b)), want, "{r} {g} {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn an_initial_avatar_is_one_escaped_letter_in_a_steady_colour() {
        let svg = initial_avatar("a_1", "  dana");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains(">D</text>"), "{svg}");
        assert_eq!(svg, initial_avatar("a_1", "Dora"));
        let markup = initial_avatar("a_1", "<script>");
        assert!(markup.contains(">&lt;</text>"), "{markup}");
        assert!(!markup.contains("<script"), "{markup}");
        assert!(initial_avatar("a_1", " ").contains("></text>"));
    }
}
